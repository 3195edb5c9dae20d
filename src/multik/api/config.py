"""K functions of family A: configuration, learning phase, uids and the session."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from multik import config, session
from multik.api.introspection import cast
from multik.backends import _checks as checks
from multik.config import active_adapter as _adapter
from multik.errors import ConfigError, InvalidArgumentError, SymbolicInput, UnsupportedError
from multik.operators import Deferred
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "backend",
    "cast_to_floatx",
    "clear_session",
    "control_dependencies",
    "eager",
    "epsilon",
    "floatx",
    "get_session",
    "get_uid",
    "image_data_format",
    "image_dim_ordering",
    "learning_phase",
    "learning_phase_scope",
    "manual_variable_initialization",
    "name_scope",
    "normalize_data_format",
    "reset_uids",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_image_dim_ordering",
    "set_learning_phase",
    "set_session",
    "symbolic",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Keras 1's image dimension orderings and the data formats they stand for.
_DIM_ORDERINGS = {"tf": "channels_last", "th": "channels_first"}


def backend() -> str:
    """The name of the active backend: 'numpy', 'tensorflow', 'torch' or 'jax'."""
    return _adapter().name


def epsilon() -> float:
    """The fuzz factor the losses clip with (1e-7 unless configured)."""
    return config.epsilon()


def set_epsilon(value: float) -> None:
    """Set the fuzz factor; it must be a finite number >= 0 (ConfigError otherwise)."""
    config.set_epsilon(value)


def floatx() -> str:
    """The default float dtype, 'float32' unless configured."""
    return config.floatx()


def set_floatx(value: str) -> None:
    """Set the default float dtype: 'float16', 'float32' or 'float64' (ConfigError otherwise)."""
    config.set_floatx(value)


def image_data_format() -> str:
    """The default image data format, 'channels_last' unless configured."""
    return config.image_data_format()


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format: 'channels_last' or 'channels_first'."""
    config.set_image_data_format(data_format)


