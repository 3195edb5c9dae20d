"""Family H, shape, indexing and padding: reshape, permutations, padding, gathers, one_hot."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from multik import dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import (
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)


class ShapeFormulas(Conversion):
    """Family H, shape, indexing and padding: reshape, permutations, padding, gathers, one_hot."""

    # ----------------------------------------------------------------- shapes

    def reshape(self, x: object, shape: object) -> Tensor:
        source, x = x, self.tensor(x)
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        elif not isinstance(shape, (list, tuple)):
            shape = tuple(self._host_value(shape).tolist())
        target = checks.resolve_reshape(self._shape(x), [self._static_int(d) for d in shape])
        return self._unshared(self._reshape(x, target), source)

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
        source, x = x, self.tensor(x)
        return self._unshared(
            self._transpose(x, tuple(reversed(range(len(self._shape(x)))))), source
        )

    def permute_dimensions(self, x: object, pattern: Sequence[int]) -> Tensor:
        source, x = x, self.tensor(x)
        return self._unshared(
            self._transpose(x, checks.check_permutation(pattern, len(self._shape(x)))), source
        )

    def expand_dims(self, x: object, axis: int = -1) -> Tensor:
        source, x = x, self.tensor(x)
        return self._unshared(
            self._expand_dims(x, checks.normalize_insert_axis(axis, len(self._shape(x)))), source
        )

    def squeeze(self, x: object, axis: int) -> Tensor:
        source, x = x, self.tensor(x)
        shape = self._shape(x)
        index = checks.normalize_axis(axis, len(shape))
        if shape[index] != 1:
            raise ShapeError(
                f"cannot squeeze axis {axis} of a tensor of shape {shape}: its size is "
                f"{shape[index]}, not 1"
            )
        return self._unshared(self._squeeze(x, index), source)

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
        indices = self.index_tensor(indices)
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
        indices = self.index_tensor(indices)
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
        if size == 0 and checks.size_of(self._shape(indices)):
            raise InvalidArgumentError(f"{what}: cannot take indices from an empty axis")
        if not self._is_concrete(indices):
            return
        values = self._to_numpy(indices)
        if values.size and (values.min() < 0 or values.max() >= size):
            raise InvalidArgumentError(
                f"{what}: indices must be in [0, {size}), got values from {values.min()} to "
                f"{values.max()}"
            )
