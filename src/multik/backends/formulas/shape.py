"""Family H, shape, indexing and padding: reshapes, joins, repetition, slices, gathers, padding
and resizing."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from multik import dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
)

INTERPOLATIONS = ("nearest", "bilinear")


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class ShapeFormulas(Conversion):
    """Family H, shape, indexing and padding: reshapes, joins, repetition, slices, gathers,
    padding and resizing."""

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

    def flatten(self, x: object) -> Tensor:
        tensor = self.tensor(x)
        flat = self._reshape(tensor, (checks.size_of(self._shape(tensor)),))
        return self._unshared(flat, x)

    def batch_flatten(self, x: object) -> Tensor:
        tensor = self.tensor(x)
        shape = self._shape(tensor)
        flat = self._reshape(tensor, (shape[0] if shape else 1, checks.size_of(shape[1:])))
        return self._unshared(flat, x)

    def _known_ints(self, value: object, what: str) -> tuple[int, ...]:
        """An argument of counts or positions that must be known before the computation: an
        int, or a list, tuple, 1-D NumPy array or tensor of ints. Tensors must hold values
        (not be traced by a compiler); Python values are read without NumPy, which compilers
        trace."""
        if isinstance(value, (list, tuple)):
            return tuple(self._known_int(item, what, value) for item in value)
        if _is_int(value):
            return (int(value),)  # type: ignore[call-overload]
        values = self._known(value, what)
        if values.ndim > 1 or (values.size and values.dtype.kind not in "iu"):
            raise InvalidArgumentError(f"{what} must be an int or a list of ints, got {value!r}")
        return tuple(int(v) for v in values.reshape(-1))

    def _known_int(self, item: object, what: str, value: object) -> int:
        if _is_int(item):
            return int(item)  # type: ignore[call-overload]
        values = self._known(item, what)
        if values.shape != () or values.dtype.kind not in "iu":
            raise InvalidArgumentError(f"{what} must be an int or a list of ints, got {value!r}")
        return int(values)

    def _known(self, value: object, what: str) -> np.ndarray:
        """The values of a NumPy value or tensor that must be known now; InvalidArgumentError
        for a tensor a compiler is tracing."""
        if isinstance(value, (np.ndarray, np.generic)):
            return np.asarray(value)
        values = self._static_value(self.tensor(value))
        if values is None:
            raise InvalidArgumentError(
                f"{what} must be known before the computation runs, but it is a tensor whose "
                "values a compiler is tracing; pass Python ints, NumPy values or entries of "
                "K.shape(x)"
            )
        return values

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

    def spatial_2d_padding(
        self,
        x: object,
        padding: Sequence[Sequence[int]] = ((1, 1), (1, 1)),
        data_format: str | None = None,
    ) -> Tensor:
        return self._spatial_padding(
            x, padding, data_format, "spatial_2d_padding", ("rows", "cols")
        )

    def spatial_3d_padding(
        self,
        x: object,
        padding: Sequence[Sequence[int]] = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
    ) -> Tensor:
        return self._spatial_padding(
            x, padding, data_format, "spatial_3d_padding", ("depth", "rows", "cols")
        )

    def _spatial_padding(
        self, x: object, padding: object, data_format: object, what: str, spatial: tuple[str, ...]
    ) -> Tensor:
        """Zero-pad the ``spatial`` axes of ``x`` (named for the error) by a pair each."""
        data_format = checks.normalize_data_format(data_format)
        pairs = checks.padding_pairs(padding, len(spatial))
        x = self.tensor(x)
        self._check_image_rank(x, len(spatial), what)
        shape = self._shape(x)
        pads = [(0, 0)] * len(shape)
        for axis, pair in zip(checks.spatial_axes(data_format, len(shape)), pairs):
            pads[axis] = pair
        return self._pad(x, tuple(pads))

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
        if self._is_concrete(indices):
            self._check_range(self._to_numpy(indices), size, what)

    @staticmethod
    def _check_range(values: np.ndarray, size: int, what: str) -> None:
        if values.size and (values.min() < 0 or values.max() >= size):
            raise InvalidArgumentError(
                f"{what}: indices must be in [0, {size}), got values from {values.min()} to "
                f"{values.max()}"
            )

    # ----------------------------------------------------------------- joining

    def _joined(self, tensors: object, what: str) -> list[Tensor]:
        """The tensors of a non-empty list or tuple, promoted to one dtype."""
        if not isinstance(tensors, (list, tuple)):
            raise InvalidArgumentError(
                f"{what} needs a list or tuple of tensors, got a {type(tensors).__name__}"
            )
        if not tensors:
            raise InvalidArgumentError(f"{what} needs at least one tensor, got an empty list")
        xs = [self.tensor(t) for t in tensors]
        dtype = functools.reduce(dtypes.result_type, [self._dtype(x) for x in xs])
        return [self._as(x, dtype) for x in xs]

    def concatenate(self, tensors: Sequence[object], axis: int = -1) -> Tensor:
        xs = self._joined(tensors, "concatenate")
        shapes = [self._shape(x) for x in xs]
        rank = len(shapes[0])
        if any(len(shape) != rank for shape in shapes):
            raise ShapeError(f"concatenate needs tensors of one rank, got shapes {shapes}")
        if rank == 0:
            raise ShapeError(
                "concatenate cannot join scalars (rank 0 has no axis); K.stack makes a vector "
                "of them"
            )
        index = checks.normalize_axis(axis, rank)
        checks.check_joinable(shapes, index, "concatenate")
        return self._concatenate(xs, index)

    def stack(self, x: Sequence[object], axis: int = 0) -> Tensor:
        xs = self._joined(x, "stack")
        shapes = [self._shape(t) for t in xs]
        if any(shape != shapes[0] for shape in shapes):
            raise ShapeError(f"stack needs tensors of one shape, got shapes {shapes}")
        index = checks.normalize_insert_axis(axis, len(shapes[0]))
        return self._concatenate([self._expand_dims(t, index) for t in xs], index)

    # ----------------------------------------------------------------- repetition

    def repeat(self, x: object, n: int) -> Tensor:
        x = self.tensor(x)
        shape = self._shape(x)
        if len(shape) != 2:
            raise ShapeError(
                f"repeat needs a 2-D tensor (batch, features), which it repeats to (batch, n, "
                f"features), got shape {shape}; K.repeat_elements repeats along any axis"
            )
        return self._tile(self._expand_dims(x, 1), (1, checks.check_non_negative_int(n, "n"), 1))

    def repeat_elements(self, x: object, rep: int, axis: int) -> Tensor:
        x = self.tensor(x)
        index = checks.normalize_axis(axis, len(self._shape(x)))
        return self._repeat(x, checks.check_non_negative_int(rep, "rep"), index)

    def tile(self, x: object, n: object) -> Tensor:
        x = self.tensor(x)
        rank = len(self._shape(x))
        reps = self._known_ints(n, "n")
        if len(reps) > rank or any(r < 0 for r in reps):
            raise ShapeError(
                f"tile needs at most one count >= 0 per axis of x (rank {rank}), got n={n!r}"
            )
        return self._tile(x, (1,) * (rank - len(reps)) + reps)

    # ----------------------------------------------------------------- reversing and slicing

    def reverse(self, x: object, axes: object) -> Tensor:
        tensor = self.tensor(x)
        if axes is None:
            raise AxisError("reverse needs axes: an int or a list of ints")
        flipped = self._flip(tensor, checks.normalize_axes(axes, len(self._shape(tensor))))
        return self._unshared(flipped, x)

    def slice(self, x: object, start: object, size: object) -> Tensor:
        tensor = self.tensor(x)
        shape = self._shape(tensor)
        begin, extent = self._known_ints(start, "start"), self._known_ints(size, "size")
        if not len(shape) == len(begin) == len(extent):
            raise ShapeError(
                f"slice needs one start and one size per axis of x (shape {shape}), got "
                f"start={begin}, size={extent}"
            )
        sizes = tuple(dim - b if s == -1 else s for dim, b, s in zip(shape, begin, extent))
        if any(b < 0 or s < 0 or b + s > dim for dim, b, s in zip(shape, begin, sizes)):
            raise InvalidArgumentError(
                f"slice: start={begin} and size={extent} leave x of shape {shape}; each axis "
                "needs 0 <= start and start + size <= its length (size -1: to the end)"
            )
        return self._unshared(self._slice(tensor, begin, sizes), x)

    # ----------------------------------------------------------------- gathering

    def gather(self, reference: object, indices: object) -> Tensor:
        params = self.tensor(reference)
        shape = self._shape(params)
        if not shape:
            raise ShapeError(
                "gather takes slices along axis 0 of the reference, which needs rank 1 or "
                "more; got a scalar"
            )
        return self._take(params, self._indices(indices, shape[0], "gather"), 0)

    def _indices(self, indices: object, size: int, what: str) -> Tensor:
        """int32 indices into an axis of ``size``, range-checked where their values are known.
        NumPy arrays are checked and narrowed on the host, so NumPy's default int64 works on
        every backend (JAX without x64 included)."""
        if isinstance(indices, np.ndarray) and indices.dtype.kind in "iu":
            self._check_range(indices, size, what)
            return self._from_numpy(indices.astype(np.int32))
        tensor = self.tensor(indices)
        if not dtypes.is_int(self._dtype(tensor)):
            raise DTypeError(
                f"{what} needs integer indices, got dtype {self._dtype(tensor)}; cast them with "
                "K.cast(indices, 'int32')"
            )
        self._check_index_range(tensor, size, what)
        return self._as(tensor, "int32")

    # ----------------------------------------------------------------- resizing

    def _check_image_rank(self, x: Tensor, spatial: int, what: str) -> None:
        shape = self._shape(x)
        if len(shape) != spatial + 2:
            raise ShapeError(
                f"{what} needs a {spatial + 2}-D tensor: a batch of {spatial}-D images with "
                f"channels, got shape {shape}"
            )

    def resize_images(
        self,
        x: object,
        height_factor: int,
        width_factor: int,
        data_format: str | None,
        interpolation: str = "nearest",
    ) -> Tensor:
        data_format = checks.normalize_data_format(data_format)
        factors = (
            checks.check_positive_int(height_factor, "height_factor"),
            checks.check_positive_int(width_factor, "width_factor"),
        )
        if interpolation not in INTERPOLATIONS:
            raise InvalidArgumentError(
                f"interpolation must be 'nearest' or 'bilinear', got {interpolation!r}"
            )
        x = self.tensor(x)
        self._check_image_rank(x, 2, "resize_images")
        if self._dtype(x) == "bool":
            raise DTypeError("resize_images needs numbers, got bool images; cast them first")
        axes = checks.spatial_axes(data_format, 4)
        if interpolation == "nearest":
            return self._repeat_axes(x, axes, factors)
        return self._bilinear(x, axes, factors)

    def resize_volumes(
        self,
        x: object,
        depth_factor: int,
        height_factor: int,
        width_factor: int,
        data_format: str | None,
    ) -> Tensor:
        data_format = checks.normalize_data_format(data_format)
        factors = (
            checks.check_positive_int(depth_factor, "depth_factor"),
            checks.check_positive_int(height_factor, "height_factor"),
            checks.check_positive_int(width_factor, "width_factor"),
        )
        x = self.tensor(x)
        self._check_image_rank(x, 3, "resize_volumes")
        return self._repeat_axes(x, checks.spatial_axes(data_format, 5), factors)

    def _repeat_axes(self, x: Tensor, axes: tuple[int, ...], factors: tuple[int, ...]) -> Tensor:
        """Nearest-neighbour upsampling: each element repeated ``factor`` times along its axis."""
        for axis, factor in zip(axes, factors):
            x = self._repeat(x, factor, axis)
        return x

    def _bilinear(self, x: Tensor, axes: tuple[int, ...], factors: tuple[int, ...]) -> Tensor:
        """TensorFlow's bilinear upsampling (half-pixel centres) in float32, by integer
        factors: along the last axis first, each output is ``a + (b - a) * t`` from the two
        inputs around it, as TensorFlow computes it (so NaN and inf spread the same way)."""
        xp = self.xp
        out = xp(self._as(x, "float32"))
        for axis, factor in reversed(tuple(zip(axes, factors))):
            lower, upper, weight = bilinear_taps(out.shape[axis], factor)
            a = xp(self._take(out.value, self._from_numpy(lower), axis))
            b = xp(self._take(out.value, self._from_numpy(upper), axis))
            where = [1] * len(out.shape)
            where[axis] = len(weight)
            t = xp(self._from_numpy(weight.reshape(where)))
            out = a + (b - a) * t
        return out.value


def bilinear_taps(size: int, factor: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each output position of an axis of ``size`` upsampled ``factor`` times: the input
    positions below and above it (int32) and the weight of the one above (float32), computed
    in float32 as TensorFlow's bilinear resize computes them (half-pixel centres)."""
    out = size * factor
    scale = np.float32(1.0 / factor) if size == 0 else np.float32(size) / np.float32(out)
    source = (np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    below = np.floor(source)
    lower = np.maximum(below, 0).astype(np.int32)
    upper = np.minimum(np.ceil(source), size - 1).astype(np.int32)
    return lower, upper, (source - below).astype(np.float32)
