"""The primitive contract: what each framework adapter implements, and the hooks it may override.

A framework adapter (numpy.py, tensorflow.py, torch.py, jax.py) implements the abstract methods
here, in the order they are declared, and nothing else unless the framework has a faster native
call for a shared formula. Primitives receive native tensors and arguments that are already
validated and normalised (axes non-negative and sorted, dtypes by Keras name); they must return
tensors of the dtype stated in their docstring and must not re-validate. The K functions
themselves are written once, over these primitives, in ``multik.backends.formulas``.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from multik import config, dtypes
from multik.backends.xp import Namespace
from multik.errors import UnsupportedError

Tensor = Any


class Primitives(abc.ABC):
    """What a framework adapter implements: the primitives, and hooks with defaults."""

    #: Canonical backend name.
    name: ClassVar[str]
    #: Classes of the framework's own tensors (and variables), accepted without conversion.
    native_types: ClassVar[tuple[type, ...]]
    #: Whether the framework records operations for autodiff as they run (torch): gradients
    #: are then read from the recorded forward pass (``_watched``, ``_recording``,
    #: ``_recorded_gradients``) instead of computing the loss again.
    records_gradients: ClassVar[bool] = False
    #: Whether a Variable's storage can be passed into a ``_compile``d function and be read and
    #: assigned there (tf.Variable); else its value goes in and the new value comes out.
    assigns_in_graph: ClassVar[bool] = False
    #: Whether ``_compile`` can compile a graph whose shapes depend on fed values (a slice bound
    #: fed through a placeholder): tf.function can; jax.jit cannot, so such a graph runs as it is.
    compiles_value_dependent_shapes: ClassVar[bool] = False

    def __init__(self) -> None:
        self._native_exact = frozenset(self.native_types)
        #: NumPy-named functions and operators on this adapter's tensors, for the formulas.
        self.xp = Namespace(self)

    def __repr__(self) -> str:
        return f"<multik {self.name} adapter>"

    @property
    def graph_mode(self) -> bool:
        """Whether this backend is in graph mode in the current thread or asyncio task: set by
        the first K.placeholder (until K.clear_session), K calls that read a Variable then build
        graph nodes that read it when the graph runs, as Keras 2 on TF 1 did."""
        return self.name in config.graph_mode_backends()

    # ----------------------------------------------------------------- hooks

    def _read(self, storage: Tensor) -> Tensor:
        """The current value of a Variable's storage, as a tensor a later assign leaves alone."""
        return storage

    def _probe_zeros(self, shape: tuple[int, ...], dtype: str) -> Tensor:
        """What stands for a symbolic tensor of ``shape`` and ``dtype`` while shapes are
        inferred: zeros (JAX: an abstract array)."""
        return self._full(shape, 0, dtype)

    def _infer(self, fn: Callable[..., Any], probes: list[Tensor]) -> Tensor:
        """``fn(*probes)``, run only for the shape and dtype of its result."""
        return fn(*probes)

    def _watched(self, x: Tensor) -> Tensor:
        """``x`` as a leaf whose gradients the framework records (``records_gradients``)."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _recording(self) -> Any:
        """A context in which operations on watched leaves are recorded."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _recorded_gradients(self, loss: Tensor, leaves: list[Tensor]) -> list[Tensor]:
        """The gradients of ``sum(loss)``, recorded from watched ``leaves`` (zeros where it
        does not depend on one)."""
        raise UnsupportedError(f"the {self.name} backend does not record gradients")

    def _unshared(self, result: Tensor, source: object) -> Tensor:
        """``result`` of a K function that may return a view of its input ``source`` (the
        caller's argument): a copy if it shares memory with a NumPy array of the caller or with
        a Variable's storage, which a multik result never does (frameworks with immutable
        tensors need nothing)."""
        return result

    def _require_autodiff(self) -> None:
        """Raise UnsupportedError, saying what to install, if K.gradients cannot work here."""
        return None

    def _check_dtype_supported(self, name: str) -> None:
        """Raise DTypeError if this backend cannot hold ``name`` right now (JAX without x64)."""
        return None

    # ----------------------------------------------------------------- core primitives

    @abc.abstractmethod
    def devices(self) -> list[str]:
        """The devices the framework computes on, e.g. ['cpu'] or ['cuda:0']."""

    @abc.abstractmethod
    def _from_numpy(self, array: np.ndarray) -> Tensor:
        """A native tensor with the values and the exact dtype of a NumPy array, sharing no memory
        with it (the caller may write to the array later)."""

    @abc.abstractmethod
    def _to_numpy(self, x: Tensor) -> np.ndarray:
        """A new NumPy array (never a NumPy scalar, never sharing memory with ``x``) with the
        values and dtype of ``x``."""

    @abc.abstractmethod
    def _shape(self, x: Tensor) -> tuple[int, ...]:
        """The static shape of ``x`` as a tuple of ints."""

    @abc.abstractmethod
    def _dtype(self, x: Tensor) -> str:
        """The Keras dtype name of ``x``."""

    @abc.abstractmethod
    def _is_concrete(self, x: Tensor) -> bool:
        """Whether ``x`` holds values now (False while tracing under a compiler)."""

    @abc.abstractmethod
    def _new_variable(self, x: Tensor, name: str) -> Tensor:
        """The framework's storage for a Variable initialised to ``x`` (e.g. ``tf.Variable``)."""

    @abc.abstractmethod
    def _assign(self, storage: Tensor, x: Tensor) -> Tensor:
        """Store ``x`` (same shape and dtype) into a Variable's storage; return the new storage."""

    @abc.abstractmethod
    def _full(self, shape: tuple[int, ...], value: float, dtype: str) -> Tensor:
        """A tensor of ``shape`` filled with ``value``, of dtype ``dtype``."""

    @abc.abstractmethod
    def _eye(self, rows: int, columns: int, dtype: str) -> Tensor:
        """The ``rows`` x ``columns`` identity matrix of dtype ``dtype``."""

    @abc.abstractmethod
    def _arange(self, stop: int, dtype: str) -> Tensor:
        """``0, 1, ..., stop - 1`` as a 1-D tensor of dtype ``dtype``."""

    @abc.abstractmethod
    def _cast(self, x: Tensor, dtype: str) -> Tensor:
        """``x`` converted to ``dtype`` with the framework's plain cast (values in range)."""

    @abc.abstractmethod
    def _sum(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Sum over ``axes`` (None: all); the result keeps ``x``'s dtype (int32, int64 or float)."""

    @abc.abstractmethod
    def _prod(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Product over ``axes`` (None: all), non-empty; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _max(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Maximum over ``axes`` (None: all), never empty; NaN propagates; bool allowed."""

    @abc.abstractmethod
    def _min(self, x: Tensor, axes: tuple[int, ...] | None, keepdims: bool) -> Tensor:
        """Minimum over ``axes`` (None: all), never empty; NaN propagates; bool allowed."""

    @abc.abstractmethod
    def _cumsum(self, x: Tensor, axis: int) -> Tensor:
        """Cumulative sum along ``axis``; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _cumprod(self, x: Tensor, axis: int) -> Tensor:
        """Cumulative product along ``axis``; the result keeps ``x``'s dtype."""

    @abc.abstractmethod
    def _reshape(self, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        """``x`` in C order with the concrete ``shape`` (no -1), which has the same size."""

    @abc.abstractmethod
    def _transpose(self, x: Tensor, perm: tuple[int, ...]) -> Tensor:
        """``x`` with its axes permuted by the full permutation ``perm``."""

    @abc.abstractmethod
    def _expand_dims(self, x: Tensor, axis: int) -> Tensor:
        """``x`` with a new size-1 axis at non-negative position ``axis``."""

    @abc.abstractmethod
    def _squeeze(self, x: Tensor, axis: int) -> Tensor:
        """``x`` without ``axis``, whose size is 1."""

    @abc.abstractmethod
    def _pad(self, x: Tensor, pads: tuple[tuple[int, int], ...]) -> Tensor:
        """``x`` zero-padded by ``(before, after)`` on each axis."""

    @abc.abstractmethod
    def _take(self, x: Tensor, indices: Tensor, axis: int) -> Tensor:
        """Slices of ``x`` along ``axis`` at the in-range integer ``indices`` (any shape)."""

    @abc.abstractmethod
    def _tensordot(self, x: Tensor, y: Tensor, x_axis: int, y_axis: int) -> Tensor:
        """Contract axis ``x_axis`` of ``x`` with ``y_axis`` of ``y`` (same dtype, float or int)."""

    @abc.abstractmethod
    def _matmul(self, x: Tensor, y: Tensor) -> Tensor:
        """Batched matrix product of rank-3 ``x`` (b, n, k) and ``y`` (b, k, m), same dtype."""

    @abc.abstractmethod
    def _binary(self, op: str, x: Tensor, y: Tensor) -> Tensor:
        """Element-wise ``op`` on broadcastable ``x`` and ``y`` of the same dtype.

        ``op`` is one of: add, subtract, multiply, divide (floats), power, maximum, minimum
        (NaN propagates), equal, not_equal, less, less_equal, greater, greater_equal (bool
        results), logical_and, logical_or.
        """

    @abc.abstractmethod
    def _unary(self, op: str, x: Tensor) -> Tensor:
        """Element-wise ``op`` on ``x``, same dtype (``isnan`` and ``logical_not`` give bool).

        ``op`` is one of: negative, abs, sign, exp, expm1, log, log1p, sqrt, tanh, sigmoid,
        softplus, relu (max(x, 0), NaN propagates), square (integers wrap), isnan, logical_not;
        relu and square never get bool.
        """

    @abc.abstractmethod
    def _where(self, condition: Tensor, x: Tensor, y: Tensor) -> Tensor:
        """Element-wise ``x`` where the bool ``condition`` holds, else ``y`` (same dtype)."""

    @abc.abstractmethod
    def _stop_gradient(self, x: Tensor) -> Tensor:
        """``x``, seen by automatic differentiation as a constant."""

    @abc.abstractmethod
    def _gradients(
        self, fn: Callable[..., Tensor], values: list[Tensor], nested: bool
    ) -> list[Tensor]:
        """The gradients of ``sum(fn(*values))`` with respect to each float tensor of ``values``
        (zeros where it does not depend on one); ``nested``: inside another gradient, which
        must be able to differentiate this one again."""

    @abc.abstractmethod
    def _compile(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` (a pure function of lists of tensors) run by the framework's compiler where
        that is faster, compiled once per input shape and dtype."""

    # ----------------------------------------------------------------- defaults built on primitives

    def _scalar(self, value: float, dtype: str) -> Tensor:
        """A scalar of ``dtype``; a Python float beyond a float dtype's range is +-inf there
        (PyTorch would raise, NumPy and TensorFlow warn)."""
        if value.__class__ is float and dtypes.beyond_range(value, dtype):
            value = math.copysign(math.inf, value)
        return self._full((), value, dtype)

    def _as(self, x: Tensor, dtype: str) -> Tensor:
        return x if self._dtype(x) == dtype else self._cast(x, dtype)

    # ----------------------------------------------------------------- ctc primitives

    def _host_call(
        self,
        what: str,
        fn: Callable[..., tuple[np.ndarray, ...]],
        args: list[Tensor],
        results: list[tuple[tuple[int, ...], str]],
    ) -> tuple[Tensor, ...]:
        """``fn``, a NumPy function, on the values of the tensors ``args``: it returns NumPy
        arrays of the (shape, dtype) of ``results``, given back as tensors. ``what`` names the
        K function for the error raised while a compiler traces, where the values do not exist
        (JAX calls back to the host from compiled code instead)."""
        if not all(self._is_concrete(a) for a in args):
            raise UnsupportedError(
                f"{what} runs on the host (in NumPy) and needs the values of its inputs, which "
                f"do not exist while {self.name} compiles; call it outside the compiled function"
            )
        outputs = fn(*(self._to_numpy(a) for a in args))
        return tuple(self._from_numpy(np.asarray(o)) for o in outputs)
