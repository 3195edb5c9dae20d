"""Family B, tensor and variable creation: variable, constant, zeros, ones, eye, *_like,
identity, arange."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor, is_python_number
from multik.errors import (
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)
from multik.variable import Variable


class CreationFormulas(Conversion):
    """Family B, tensor and variable creation: variable, constant, zeros, ones, eye, *_like,
    identity, arange."""

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

    def identity(self, x: object, name: Any = None) -> Tensor:
        return self._identity(self.tensor(x))

    # ----------------------------------------------------------------- ranges

    def arange(
        self, start: object, stop: object = None, step: object = 1, dtype: object = "int32"
    ) -> Tensor:
        begin, pace = self._range_bound(start, "start"), self._range_bound(step, "step")
        if stop is None:  # Theano's convention: a single bound is the stop; negative: empty
            bounds = [(0, None), (max(begin[0], 0), begin[1]), pace]
        else:
            bounds = [begin, self._range_bound(stop, "stop"), pace]
        (first, _), (last, _), (delta, _) = bounds
        if delta == 0 or (last - first) * delta < 0:
            raise InvalidArgumentError(
                f"arange: step {delta} never leads from start {first} to stop {last}"
            )
        floats = not all(isinstance(b, int) for b in (first, last, delta))
        count = (
            max(math.ceil((last - first) / delta), 0) if floats else len(range(first, last, delta))
        )
        result = self._range_dtype(bounds, dtype)
        # first + delta * i, computed in int32 (int64 beyond its range) or float32 (float64 for
        # a float64 result), then cast to the result dtype with K.cast rules.
        if floats:
            compute = "float64" if result == "float64" else "float32"
        else:
            wide = max(abs(first), abs(last), abs(delta)) > np.iinfo(np.int32).max
            compute = "int64" if wide or result == "int64" else "int32"
        values = self._arange(count, compute)
        if delta != 1:
            values = self._binary("multiply", values, self._scalar(delta, compute))
        if first != 0:
            values = self._binary("add", values, self._scalar(first, compute))
        return self.cast(values, result)

    def _range_bound(self, value: object, what: str) -> tuple[int | float, str | None]:
        """A bound of arange as a Python number, and its dtype when it has one (a NumPy value
        or a tensor; a Python number is weak). Tensors must hold values now."""
        if is_python_number(value):
            return value, None  # type: ignore[return-value]
        if isinstance(value, (np.ndarray, np.generic)):
            array, dtype = np.asarray(value), dtypes.canonical(np.asarray(value).dtype)
        else:
            tensor = self.tensor(value)
            array, dtype = self._static_value(tensor), self._dtype(tensor)
            if array is None:
                raise InvalidArgumentError(
                    f"arange: {what} is a tensor that a compiler is tracing, but the length of "
                    "the result depends on its value; pass a Python number, a NumPy value or an "
                    "entry of K.shape(x)"
                )
        if array.shape != ():
            raise ShapeError(f"arange: {what} must be a scalar, got shape {array.shape}")
        if dtype == "bool":
            raise DTypeError(f"arange: {what} must be a number, got a bool")
        return array.item(), dtype

    def _range_dtype(self, bounds: list[tuple[int | float, str | None]], dtype: object) -> str:
        """The dtype of arange: ``dtype``, except that the default 'int32' means the bounds'
        own dtype, as in Keras: int32 for Python ints, float32 for Python floats, and the
        promoted dtype of typed bounds (NumPy values, tensors) with the others."""
        if dtype is not None and self.dtype_arg(dtype) != "int32":
            return self.dtype_arg(dtype)
        typed = [kind for _, kind in bounds if kind is not None]
        if not typed:
            return "float32" if any(isinstance(b, float) for b, _ in bounds) else "int32"
        result = typed[0]
        for kind in typed[1:]:
            result = dtypes.result_type(result, kind)
        for value, kind in bounds:
            if kind is None:
                result = dtypes.result_type(result, None, value, config.floatx())
        return result
