"""Family B, tensor and variable creation: variable, constant, zeros, ones, eye, *_like."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import (
    ShapeError,
)
from multik.variable import Variable


class CreationFormulas(Conversion):
    """Family B, tensor and variable creation: variable, constant, zeros, ones, eye, *_like."""

    # ----------------------------------------------------------------- variables & creation

    def variable(
        self, value: object, dtype: object = None, name: str | None = None, constraint: Any = None
    ) -> Variable:
        dtype = self.dtype_arg(dtype)
        if isinstance(value, Variable):
            value = value.value
        x = self.typed_tensor(value, dtype)
        # typed_tensor copies NumPy and Python values into a new tensor: the Variable may keep it.
        fresh = isinstance(value, (np.ndarray, np.generic, bool, int, float, list, tuple))
        storage = self._own_variable(x, name or "") if fresh else self._new_variable(x, name or "")
        return Variable(self, storage, name, constraint)

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
        return Variable(self, self._own_variable(x, name or ""), name)

    @staticmethod
    def _shape_arg(shape: object) -> tuple[int, ...]:
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        elif isinstance(shape, np.ndarray) and shape.ndim == 1 and shape.dtype.kind in "iu":
            shape = tuple(shape.tolist())  # tf_keras takes a NumPy shape vector
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
        if isinstance(size, (list, tuple)) and len(size) != 2:
            raise ShapeError(f"eye takes a size n or a pair (n, m), got {size!r}")
        rows, columns = (size, size) if not isinstance(size, (list, tuple)) else tuple(size)
        rows, columns = self._shape_arg((rows, columns))
        x = self._eye(rows, columns, self.dtype_arg(dtype))
        return Variable(self, self._own_variable(x, name or ""), name)

    def zeros_like(self, x: object, dtype: object = None, name: Any = None) -> Tensor:
        x = self.tensor(x)
        return self._full(self._shape(x), 0, self.dtype_arg(dtype, self._dtype(x)))

    def ones_like(self, x: object, dtype: object = None, name: Any = None) -> Tensor:
        x = self.tensor(x)
        return self._full(self._shape(x), 1, self.dtype_arg(dtype, self._dtype(x)))
