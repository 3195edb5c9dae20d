"""The shared half of every adapter: argument checks, dtype rules and formulas, written once.

``Adapter`` implements each K function in terms of a small set of primitives (the abstract
methods whose names start with ``_``). A framework adapter implements only those primitives,
in the order they are declared here. Primitives receive native tensors and arguments that are
already validated and normalised (axes non-negative and sorted, dtypes by Keras name); they
must return tensors of the dtype stated in their docstring and must not re-validate.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends import load_adapter
from multik.backends._convert import framework_of, mismatch, numpy_input, python_to_numpy
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
    SymbolicInput,
    UnsupportedError,
)
from multik.symbolic import SymbolicTensor, refuse_symbolic
from multik.variable import Variable

Tensor = Any


_WIDE_FLOATS = frozenset({"float32", "float64"})


def _is_python_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Adapter(abc.ABC):
    """One backend: the K functions, written once over the primitives a framework provides."""

    #: Canonical backend name.
    name: ClassVar[str]
    #: Classes of the framework's own tensors (and variables), accepted without conversion.
    native_types: ClassVar[tuple[type, ...]]
    #: Whether the framework differentiates automatically (K.gradients).
    has_autodiff: ClassVar[bool] = True
    #: Whether the framework records operations for autodiff as they run (torch): gradients
    #: are then read from the recorded forward pass (``_watched``, ``_recording``,
    #: ``_recorded_gradients``) instead of computing the loss again.
    records_gradients: ClassVar[bool] = False
    #: Whether a Variable's storage can be passed into a ``_compile``d function and be read and
    #: assigned there (tf.Variable); else its value goes in and the new value comes out.
    assigns_in_graph: ClassVar[bool] = False

    def __init__(self) -> None:
        self._native_exact = frozenset(self.native_types)
        #: Set by the first K.placeholder (until K.clear_session): K calls that read a Variable
        #: then build graph nodes that read it when the graph runs, as Keras 2 on TF 1 did.
        self.graph_mode = False

    def __repr__(self) -> str:
        return f"<multik {self.name} adapter>"

    # ----------------------------------------------------------------- conversion

    def tensor(self, x: object) -> Tensor:
        """The native tensor for ``x``: a native tensor, Variable, NumPy array or Python value."""
        if x.__class__ in self._native_exact:
            return x
        if isinstance(x, Variable):
            if self.graph_mode:
                raise SymbolicInput(
                    f"in graph mode (a K.placeholder exists) Variable {x.name!r} is read when the "
                    "graph runs: evaluate this with K.eval or K.function, or read the value with "
                    "K.get_value"
                )
            return self.read_variable(x)
        if isinstance(x, self.native_types):
            return x
        if isinstance(x, (np.ndarray, np.generic)):
            return self._from_numpy(numpy_input(x))
        if isinstance(x, (bool, int, float, list, tuple)):
            return self._from_python(x)
        if isinstance(x, SymbolicTensor):
            raise refuse_symbolic(x)  # the K front-end catches it and builds a graph node
        if framework_of(x) is not None:
            raise mismatch(x, self.name)
        raise InvalidArgumentError(
            f"cannot use a {type(x).__name__} as a tensor; pass a {self.name} tensor, a multik "
            "Variable, a NumPy array, or a Python number or list"
        )

    def read_variable(self, x: Variable) -> Tensor:
        """The current value of Variable ``x`` of this backend, in graph mode too."""
        if x.backend != self.name:
            raise mismatch(x, self.name, x.backend)
        return self._read(x.value)

    def typed_tensor(self, x: object, dtype: str) -> Tensor:
        """The native tensor for ``x`` in ``dtype``, converted with K.cast rules.

        Python values and NumPy arrays are converted on the host, so a float64 NumPy array asked
        for in float32 never exists as a 64-bit tensor (JAX without x64 accepts it). Python
        integers must fit ``dtype``.
        """
        array = self.host_array(x, dtype)
        if array is not None:
            return self._from_numpy(array)
        return self.cast(self.tensor(x), dtype)

    def host_array(self, x: object, dtype: str) -> np.ndarray | None:
        """A Python value or NumPy array as a NumPy array in ``dtype`` (K.cast rules; Python
        integers must fit); None for anything else."""
        if isinstance(x, (bool, int, float, list, tuple)):
            array = np.asarray(x)
            if array.dtype.kind in "iu" and dtype != "bool":
                self._check_fits(array, dtype)
            x = array
        if isinstance(x, (np.ndarray, np.generic)):
            array = numpy_input(x)
            if dtypes.name_of(array.dtype) != dtype:
                array = load_adapter("numpy").cast(array, dtype)
            return array
        return None

    @staticmethod
    def _check_fits(array: np.ndarray, dtype: str) -> None:
        if dtypes.is_float(dtype) or not array.size:
            return
        info = np.iinfo(dtype)
        if array.min() < info.min or array.max() > info.max:
            raise InvalidArgumentError(
                f"integer values from {array.min()} to {array.max()} do not fit {dtype} "
                f"({info.min} to {info.max})"
            )

    def dtype_arg(self, dtype: object, default: str | None = None) -> str:
        """A dtype argument as a Keras name (``None`` gives ``default``, else floatx)."""
        if dtype is None:
            return default or config.floatx()
        name = dtypes.canonical(dtype)
        self._check_dtype_supported(name)
        return name

    def _from_python(self, value: object) -> Tensor:
        """A Python number or nested list as a tensor: ints int32, floats floatx, bools bool."""
        return self._from_numpy(python_to_numpy(value, config.floatx()))

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

    def _check_dtype_supported(self, name: str) -> None:
        """Raise DTypeError if this backend cannot hold ``name`` right now (JAX without x64)."""
        return None

    # ----------------------------------------------------------------- primitives

    @abc.abstractmethod
    def devices(self) -> list[str]:
        """The devices the framework computes on, e.g. ['cpu'] or ['cuda:0']."""

    @abc.abstractmethod
    def _from_numpy(self, array: np.ndarray) -> Tensor:
        """A native tensor with the values and the exact dtype of a NumPy array."""

    @abc.abstractmethod
    def _to_numpy(self, x: Tensor) -> np.ndarray:
        """A NumPy array (never a NumPy scalar) with the values and dtype of ``x``."""

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

    # ----------------------------------------------------------------- helpers on primitives

    def _scalar(self, value: float, dtype: str) -> Tensor:
        return self._full((), value, dtype)

    def _as(self, x: Tensor, dtype: str) -> Tensor:
        return x if self._dtype(x) == dtype else self._cast(x, dtype)

    def _op(self, op: str, x: object, y: object) -> Tensor:
        """Binary ``op`` of tensors or Python scalars (weak), promoted by the shared rule."""
        if _is_python_number(y):
            x = self.tensor(x)
            dtype = dtypes.result_type(self._dtype(x), None, y, config.floatx())
            x, y = self._as(x, dtype), self._weak_scalar(y, dtype)
        elif _is_python_number(x):
            y = self.tensor(y)
            dtype = dtypes.result_type(None, self._dtype(y), x, config.floatx())
            x, y = self._weak_scalar(x, dtype), self._as(y, dtype)
        else:
            x, y = self.tensor(x), self.tensor(y)
            dtype = dtypes.result_type(self._dtype(x), self._dtype(y))
            x, y = self._as(x, dtype), self._as(y, dtype)
        if op == "power" and dtypes.is_int(dtype):
            self._check_integer_exponent(y)
        return self._binary(op, x, y)

    def _weak_scalar(self, value: float, dtype: str) -> Tensor:
        """A Python number as a scalar of ``dtype``; an int that does not fit is an error."""
        if isinstance(value, int) and dtypes.is_int(dtype):
            self._check_fits(np.asarray(value), dtype)
        return self._scalar(value, dtype)

    def _check_integer_exponent(self, exponent: Tensor) -> None:
        """Integers to negative integer powers have no integer value: refuse them where visible."""
        if self._is_concrete(exponent) and (self._to_numpy(exponent) < 0).any():
            raise InvalidArgumentError(
                "integers to negative integer powers are not allowed; cast the base to a float "
                "dtype first (K.cast(x, K.floatx()))"
            )

    def _divide(self, x: object, y: object) -> Tensor:
        """True division; integer and bool operands divide in floatx."""
        floatx = config.floatx()
        if not _is_python_number(x):
            x = self.tensor(x)
            if not dtypes.is_float(self._dtype(x)):
                x = self._cast(x, floatx)
        if not _is_python_number(y):
            y = self.tensor(y)
            if not dtypes.is_float(self._dtype(y)):
                y = self._cast(y, floatx)
        x = float(x) if _is_python_number(x) else x  # type: ignore[arg-type]
        y = float(y) if _is_python_number(y) else y  # type: ignore[arg-type]
        return self._op("divide", x, y)

    def _operator(self, op: str, x: object, y: object) -> Tensor:
        """A Python operator on tensors, Variables or numbers: ``op`` is a ``_binary`` op,
        'divide' (true division, integers in floatx) or 'matmul' (K.dot)."""
        if op == "divide":
            return self._divide(x, y)
        if op == "matmul":
            return self.dot(x, y)
        return self._op(op, x, y)

    # ----------------------------------------------------------------- variables & creation

    def variable(
        self, value: object, dtype: object = None, name: str | None = None, constraint: Any = None
    ) -> Variable:
        dtype = self.dtype_arg(dtype)
        if isinstance(value, Variable):
            value = value.value
        x = self.typed_tensor(value, dtype)
        return Variable(self, self._new_variable(x, name or ""), name, constraint)

    def constant(
        self,
        value: object,
        dtype: object = None,
        shape: Sequence[int] | None = None,
        name: Any = None,
    ) -> Tensor:
        x = self.typed_tensor(value, self.dtype_arg(dtype))
        if shape is None:
            return x
        shape = tuple(shape)
        current = self._shape(x)
        if current == shape:
            return x
        if checks.size_of(current) == 1:
            return self._op("add", self._full(shape, 0, self._dtype(x)), self._reshape(x, ()))
        if checks.size_of(current) == checks.size_of(shape):
            return self._reshape(x, shape)
        raise ShapeError(
            f"constant value of shape {current} cannot fill shape {shape}: give one value or "
            f"exactly {checks.size_of(shape)} values"
        )

    def _fill_variable(
        self, shape: object, value: float, dtype: object, name: str | None
    ) -> Variable:
        shape = self._shape_arg(shape)
        x = self._full(shape, value, self.dtype_arg(dtype))
        return Variable(self, self._new_variable(x, name or ""), name)

    @staticmethod
    def _shape_arg(shape: object) -> tuple[int, ...]:
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (list, tuple)) or any(
            isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0 for d in shape
        ):
            raise ShapeError(f"shape must be a tuple of non-negative ints, got {shape!r}")
        return tuple(int(d) for d in shape)

    def zeros(self, shape: object, dtype: object = None, name: str | None = None) -> Variable:
        return self._fill_variable(shape, 0, dtype, name)

    def ones(self, shape: object, dtype: object = None, name: str | None = None) -> Variable:
        return self._fill_variable(shape, 1, dtype, name)

    def eye(self, size: object, dtype: object = None, name: str | None = None) -> Variable:
        rows, columns = (size, size) if not isinstance(size, (list, tuple)) else tuple(size)
        rows, columns = self._shape_arg((rows, columns))
        x = self._eye(rows, columns, self.dtype_arg(dtype))
        return Variable(self, self._new_variable(x, name or ""), name)

    def zeros_like(self, x: object, dtype: object = None, name: Any = None) -> Tensor:
        x = self.tensor(x)
        return self._full(self._shape(x), 0, self.dtype_arg(dtype, self._dtype(x)))

    def ones_like(self, x: object, dtype: object = None, name: Any = None) -> Tensor:
        x = self.tensor(x)
        return self._full(self._shape(x), 1, self.dtype_arg(dtype, self._dtype(x)))

    # ----------------------------------------------------------------- introspection

    def shape(self, x: object) -> Tensor:
        shape = self.int_shape(x)
        return self._from_numpy(np.asarray(shape, dtype=np.int32).reshape(len(shape)))

    def int_shape(self, x: object) -> tuple[int, ...]:
        if isinstance(x, Variable):
            return x.shape
        return self._shape(self.tensor(x))

    def ndim(self, x: object) -> int:
        return len(self.int_shape(x))

    def dtype(self, x: object) -> str:
        if isinstance(x, Variable):
            return x.dtype
        return self._dtype(self.tensor(x))

    def eval(self, x: object) -> np.ndarray:
        return self._to_numpy(self.tensor(x))

    def get_value(self, x: object) -> np.ndarray:
        return self._to_numpy(self.tensor(x))

    # ----------------------------------------------------------------- cast

    def cast(self, x: object, dtype: object) -> Tensor:
        x = self.tensor(x)
        target = self.dtype_arg(dtype)
        source = self._dtype(x)
        if source == target:
            return x
        if dtypes.is_float(source) and dtypes.is_int(target):
            return self._saturating_cast(x, source, target)
        return self._cast(x, target)

    def _saturating_cast(self, x: Tensor, source: str, target: str) -> Tensor:
        """Float to int: truncate toward zero, saturate at the target's range, NaN to 0."""
        lo, hi = dtypes.saturation_bounds(source, target)
        clipped = self._clip_scalars(x, lo, hi)
        safe = self._where(self._unary("isnan", x), self._scalar(0, source), clipped)
        out = self._cast(safe, target)
        # ``hi`` is the largest float <= the int maximum; anything above it is past the maximum.
        above = self._binary("greater", x, self._scalar(hi, source))
        out = self._where(above, self._scalar(np.iinfo(target).max, target), out)
        # Likewise ``lo`` (e.g. -65504 for float16 to int32): anything below is past the minimum.
        below = self._binary("less", x, self._scalar(lo, source))
        return self._where(below, self._scalar(np.iinfo(target).min, target), out)

    def _clip_scalars(self, x: Tensor, lo: float, hi: float) -> Tensor:
        """Float ``x`` clipped to [lo, hi], bounds exactly representable in its dtype; NaN stays."""
        dtype = self._dtype(x)
        upper = self._binary("minimum", x, self._scalar(hi, dtype))
        return self._binary("maximum", upper, self._scalar(lo, dtype))

    # ----------------------------------------------------------------- reductions

    def _reduce_args(self, x: object, axis: object) -> tuple[Tensor, tuple[int, ...] | None]:
        x = self.tensor(x)
        if axis is None:
            return x, None
        return x, checks.normalize_axes(axis, len(self._shape(x)))

    def _accumulate(self, op: str, x: object, axis: object, keepdims: bool) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        source = self._dtype(x)
        compute, result = dtypes.accumulator(source)
        if compute != source:
            x = self._cast(x, compute)
        if axes != ():
            x = self._sum(x, axes, keepdims) if op == "sum" else self._prod(x, axes, keepdims)
        return x if compute == result else self._cast(x, result)

    def sum(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._accumulate("sum", x, axis, keepdims)

    def prod(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._accumulate("prod", x, axis, keepdims)

    def _extremum(self, op: str, x: object, axis: object, keepdims: bool) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        if axes == ():
            return x
        shape = self._shape(x)
        reduced = range(len(shape)) if axes is None else axes
        if any(shape[a] == 0 for a in reduced):
            raise ShapeError(
                f"{op} of an empty reduction (shape {shape}, axis {axis!r}) has no value; "
                "reduce over non-empty axes only"
            )
        return self._max(x, axes, keepdims) if op == "max" else self._min(x, axes, keepdims)

    def max(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("max", x, axis, keepdims)

    def min(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("min", x, axis, keepdims)

    def mean(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        compute, result = dtypes.mean_dtype(self._dtype(x), config.floatx())
        x = self._as(x, compute)
        if axes == ():
            return self._as(x, result)
        shape = self._shape(x)
        count = checks.size_of(shape if axes is None else (shape[a] for a in axes))
        total = self._sum(x, axes, keepdims)
        mean = self._binary("divide", total, self._scalar(count, compute))
        return self._as(mean, result)

    def _scan(self, op: str, x: object, axis: object) -> Tensor:
        x = self.tensor(x)
        if axis is None:
            x = self._reshape(x, (checks.size_of(self._shape(x)),))
            axis = 0
        axis = checks.normalize_axis(axis, len(self._shape(x)))
        compute, result = dtypes.accumulator(self._dtype(x))
        x = self._as(x, compute)
        out = self._cumsum(x, axis) if op == "cumsum" else self._cumprod(x, axis)
        return self._as(out, result)

    def cumsum(self, x: object, axis: int | None = 0) -> Tensor:
        return self._scan("cumsum", x, axis)

    def cumprod(self, x: object, axis: int | None = 0) -> Tensor:
        return self._scan("cumprod", x, axis)

    # ----------------------------------------------------------------- shapes

    def reshape(self, x: object, shape: object) -> Tensor:
        x = self.tensor(x)
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        elif not isinstance(shape, (list, tuple)):
            shape = tuple(self._host_value(shape).tolist())
        target = checks.resolve_reshape(self._shape(x), [self._static_int(d) for d in shape])
        return self._reshape(x, target)

    def _static_int(self, value: object) -> object:
        if isinstance(value, (int, np.integer)):
            return value
        return self._host_value(value).item()

    def _host_value(self, value: object) -> np.ndarray:
        """A NumPy array of a value that must be known now (a shape): host values as they are,
        so that shapes computed on the host stay usable while a compiler traces."""
        if isinstance(value, (np.ndarray, np.generic)):
            return np.asarray(value)
        return self._to_numpy(self.tensor(value))

    def transpose(self, x: object) -> Tensor:
        x = self.tensor(x)
        return self._transpose(x, tuple(reversed(range(len(self._shape(x))))))

    def permute_dimensions(self, x: object, pattern: Sequence[int]) -> Tensor:
        x = self.tensor(x)
        return self._transpose(x, checks.check_permutation(pattern, len(self._shape(x))))

    def expand_dims(self, x: object, axis: int = -1) -> Tensor:
        x = self.tensor(x)
        return self._expand_dims(x, checks.normalize_insert_axis(axis, len(self._shape(x))))

    def squeeze(self, x: object, axis: int) -> Tensor:
        x = self.tensor(x)
        shape = self._shape(x)
        index = checks.normalize_axis(axis, len(shape))
        if shape[index] != 1:
            raise ShapeError(
                f"cannot squeeze axis {axis} of a tensor of shape {shape}: its size is "
                f"{shape[index]}, not 1"
            )
        return self._squeeze(x, index)

    def temporal_padding(self, x: object, padding: Sequence[int] = (1, 1)) -> Tensor:
        x = self.tensor(x)
        shape = self._shape(x)
        if len(shape) != 3:
            raise ShapeError(
                f"temporal_padding needs a 3-D tensor (batch, time, features), got shape {shape}"
            )
        if (
            not isinstance(padding, (list, tuple))
            or len(padding) != 2
            or any(
                isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 0
                for p in padding
            )
        ):
            raise InvalidArgumentError(
                f"padding must be a pair of non-negative ints (left, right), got {padding!r}"
            )
        return self._pad(x, ((0, 0), (int(padding[0]), int(padding[1])), (0, 0)))

    def one_hot(self, indices: object, num_classes: int) -> Tensor:
        indices = self.tensor(indices)
        if not dtypes.is_int(self._dtype(indices)):
            raise DTypeError(
                f"one_hot needs integer indices, got dtype {self._dtype(indices)}; "
                "cast them with K.cast(indices, 'int32')"
            )
        classes = checks.check_positive_int(num_classes, "num_classes")
        index_dtype = "int64" if self._dtype(indices) == "int64" else "int32"
        return self._one_hot(self._as(indices, index_dtype), classes)

    def _one_hot(self, indices: Tensor, classes: int) -> Tensor:
        """float32 one-hot of int32/int64 ``indices``; negative or >= ``classes`` give zero rows."""
        column = self._expand_dims(indices, len(self._shape(indices)))
        hits = self._binary("equal", column, self._arange(classes, self._dtype(indices)))
        return self._cast(hits, "float32")

    def batch_gather(self, reference: object, indices: object) -> Tensor:
        params = self.tensor(reference)
        indices = self.tensor(indices)
        if not dtypes.is_int(self._dtype(indices)):
            raise DTypeError(
                f"batch_gather needs integer indices, got dtype {self._dtype(indices)}"
            )
        p_shape, i_shape = self._shape(params), self._shape(indices)
        batch = len(i_shape) - 1
        if len(i_shape) == 0:
            raise ShapeError("batch_gather needs indices of rank 1 or more, got a scalar")
        if len(p_shape) <= batch or p_shape[:batch] != i_shape[:batch]:
            raise ShapeError(
                f"batch_gather: the leading {batch} (batch) axes of params {p_shape} must equal "
                f"those of indices {i_shape}, and params needs an axis to gather from"
            )
        self._check_index_range(indices, p_shape[batch], "batch_gather")
        if batch == 0:
            return self._take(params, self._as(indices, "int32"), 0)
        groups = checks.size_of(i_shape[:batch])
        rows = p_shape[batch]
        flat_params = self._reshape(params, (groups * rows, *p_shape[batch + 1 :]))
        offsets = self._reshape(
            self._binary("multiply", self._arange(groups, "int32"), self._scalar(rows, "int32")),
            (groups, 1),
        )
        flat_indices = self._binary(
            "add", self._reshape(self._as(indices, "int32"), (groups, i_shape[-1])), offsets
        )
        gathered = self._take(flat_params, flat_indices, 0)
        return self._reshape(gathered, (*i_shape, *p_shape[batch + 1 :]))

    def _check_index_range(self, indices: Tensor, size: int, what: str) -> None:
        if not self._is_concrete(indices):
            return
        values = self._to_numpy(indices)
        if values.size and (values.min() < 0 or values.max() >= size):
            raise InvalidArgumentError(
                f"{what}: indices must be in [0, {size}), got values from {values.min()} to "
                f"{values.max()}"
            )

    # ----------------------------------------------------------------- linear algebra

    def _matmul_operands(self, x: object, y: object) -> tuple[Tensor, Tensor, str]:
        """Both operands in the accumulator dtype of their common dtype, and the result dtype."""
        x, y = self.tensor(x), self.tensor(y)
        x_dtype, y_dtype = self._dtype(x), self._dtype(y)
        if x_dtype == y_dtype and x_dtype in _WIDE_FLOATS:
            return x, y, x_dtype  # the common case needs no promotion and no cast
        compute, result = dtypes.accumulator(dtypes.result_type(x_dtype, y_dtype))
        return self._as(x, compute), self._as(y, compute), result

    def dot(self, x: object, y: object) -> Tensor:
        x, y, result = self._matmul_operands(x, y)
        xs, ys = self._shape(x), self._shape(y)
        if not xs or not ys:
            return self._as(self._binary("multiply", x, y), result)
        y_axis = max(len(ys) - 2, 0)
        if xs[-1] != ys[y_axis]:
            raise ShapeError(
                f"cannot dot shapes {xs} and {ys}: the last axis of x ({xs[-1]}) must equal "
                f"axis {y_axis} of y ({ys[y_axis]})"
            )
        return self._as(self._tensordot(x, y, len(xs) - 1, y_axis), result)

    def batch_dot(self, x: object, y: object, axes: object = None) -> Tensor:
        x, y, result = self._matmul_operands(x, y)
        xs, ys = self._shape(x), self._shape(y)
        x_axis, y_axis = self._batch_dot_axes(xs, ys, axes)
        if len(xs) == len(ys) == 3 and (x_axis, y_axis) == (2, 1):
            return self._as(self._matmul(x, y), result)  # already a batched matrix product
        # Move x's contracted axis last and y's to position 1, squash both to rank 3, matmul.
        x = self._permute(x, (*[a for a in range(len(xs)) if a != x_axis], x_axis))
        y = self._permute(y, (0, y_axis, *[a for a in range(1, len(ys)) if a != y_axis]))
        x_rest = [xs[a] for a in range(1, len(xs)) if a != x_axis]
        y_rest = [ys[a] for a in range(1, len(ys)) if a != y_axis]
        batch, depth = xs[0], xs[x_axis]
        x3 = self._reshape_to(x, (batch, checks.size_of(x_rest), depth))
        y3 = self._reshape_to(y, (batch, depth, checks.size_of(y_rest)))
        out_shape = (batch, *x_rest, *y_rest)
        if len(out_shape) == 1:
            out_shape = (batch, 1)
        return self._as(self._reshape_to(self._matmul(x3, y3), out_shape), result)

    def _permute(self, x: Tensor, perm: tuple[int, ...]) -> Tensor:
        """``_transpose``, skipped when ``perm`` keeps every axis in place."""
        return x if perm == tuple(range(len(perm))) else self._transpose(x, perm)

    def _reshape_to(self, x: Tensor, shape: tuple[int, ...]) -> Tensor:
        """``_reshape``, skipped when ``x`` already has ``shape``."""
        return x if self._shape(x) == shape else self._reshape(x, shape)

    @staticmethod
    def _batch_dot_axes(xs: tuple[int, ...], ys: tuple[int, ...], axes: object) -> tuple[int, int]:
        if len(xs) < 2 or len(ys) < 2:
            raise ShapeError(f"batch_dot needs tensors of rank 2 or more, got shapes {xs} and {ys}")
        if xs[0] != ys[0]:
            raise ShapeError(
                f"batch_dot needs equal batch sizes (axis 0), got shapes {xs} and {ys}"
            )
        if axes is None:
            pair: Sequence[object] = (len(xs) - 1, len(ys) - 1 if len(ys) == 2 else len(ys) - 2)
        elif isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
            pair = (axes, axes)
        elif isinstance(axes, (list, tuple)) and len(axes) == 2:
            pair = axes
        else:
            raise AxisError(f"batch_dot axes must be None, an int, or a pair of ints, got {axes!r}")
        x_axis = checks.normalize_axis(pair[0], len(xs), "batch_dot axis")
        y_axis = checks.normalize_axis(pair[1], len(ys), "batch_dot axis")
        if x_axis == 0 or y_axis == 0:
            raise AxisError(
                f"cannot batch_dot over axis 0 (the batch axis), got axes {axes!r}; "
                "contract an axis from 1 on"
            )
        if xs[x_axis] != ys[y_axis]:
            raise ShapeError(
                f"cannot batch_dot shapes {xs} and {ys} over axes ({x_axis}, {y_axis}): "
                f"sizes {xs[x_axis]} and {ys[y_axis]} differ"
            )
        return x_axis, y_axis

    # ----------------------------------------------------------------- element-wise math

    def square(self, x: object) -> Tensor:
        x = self.tensor(x)
        if self._dtype(x) == "bool":
            return self._binary("multiply", x, x)  # x AND x: no framework squares bools
        return self._unary("square", x)

    # ----------------------------------------------------------------- activations

    def _float_input(self, x: object) -> tuple[Tensor, str]:
        """``x`` as a float tensor in its compute dtype, and the dtype the result must have."""
        x = self.tensor(x)
        result = self._dtype(x)
        if not dtypes.is_float(result):
            result = config.floatx()
        return self._as(x, dtypes.float_compute(result)), result

    def relu(
        self, x: object, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
    ) -> Tensor:
        x = self.tensor(x)
        result = self._dtype(x)
        if alpha == 0 and max_value is None and threshold == 0 and result != "bool":
            return self._unary("relu", x)
        for value in (alpha, threshold, max_value):
            if value is not None and value != 0:
                result = dtypes.result_type(result, None, value, config.floatx())
        x = self._as(x, result)
        zero = self._scalar(0, result)
        if alpha != 0 and max_value is None and threshold == 0:
            return self._where(
                self._binary("greater_equal", x, zero), x, self._op("multiply", x, alpha)
            )
        if threshold != 0:
            # x above the threshold (NaN stays NaN, as tf_keras's x * mask gives), else 0.
            keep = self._op("greater", x, threshold)
            if dtypes.is_float(result):
                keep = self._binary("logical_or", keep, self._unary("isnan", x))
            positive = self._where(keep, x, zero)
        else:
            positive = self._binary("maximum", x, zero)
        if max_value is not None:
            capped = self._binary("minimum", positive, self._scalar(max_value, result))
            positive = self._binary("maximum", capped, zero)
        if alpha == 0:
            return positive
        below = self._binary(
            "maximum", self._op("subtract", self._unary("negative", x), -threshold), zero
        )
        return self._binary("subtract", positive, self._op("multiply", below, alpha))

    def elu(self, x: object, alpha: float = 1.0) -> Tensor:
        x, result = self._float_input(x)
        dtype = self._dtype(x)
        negative = self._op("multiply", self._unary("expm1", x), alpha)
        out = self._where(self._binary("greater", x, self._scalar(0, dtype)), x, negative)
        return self._as(out, result)

    def softmax(self, x: object, axis: int = -1) -> Tensor:
        x, result = self._float_input(x)
        axes = checks.normalize_axes(axis, len(self._shape(x)))
        return self._as(self._softmax(x, axes), result)

    def _softmax(self, x: Tensor, axes: tuple[int, ...] | None) -> Tensor:
        """Softmax over ``axes``, shifted by the maximum: an inf or NaN makes its whole row NaN."""
        if checks.size_of(self._shape(x)) == 0:
            return x
        exp = self._unary("exp", self._binary("subtract", x, self._max(x, axes, True)))
        return self._binary("divide", exp, self._sum(exp, axes, True))

    def _log_softmax(self, x: Tensor, axes: tuple[int, ...] | None) -> Tensor:
        """Log-softmax over ``axes``, with the same shift and NaN rule as ``_softmax``."""
        if checks.size_of(self._shape(x)) == 0:
            return x
        shifted = self._binary("subtract", x, self._max(x, axes, True))
        total = self._sum(self._unary("exp", shifted), axes, True)
        return self._binary("subtract", shifted, self._unary("log", total))

    def _elementwise(self, op: str, x: object) -> Tensor:
        x, result = self._float_input(x)
        return self._as(self._unary(op, x), result)

    def softplus(self, x: object) -> Tensor:
        return self._elementwise("softplus", x)

    def softsign(self, x: object) -> Tensor:
        x, result = self._float_input(x)
        out = self._binary("divide", x, self._op("add", self._unary("abs", x), 1))
        return self._as(out, result)

    def sigmoid(self, x: object) -> Tensor:
        return self._elementwise("sigmoid", x)

    def hard_sigmoid(self, x: object) -> Tensor:
        x, result = self._float_input(x)
        out = self._clip_scalars(self._op("add", self._op("multiply", x, 0.2), 0.5), 0.0, 1.0)
        return self._as(out, result)

    def tanh(self, x: object) -> Tensor:
        return self._elementwise("tanh", x)

    # ----------------------------------------------------------------- losses

    def _loss_operands(self, target: object, output: object) -> tuple[Tensor, Tensor, str]:
        output, result = self._float_input(output)
        target = self._as(self.tensor(target), self._dtype(output))
        return target, output, result

    def _clip_probabilities(self, output: Tensor) -> Tensor:
        eps = config.epsilon()
        return self._clip_scalars(output, eps, 1.0 - eps)

    def categorical_crossentropy(
        self, target: object, output: object, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        if self._shape(target) != self._shape(output):
            raise ShapeError(
                f"categorical_crossentropy needs target and output of the same shape, got "
                f"{self._shape(target)} and {self._shape(output)}"
            )
        axes = (checks.normalize_axis(axis, len(self._shape(output))),)
        # Nested calls, so each large temporary is freed as soon as it is used: allocators
        # reuse a freed block at once, while a live one forces fresh pages (2x slower on torch).
        log_p = self._log_probabilities(output, axes, from_logits)
        weighted = self._binary("multiply", target, log_p)
        del log_p  # freed before the reduction, as in a one-line NumPy formula
        return self._as(self._unary("negative", self._sum(weighted, axes, False)), result)

    def _log_probabilities(
        self, output: Tensor, axes: tuple[int, ...], from_logits: bool
    ) -> Tensor:
        """log_softmax of logits, or the log of probabilities renormalised over ``axes`` and
        clipped to [epsilon, 1 - epsilon] (the tf_keras formula)."""
        if from_logits:
            return self._log_softmax(output, axes)
        total = self._sum(output, axes, True)
        return self._unary("log", self._clip_probabilities(self._binary("divide", output, total)))

    def sparse_categorical_crossentropy(
        self,
        target: object,
        output: object,
        from_logits: bool = False,
        axis: int = -1,
        ignore_class: int | None = None,
    ) -> Tensor:
        output, result = self._float_input(output)
        target = self.tensor(target)
        shape = self._shape(output)
        if not shape:
            raise ShapeError("sparse_categorical_crossentropy needs output of rank 1 or more")
        axis = checks.normalize_axis(axis, len(shape))
        if axis != len(shape) - 1:
            perm = (*[a for a in range(len(shape)) if a != axis], axis)
            output = self._transpose(output, perm)
            shape = self._shape(output)
        classes = shape[-1]
        if checks.size_of(self._shape(target)) != checks.size_of(shape[:-1]):
            raise ShapeError(
                f"sparse_categorical_crossentropy: target of shape {self._shape(target)} does "
                f"not hold one label per row of output {shape} (class axis last)"
            )
        labels = self._reshape(self.cast(target, "int32"), shape[:-1])
        if ignore_class is not None:
            keep = self._op("not_equal", labels, int(ignore_class))
            labels = self._where(keep, labels, self._scalar(0, "int32"))
        self._check_index_range(labels, classes, "sparse_categorical_crossentropy labels")
        if not from_logits:
            output = self._unary("log", self._clip_probabilities(output))
        log_p = self._log_softmax(output, (len(shape) - 1,))
        picked = self.one_hot(labels, classes)
        loss = self._unary(
            "negative",
            self._sum(
                self._binary("multiply", self._as(picked, self._dtype(log_p)), log_p),
                (len(shape) - 1,),
                False,
            ),
        )
        if ignore_class is not None:
            loss = self._where(keep, loss, self._scalar(0, self._dtype(loss)))
        return self._as(loss, result)

    def binary_crossentropy(
        self, target: object, output: object, from_logits: bool = False
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        dtype = self._dtype(output)
        if from_logits:
            zero = self._scalar(0, dtype)
            positive = self._binary("maximum", output, zero)
            soft = self._unary(
                "log1p", self._unary("exp", self._unary("negative", self._unary("abs", output)))
            )
            loss = self._binary(
                "add",
                self._binary("subtract", positive, self._binary("multiply", output, target)),
                soft,
            )
            return self._as(loss, result)
        eps = config.epsilon()
        p = self._clip_probabilities(output)
        # Nested calls free each temporary at once (see categorical_crossentropy).
        positive = self._binary("multiply", target, self._unary("log", self._op("add", p, eps)))
        # 1 - p is exact here; the maximum (a no-op, p <= 1 - eps) stops graph optimisers (TF's
        # arithmetic optimiser) from regrouping (1 - p) + eps into (1 + eps) - p, which rounds.
        not_p = self._binary("maximum", self._op("subtract", 1.0, p), self._scalar(0, dtype))
        negative = self._binary(
            "multiply",
            self._op("subtract", 1.0, target),
            self._unary("log", self._op("add", not_p, eps)),
        )
        return self._as(self._unary("negative", self._binary("add", positive, negative)), result)

    # ----------------------------------------------------------------- graph helpers

    def stop_gradient(self, variables: object) -> Tensor:
        return self._stop_gradient(self.tensor(variables))

    def print_tensor(self, x: object, message: str = "", summarize: int = 3) -> Tensor:
        from multik.graph import format_printed

        x = self.tensor(x)
        if not self._is_concrete(x):
            raise UnsupportedError(
                f"K.print_tensor cannot print inside a compiled {self.name} function (the value "
                "does not exist while tracing); print the outputs of K.function, or use "
                "K.print_tensor on a symbolic tensor, which prints each time K.function runs"
            )
        print(format_printed(message, self._to_numpy(x), summarize))
        return x

    def _select_branch(self, condition: object, x: object, alt: object) -> Tensor:
        """``x`` if the scalar ``condition`` is nonzero, else ``alt`` (both are computed)."""
        condition = self.tensor(condition)
        if self._shape(condition) != ():
            raise ShapeError(
                f"the training flag must be a scalar, got shape {self._shape(condition)}"
            )
        x, alt = self.tensor(x), self.tensor(alt)
        try:
            np.broadcast_shapes(self._shape(x), self._shape(alt))
        except ValueError:
            raise ShapeError(
                f"the train branch {self._shape(x)} and the test branch {self._shape(alt)} "
                "must have the same (or broadcastable) shapes"
            ) from None
        dtype = dtypes.result_type(self._dtype(x), self._dtype(alt))
        return self._where(self.cast(condition, "bool"), self._as(x, dtype), self._as(alt, dtype))
