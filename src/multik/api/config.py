"""K functions of family A: configuration, learning phase, uids and the session."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik import config, session
from multik.api.introspection import cast
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "backend",
    "cast_to_floatx",
    "clear_session",
    "epsilon",
    "floatx",
    "get_uid",
    "image_data_format",
    "learning_phase",
    "learning_phase_scope",
    "reset_uids",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_learning_phase",
]


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
