"""Family C, introspection and dtype: shape, int_shape, ndim, size, dtype, cast, sparsity."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik import dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import DTypeError, ShapeError
from multik.variable import Variable


class IntrospectionFormulas(Conversion):
    """Family C, introspection and dtype: shape, int_shape, ndim, size, dtype, cast, sparsity."""

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

    def get_variable_shape(self, x: object) -> tuple[int, ...]:
        return self.int_shape(x)

    def size(self, x: object, name: Any = None) -> Tensor:
        count = checks.size_of(self.int_shape(x))
        if count > np.iinfo(np.int32).max:
            raise ShapeError(f"size: {count} elements do not fit the int32 result")
        return self._from_numpy(np.asarray(count, dtype=np.int32))

    def is_sparse(self, tensor: object) -> bool:
        return False

    def to_dense(self, tensor: object) -> Tensor:
        return self._unshared(self.tensor(tensor), tensor)

    def dtype(self, x: object) -> str:
        if isinstance(x, Variable):
            return x.dtype.name  # the plain string, as for any tensor
        return self._dtype(self.tensor(x))

    def eval(self, x: object) -> np.ndarray:
        return self._to_numpy(self.tensor(x))

    def get_value(self, x: object) -> np.ndarray:
        return self._to_numpy(self.tensor(x))

    # ----------------------------------------------------------------- cast

    def cast(self, x: object, dtype: object) -> Tensor:
        if dtype is None:
            raise DTypeError("K.cast needs a dtype, e.g. K.cast(x, 'float32'); got None")
        target = self.dtype_arg(dtype)
        if isinstance(x, (np.ndarray, np.generic)) and x.__class__ not in self._native_exact:
            # Cast on the host: an int64 label array needs no 64-bit tensor on jax without x64.
            return self._from_numpy(self.host_array(x, target))
        return self._unshared(self.cast_tensor(self.tensor(x), target), x)

    def cast_tensor(self, x: Tensor, target: str) -> Tensor:
        """A native tensor ``x`` in dtype ``target`` by K.cast's rules."""
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
