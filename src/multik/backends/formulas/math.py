"""Families E, F and G: linear algebra, reductions and scans, element-wise math."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import (
    AxisError,
    ShapeError,
)

_WIDE_FLOATS = frozenset({"float32", "float64"})


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