def cast_to_floatx(x: Any) -> Any:
    """``x`` in floatx: a NumPy array for NumPy or Python input, a tensor for a tensor input."""
    if isinstance(x, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        from multik.dtypes import numpy_dtype

        return np.asarray(x).astype(numpy_dtype(config.floatx()))
    try:
        return _adapter().cast(x, config.floatx())
    except SymbolicInput:
        return _symbolic(cast, x, config.floatx())


def learning_phase() -> int | SymbolicTensor:
    """0 or 1 when set, else the symbolic bool placeholder K.function may feed (default 0)."""
    return session.learning_phase()


def set_learning_phase(value: int) -> None:
    """Fix the learning phase for the process: 0 (test) or 1 (train)."""
    session.set_learning_phase(value)


def learning_phase_scope(value: int) -> Any:
    """A ``with`` block in which the learning phase is ``value`` (0 or 1)."""
    return session.learning_phase_scope(value)


def get_uid(prefix: str = "") -> int:
    """A per-``prefix`` counter: 1 on the first call, then 2, 3, ..."""
    return session.get_uid(prefix)


def reset_uids() -> None:
    """Restart every ``get_uid`` counter."""
    session.reset_uids()


def clear_session() -> None:
    """Leave graph mode; reset the learning phase, the uid counters and the automatic names."""
    session.clear_session()


# --------------------------------------------------------------------------- Keras 1 and 2.2 names


def normalize_data_format(value: str | None) -> str:
    """``value`` as 'channels_last' or 'channels_first' (any case); None gives
    ``image_data_format()``. Anything else raises InvalidArgumentError (a ValueError)."""
    return checks.normalize_data_format(value)


def image_dim_ordering() -> str:
    """Keras 1's name for the data format: 'tf' for channels_last, 'th' for channels_first."""
    return "tf" if config.image_data_format() == "channels_last" else "th"


def set_image_dim_ordering(dim_ordering: str) -> None:
    """Set the data format by its Keras 1 name: 'tf' (channels_last) or 'th' (channels_first)."""
    if dim_ordering not in _DIM_ORDERINGS:
        raise ConfigError(
            f"dim_ordering must be 'tf' (channels_last) or 'th' (channels_first), got "
            f"{dim_ordering!r}"
        )
    config.set_image_data_format(_DIM_ORDERINGS[dim_ordering])


def manual_variable_initialization(value: bool) -> None:
    """Accepted for legacy code, with no effect on any backend: multik gives every variable
    its value when it is created, so nothing is left to initialise later (tf_keras's flag only
    mattered to TensorFlow 1 sessions)."""
    if not isinstance(value, (bool, int, np.bool_)):
        raise InvalidArgumentError(f"manual_variable_initialization takes a bool, got {value!r}")


# --------------------------------------------------------------------------- graph scopes


def name_scope(name: str) -> Any:
    """A ``with`` block naming the operations made in it; it yields the full scope name
    ('outer/name/'). TensorFlow's ``tf.name_scope`` on tensorflow; on the other backends the
    names are only kept (their tensors have no names)."""
    if not isinstance(name, str):
        raise InvalidArgumentError(f"name_scope needs a str name, got {name!r}")
    return _adapter()._name_scope(name)


def control_dependencies(control_inputs: Sequence[Any] | None) -> Any:
    """A ``with`` block whose operations run after ``control_inputs`` (``tf.control_dependencies``
    on tensorflow, which matters inside ``tf.function``); on the other backends operations run,
    or are traced as pure functions, in program order, so it has nothing to do.

    Symbolic tensors raise UnsupportedError: K.function runs what its outputs need, so pass
    the operations to run as its ``updates``.
    """
    if control_inputs is None:
        return _adapter()._control_dependencies(None)
    if not isinstance(control_inputs, (list, tuple)):
        raise InvalidArgumentError(
            f"control_inputs must be a list or tuple of tensors (or None), got {control_inputs!r}"
        )
    if any(isinstance(x, Deferred) for x in control_inputs):
        raise UnsupportedError(
            "control dependencies on symbolic tensors are not supported: K.function runs only "
            "what its outputs need; pass the operations to run as K.function(..., updates=[...])"
        )
    adapter = _adapter()
    try:
        tensors = [adapter.tensor(x) for x in control_inputs]
    except SymbolicInput:  # a Variable in graph mode
        raise UnsupportedError(
            "control dependencies in graph mode are not supported: K.function runs only what "
            "its outputs need; pass the operations to run as K.function(..., updates=[...])"
        ) from None
    return adapter._control_dependencies(tensors)


def symbolic(func: F) -> F:
    """Keras 2.3's decorator that built ``func``'s operations in the Keras graph: ``func`` as it
    is, since a K call on a symbolic tensor builds a graph node anyway."""
    return func


def eager(func: F) -> F:
    """Keras 2.3's decorator that ran ``func`` eagerly: K calls in it read Variables' current
    values even in graph mode (after a K.placeholder exists)."""

    @functools.wraps(func)
    def eager_fn(*args: Any, **kwargs: Any) -> Any:
        with config.outside_graph_mode():
            return func(*args, **kwargs)

    return eager_fn  # type: ignore[return-value]


# --------------------------------------------------------------------------- TensorFlow 1 sessions


def get_session() -> Any:
    """The TensorFlow 1 session (tensorflow backend only): the default session if one is
    active, else the one set with ``set_session``, else a new ``tf.compat.v1.Session``. Other
    backends raise UnsupportedError: there, K.eval and K.function do what sessions did."""
    return _adapter()._get_session()


def set_session(session: Any) -> None:
    """Make ``session`` (a ``tf.compat.v1.Session``) the one ``get_session`` returns
    (tensorflow backend only; other backends raise UnsupportedError)."""
    _adapter()._set_session(session)
