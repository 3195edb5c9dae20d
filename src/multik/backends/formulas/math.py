"""Families E, F and G: linear algebra, reductions and scans, element-wise math."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor, is_python_number
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)

_WIDE_FLOATS = frozenset({"float32", "float64"})


def _empty_extremum(op: str, dtype: str) -> float | int | bool:
    """The max (or min) of no values: the identity of the reduction, -inf (+inf) for floats,
    the dtype's smallest (largest) value for integers, False (True) for bool."""
    if dtype == "bool":
        return op == "min"
    if dtypes.is_float(dtype):
        return -np.inf if op == "max" else np.inf
    info = np.iinfo(dtype)
    return int(info.min) if op == "max" else int(info.max)


def _axes_224(xs: tuple[int, ...], ys: tuple[int, ...], axes: object) -> tuple[int, int]:
    """The pair of axes of Keras 2.2.4's batch_dot, as written (None: the last axis of x and
    the next-to-last of y); each must be an int in range for its operand."""
    if axes is None:
        pair: Sequence[object] = (len(xs) - 1, len(ys) - 2)
    elif isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        pair = (axes, axes)
    elif isinstance(axes, (list, tuple)) and len(axes) == 2:
        pair = axes
    else:
        raise AxisError(f"batch_dot axes must be None, an int, or a pair of ints, got {axes!r}")
    checks.normalize_axis(pair[0], len(xs), "batch_dot axis")
    checks.normalize_axis(pair[1], len(ys), "batch_dot axis")
    return int(pair[0]), int(pair[1])  # type: ignore[call-overload]


class MathFormulas(Conversion):
    """Families E, F and G: linear algebra, reductions and scans, element-wise math."""

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
        if axes == ():
            return self._as(x, result) if result != source else self._copy(x)
        if compute != source:
            x = self._cast(x, compute)
        x = self._sum(x, axes, keepdims) if op == "sum" else self._prod(x, axes, keepdims)
        return x if compute == result else self._cast(x, result)

    def sum(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._accumulate("sum", x, axis, keepdims)

    def prod(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._accumulate("prod", x, axis, keepdims)

    def _extremum(self, op: str, x: object, axis: object, keepdims: bool) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        if axes == ():
            return self._copy(x)
        shape = self._shape(x)
        reduced = range(len(shape)) if axes is None else axes
        if any(shape[a] == 0 for a in reduced):
            dtype = self._dtype(x)
            out = checks.reduced_shape(shape, axes, keepdims)
            return self._full(out, _empty_extremum(op, dtype), dtype)
        return self._max(x, axes, keepdims) if op == "max" else self._min(x, axes, keepdims)

    def max(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("max", x, axis, keepdims)

    def min(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("min", x, axis, keepdims)

    def mean(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        compute, result = dtypes.mean_dtype(self._dtype(x), config.floatx())
        if axes == ():
            return self._as(x, result) if self._dtype(x) != result else self._copy(x)
        x = self._as(x, compute)
        shape = self._shape(x)
        count = checks.size_of(shape if axes is None else (shape[a] for a in axes))
        total = self._sum(x, axes, keepdims)
        mean = self._binary("divide", total, self._scalar(count, compute))
        return self._as(mean, result)

    def _variance(self, x: object, axis: object, keepdims: bool) -> tuple[Tensor, str]:
        """The population variance (ddof 0) in its compute dtype, and the result dtype."""
        x, axes = self._reduce_args(x, axis)
        compute, result = dtypes.mean_dtype(self._dtype(x), config.floatx())
        xp = self.xp
        x = xp(self._as(x, compute))
        if axes == ():
            return (x - x).value, result  # each element is its own mean (inf and NaN give NaN)
        shape = x.shape
        count = checks.size_of(shape if axes is None else (shape[a] for a in axes))
        deviation = x - xp.sum(x, axes, keepdims=True) / count
        return (xp.sum(deviation * deviation, axes, keepdims) / count).value, result

    def var(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        variance, result = self._variance(x, axis, keepdims)
        return self._as(variance, result)

    def std(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        variance, result = self._variance(x, axis, keepdims)
        return self._as(self._unary("sqrt", variance), result)

    def any(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("max", self.cast(x, "bool"), axis, keepdims)

    def all(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        return self._extremum("min", self.cast(x, "bool"), axis, keepdims)

    def _arg_extremum(self, op: str, x: object, axis: object) -> Tensor:
        x = self.tensor(x)
        shape = self._shape(x)
        if axis is None:
            raise AxisError(
                f"{op} needs one int axis (default -1), got None; to search the whole tensor, "
                f"flatten it first: K.{op}(K.flatten(x), axis=0)"
            )
        axis = checks.normalize_axis(axis, len(shape))
        if shape[axis] == 0:
            raise ShapeError(
                f"{op} over an empty axis has no index: axis {axis} of shape {shape} has size 0"
            )
        index = self._argmax(x, axis) if op == "argmax" else self._argmin(x, axis)
        return self._as(index, "int32")

    def argmax(self, x: object, axis: int = -1) -> Tensor:
        return self._arg_extremum("argmax", x, axis)

    def argmin(self, x: object, axis: int = -1) -> Tensor:
        return self._arg_extremum("argmin", x, axis)

    def logsumexp(self, x: object, axis: object = None, keepdims: bool = False) -> Tensor:
        x, axes = self._reduce_args(x, axis)
        dtype = self._float_math_dtype("logsumexp", x)
        if axes == ():
            return self._copy(x)  # log(exp(x)) is x
        shape = self._shape(x)
        reduced = range(len(shape)) if axes is None else axes
        if any(shape[a] == 0 for a in reduced):
            return self._full(checks.reduced_shape(shape, axes, keepdims), -np.inf, dtype)
        out = self._logsumexp(self._as(x, dtypes.float_compute(dtype)), axes, keepdims)
        return self._as(out, dtype)

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
        return self.batch_dot_by_rules(x, y, axes, config.batch_dot_rules())

    def batch_dot_by_rules(self, x: object, y: object, axes: object, rules: str) -> Tensor:
        """K.batch_dot with the rules of Keras ``rules``: '2.3' or '2.2.4'."""
        if rules == "2.2.4":
            return self._batch_dot_224(x, y, axes)
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

    def _batch_dot_224(self, x: object, y: object, axes: object) -> Tensor:
        """batch_dot by the rules of Keras 2.2.4 and earlier (see docs/batch_dot.md): the
        operand of lower rank gets trailing size-1 axes; two 2-D operands multiply element-wise
        and sum over axes[1] (x transposed first when the two axes differ); otherwise every
        leading axis but the last two is a batch axis of a matrix product, in which x's last
        two axes swap unless axes[0] names its last axis and y's swap if axes[1] names its
        last axis, and the padding axes are squeezed out. Axes are compared as written, so a
        negative axis never names the last one."""
        x, y, result = self._matmul_operands(x, y)
        xs, ys = self._shape(x), self._shape(y)
        if len(xs) < 2 or len(ys) < 2:
            raise ShapeError(f"batch_dot needs tensors of rank 2 or more, got shapes {xs} and {ys}")
        x_axis, y_axis = _axes_224(xs, ys, axes)
        rank = max(len(xs), len(ys))
        x = self._reshape_to(x, (*xs, *[1] * (rank - len(xs))))
        y = self._reshape_to(y, (*ys, *[1] * (rank - len(ys))))
        if rank == 2:
            if x_axis != y_axis:
                x = self._transpose(x, (1, 0))
            if self._shape(x) != ys:
                raise ShapeError(
                    f"batch_dot with the Keras 2.2.4 rules multiplies 2-D operands element-wise "
                    f"(x transposed when the axes differ): shapes {self._shape(x)} and {ys} "
                    f"differ (axes {(x_axis, y_axis)})"
                )
            out = self._sum(self._binary("multiply", x, y), (y_axis % 2,), False)
        else:
            out = self._batch_matmul_224(x, y, x_axis != rank - 1, y_axis == rank - 1)
            out = self._squeeze_padding_224(out, len(xs), len(ys))
        if len(self._shape(out)) == 1:
            out = self._reshape(out, (self._shape(out)[0], 1))
        return self._as(out, result)

    def _batch_matmul_224(self, x: Tensor, y: Tensor, swap_x: bool, swap_y: bool) -> Tensor:
        """The matrix products of the last two axes of ``x`` and ``y`` (each swapped first
        when asked) over all their leading axes, which must be equal."""
        rank = len(self._shape(x))
        swap = (*range(rank - 2), rank - 1, rank - 2)
        x = self._transpose(x, swap) if swap_x else x
        y = self._transpose(y, swap) if swap_y else y
        xs, ys = self._shape(x), self._shape(y)
        if xs[:-2] != ys[:-2] or xs[-1] != ys[-2]:
            raise ShapeError(
                f"batch_dot with the Keras 2.2.4 rules multiplies the matrices of the last two "
                f"axes over equal leading axes: cannot multiply shapes {xs} and {ys} (after the "
                "size-1 padding of the lower-rank operand and the swaps the axes ask for)"
            )
        batch = checks.size_of(xs[:-2])
        product = self._matmul(
            self._reshape_to(x, (batch, *xs[-2:])), self._reshape_to(y, (batch, *ys[-2:]))
        )
        return self._reshape_to(product, (*xs[:-1], ys[-1]))

    def _squeeze_padding_224(self, out: Tensor, x_rank: int, y_rank: int) -> Tensor:
        """``out`` without the size-1 axes that stand for the padding of the lower-rank operand:
        from axis x_rank + y_rank - 3 when x has the higher rank, else from axis x_rank - 1."""
        diff = abs(x_rank - y_rank)
        if not diff:
            return out
        shape = self._shape(out)
        start = x_rank + y_rank - 3 if x_rank > y_rank else x_rank - 1
        dropped = range(start, start + diff)
        if start + diff > len(shape) or any(shape[a] != 1 for a in dropped):
            raise ShapeError(
                f"batch_dot with the Keras 2.2.4 rules removes axes {start} to "
                f"{start + diff - 1} of the product, which has shape {shape}: they must exist "
                "and have size 1 (Keras 2.2.4 failed here too)"
            )
        return self._reshape(out, tuple(d for a, d in enumerate(shape) if a not in dropped))

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

    def _float_math_dtype(self, name: str, x: Tensor) -> str:
        """The dtype of float ``x``; DTypeError for integers and bool."""
        dtype = self._dtype(x)
        if not dtypes.is_float(dtype):
            raise DTypeError(
                f"{name} needs a float tensor, got {dtype}; cast it first: "
                f"K.{name}(K.cast(x, K.floatx()))"
            )
        return dtype

    def _float_math(self, name: str, x: object) -> Tensor:
        """``name`` (exp, log, sin, cos) of float ``x``, 16-bit floats computed in float32."""
        x = self.tensor(x)
        dtype = self._float_math_dtype(name, x)
        x = self._as(x, dtypes.float_compute(dtype))
        if name == "sin":
            out = self._sin(x)
        elif name == "cos":
            out = self._cos(x)
        else:
            out = self._unary(name, x)
        return self._as(out, dtype)

    def exp(self, x: object) -> Tensor:
        return self._float_math("exp", x)

    def log(self, x: object) -> Tensor:
        return self._float_math("log", x)

    def sin(self, x: object) -> Tensor:
        return self._float_math("sin", x)

    def cos(self, x: object) -> Tensor:
        return self._float_math("cos", x)

    def sqrt(self, x: object) -> Tensor:
        x = self.tensor(x)
        dtype = self._float_math_dtype("sqrt", x)
        xp = self.xp
        x = xp.astype(x, dtypes.float_compute(dtype))
        return xp.astype(xp.sqrt(xp.maximum(x, 0)), dtype).value  # sqrt(-1) is 0, as in Keras

    def _numeric(self, name: str, x: object) -> Tensor:
        """``x`` as a tensor; DTypeError for bool."""
        x = self.tensor(x)
        if self._dtype(x) == "bool":
            raise DTypeError(
                f"{name} needs a numeric tensor, got bool; cast it first: "
                f"K.{name}(K.cast(x, 'int32'))"
            )
        return x

    def abs(self, x: object) -> Tensor:
        x = self._numeric("abs", x)
        if self._dtype(x) == "uint8":
            return self._copy(x)  # TensorFlow has no uint8 abs, and it is the identity
        return self._unary("abs", x)

    def sign(self, x: object) -> Tensor:
        x = self._numeric("sign", x)
        if self._dtype(x) == "uint8":
            return self._binary("minimum", x, self._scalar(1, "uint8"))  # 0 or 1
        return self._unary("sign", x)

    def round(self, x: object) -> Tensor:
        x = self._numeric("round", x)
        dtype = self._dtype(x)
        if not dtypes.is_float(dtype):
            return self._copy(x)  # integers are already round
        return self._as(self._round(self._as(x, dtypes.float_compute(dtype))), dtype)

    def pow(self, x: object, a: object) -> Tensor:
        x = self._numeric("pow", x)
        source = self._dtype(x)
        if is_python_number(a):
            if isinstance(a, int) and a < 0 and not dtypes.is_float(source):
                raise InvalidArgumentError(
                    f"integers to negative integer powers are not allowed (pow of {source} to "
                    f"{a}); cast the base to a float dtype first: K.pow(K.cast(x, K.floatx()), a)"
                )
            result = dtypes.result_type(source, None, a, config.floatx())
        else:
            a = self._numeric("pow", a)
            checks.broadcast_shapes(self._shape(x), self._shape(a))
            result = dtypes.result_type(source, self._dtype(a))
        compute = dtypes.float_compute(result)
        if compute != result:  # 16-bit floats: the power of the float32 values, rounded once
            x = self._as(x, compute)
            a = a if is_python_number(a) else self._as(a, compute)
        return self._as(self._op("power", x, a), result)

    def clip(self, x: object, min_value: object = None, max_value: object = None) -> Tensor:
        x = self._numeric("clip", x)
        dtype = self._dtype(x)
        if is_python_number(min_value) and is_python_number(max_value):
            max_value = max(max_value, min_value)  # type: ignore[call-overload]
        lo = self._clip_bound(min_value, dtype, -np.inf, "min_value")
        hi = self._clip_bound(max_value, dtype, np.inf, "max_value")
        bounds = [b for b in (lo, hi) if not isinstance(b, (int, float))]
        if not bounds:
            if dtypes.is_float(dtype):
                return self._clip_scalars(x, lo, hi)  # type: ignore[arg-type]
            lo, hi = self._scalar(lo, dtype), self._scalar(hi, dtype)  # type: ignore[arg-type]
        shape = self._shape(x)
        if checks.broadcast_shapes(shape, *(self._shape(b) for b in bounds)) != shape:
            raise ShapeError(
                f"clip bounds of shapes {[self._shape(b) for b in bounds]} would broadcast x of "
                f"shape {shape} to a larger shape; the result keeps x's shape"
            )
        return self.xp.clip(x, lo, hi).value

    def _clip_bound(self, bound: object, dtype: str, unbounded: float, name: str) -> object:
        """A clip bound for ``x`` of ``dtype``: a Python number exactly representable in it (None
        is ``unbounded``), or a tensor in ``dtype``. Integer ``x`` needs whole bounds; beyond the
        dtype's range they clip nothing."""
        if bound is None:
            bound = unbounded
        if is_python_number(bound):
            if dtypes.is_float(dtype):
                if dtypes.beyond_range(float(bound), dtype):  # inf: no bound (no np.errstate,
                    return math.copysign(math.inf, bound)  # which torch.compile cannot trace)
                return float(bound)  # the framework rounds it to ``dtype`` as a weak scalar
            info = np.iinfo(dtype)
            if bound in (np.inf, -np.inf):
                return int(info.max) if bound > 0 else int(info.min)
            if bound != int(bound):  # type: ignore[call-overload]
                raise DTypeError(
                    f"clip of an {dtype} tensor needs whole-number bounds (or None), got "
                    f"{name}={bound!r}; cast x to a float dtype to clip at a fraction"
                )
            return min(max(int(bound), int(info.min)), int(info.max))  # type: ignore[call-overload]
        bound = self.tensor(bound)
        source = self._dtype(bound)
        if dtypes.is_float(source) and not dtypes.is_float(dtype):
            raise DTypeError(
                f"clip of an {dtype} tensor needs integer bounds, got a {source} {name}; cast x "
                "to a float dtype, or the bound to x's dtype"
            )
        if dtypes.is_int(source) and dtypes.is_int(dtype) and source != dtype:
            # Saturate rather than wrap: a bound beyond x's range clips nothing.
            x_info, b_info = np.iinfo(dtype), np.iinfo(source)
            lo = self._scalar(max(int(x_info.min), int(b_info.min)), source)
            hi = self._scalar(min(int(x_info.max), int(b_info.max)), source)
            bound = self._binary("maximum", self._binary("minimum", bound, hi), lo)
        return self._as(bound, dtype)

    def _broadcast_op(self, op: str, x: object, y: object) -> Tensor:
        """Binary ``op`` of tensors or Python numbers, after a shape check shared by every
        backend; promoted by multik's rule."""
        x = x if is_python_number(x) else self.tensor(x)
        y = y if is_python_number(y) else self.tensor(y)
        checks.broadcast_shapes(*(self._shape(v) for v in (x, y) if not is_python_number(v)))
        return self._op(op, x, y)

    def equal(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("equal", x, y)

    def not_equal(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("not_equal", x, y)

    def greater(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("greater", x, y)

    def greater_equal(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("greater_equal", x, y)

    def less(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("less", x, y)

    def less_equal(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("less_equal", x, y)

    def maximum(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("maximum", x, y)

    def minimum(self, x: object, y: object) -> Tensor:
        return self._broadcast_op("minimum", x, y)
