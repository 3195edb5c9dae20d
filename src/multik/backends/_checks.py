"""Argument rules shared by every backend: axes, shapes, permutations.

Each check runs in Python on static shapes before any framework call, so the same bad input
raises the same multik error with the same message on every backend.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Sequence

import numpy as np

from multik import config
from multik.errors import AxisError, IndexRangeError, InvalidArgumentError, ShapeError

__all__ = [
    "broadcast_or_none",
    "broadcast_shapes",
    "check_joinable",
    "check_non_negative_int",
    "check_permutation",
    "check_positive_int",
    "conv_output_sizes",
    "conv_padding",
    "conv_padding_pairs",
    "normalize_axes",
    "normalize_axis",
    "normalize_data_format",
    "normalize_insert_axis",
    "padding_pairs",
    "reduced_shape",
    "resolve_reshape",
    "size_of",
    "spatial_axes",
    "spatial_ints",
    "window_counts",
]


def _as_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise AxisError(f"{what} must be an int, got {type(value).__name__} {value!r}")
    return operator.index(value)  # type: ignore[arg-type]


def normalize_axis(axis: object, ndim: int, what: str = "axis") -> int:
    """The non-negative form of one axis of a rank-``ndim`` tensor; AxisError if out of range."""
    index = _as_int(axis, what)
    if not -ndim <= index < ndim:
        raise AxisError(_range_message(what, index, ndim))
    return index + ndim if index < 0 else index


def _range_message(what: str, index: int, ndim: int) -> str:
    if ndim == 0:
        return f"{what} {index} is out of range: a scalar (rank 0) has no axes"
    return f"{what} {index} is out of range for a rank-{ndim} tensor; valid: {-ndim} to {ndim - 1}"


def normalize_insert_axis(axis: object, ndim: int) -> int:
    """The non-negative position of a new axis (expand_dims); valid range -ndim-1 to ndim."""
    index = _as_int(axis, "axis")
    if not -ndim - 1 <= index <= ndim:
        raise AxisError(
            f"axis {index} is out of range to insert an axis into a rank-{ndim} tensor; "
            f"valid: {-ndim - 1} to {ndim}"
        )
    return index + ndim + 1 if index < 0 else index


@functools.lru_cache(maxsize=4096)
def _normalize_axes_cached(axis: object, ndim: int) -> tuple[int, ...]:
    items = axis if isinstance(axis, tuple) else (axis,)
    out = tuple(sorted(normalize_axis(a, ndim) for a in items))
    if len(set(out)) != len(out):
        raise AxisError(f"axis {axis!r} repeats an axis (rank-{ndim} tensor); list each axis once")
    return out


def normalize_axes(axis: object, ndim: int) -> tuple[int, ...] | None:
    """Reduction axes as a sorted tuple of non-negative ints; None means every axis.

    Accepts None, an int, or a list or tuple of ints; an empty list or tuple reduces nothing.
    """
    if axis is None:
        return None
    if isinstance(axis, list):
        axis = tuple(axis)
    elif isinstance(axis, np.ndarray) and axis.ndim == 0 and axis.dtype.kind in "iu":
        axis = int(axis)  # tf_keras takes NumPy ints as axes
    for item in axis if isinstance(axis, tuple) else (axis,):
        _as_int(item, "axis")  # before the cache, which would take 1.0 or True for 1
    try:
        return _normalize_axes_cached(axis, ndim)
    except TypeError:  # unhashable items, e.g. a list inside the tuple
        raise AxisError(
            f"axis must be None, an int, or a list/tuple of ints, got {axis!r}"
        ) from None


def size_of(shape: Sequence[int]) -> int:
    """The number of elements of a tensor of ``shape``."""
    return functools.reduce(operator.mul, shape, 1)


def resolve_reshape(shape: Sequence[int], target: Sequence[object]) -> tuple[int, ...]:
    """The concrete target shape of a reshape, its ``-1`` resolved; ShapeError if impossible."""
    dims = []
    for dim in target:
        if isinstance(dim, bool) or not hasattr(dim, "__index__"):
            raise ShapeError(f"reshape target {tuple(target)!r} must hold ints, got {dim!r}")
        dims.append(operator.index(dim))  # type: ignore[arg-type]
    size = size_of(shape)
    unknown = [i for i, d in enumerate(dims) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in dims):
        raise ShapeError(
            f"reshape target {tuple(dims)} may hold at most one -1 and no other negative size"
        )
    known = size_of(d for d in dims if d != -1)
    if unknown:
        if known == 0:
            raise ShapeError(
                f"cannot reshape a tensor of shape {tuple(shape)} to {tuple(dims)}: "
                "the -1 is ambiguous when another size is 0"
            )
        if size % known:
            raise ShapeError(
                f"cannot reshape a tensor of shape {tuple(shape)} ({size} elements) to "
                f"{tuple(dims)}: {size} is not a multiple of {known}"
            )
        dims[unknown[0]] = size // known
    elif known != size:
        raise ShapeError(
            f"cannot reshape a tensor of shape {tuple(shape)} ({size} elements) to "
            f"{tuple(dims)} ({known} elements)"
        )
    return tuple(dims)


def check_permutation(pattern: object, ndim: int) -> tuple[int, ...]:
    """A permutation of the axes of a rank-``ndim`` tensor, negatives normalised."""
    if not isinstance(pattern, (list, tuple)):
        raise AxisError(f"pattern must be a list or tuple of axes, got {pattern!r}")
    if len(pattern) != ndim:
        raise AxisError(
            f"pattern {tuple(pattern)!r} has {len(pattern)} axes but the tensor has rank {ndim}; "
            "give each axis exactly once"
        )
    perm = tuple(normalize_axis(a, ndim, "pattern axis") for a in pattern)
    if len(set(perm)) != ndim:
        raise AxisError(f"pattern {tuple(pattern)!r} repeats an axis; give each axis exactly once")
    return perm


def check_positive_int(value: object, what: str) -> int:
    """A positive Python int; InvalidArgumentError otherwise."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or operator.index(value) < 1:
        raise InvalidArgumentError(f"{what} must be a positive int, got {value!r}")
    return operator.index(value)


def check_basic_index(key: object, shape: Sequence[int]) -> None:
    """Integer indices of a basic-indexing ``key`` must be inside the axes they index."""
    elements = key if isinstance(key, tuple) else (key,)
    if any(e is Ellipsis for e in elements):
        before = elements[: elements.index(Ellipsis)]
        after = elements[elements.index(Ellipsis) + 1 :]
        explicit = sum(1 for e in elements if e is not None and e is not Ellipsis)
        elements = (*before, *[slice(None)] * (len(shape) - explicit), *after)
    axis = 0
    for element in elements:
        if element is None:
            continue
        if isinstance(element, (int, np.integer)) and not isinstance(element, bool):
            if axis >= len(shape):
                raise IndexRangeError(
                    f"too many indices for a tensor of shape {tuple(shape)}: {key!r}"
                )
            if not -shape[axis] <= element < shape[axis]:
                raise IndexRangeError(
                    f"index {element} is out of range for axis {axis} of size {shape[axis]}"
                )
        elif not isinstance(element, slice):
            return  # advanced indexing: the framework checks it
        axis += 1


def reduced_shape(
    shape: Sequence[int], axes: tuple[int, ...] | None, keepdims: bool
) -> tuple[int, ...]:
    """The shape of a reduction of a tensor of ``shape`` over normalised ``axes`` (None: all)."""
    reduced = range(len(shape)) if axes is None else axes
    if keepdims:
        return tuple(1 if a in reduced else d for a, d in enumerate(shape))
    return tuple(d for a, d in enumerate(shape) if a not in reduced)


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """The NumPy broadcast of ``shapes``; ShapeError if two sizes of one axis differ and neither
    is 1."""
    rank = 0
    for shape in shapes:  # no max() over a generator: torch.compile cannot trace it
        rank = len(shape) if len(shape) > rank else rank
    out = [1] * rank
    for shape in shapes:
        for i, d in enumerate(shape, rank - len(shape)):
            if d != out[i] and 1 not in (d, out[i]):
                raise ShapeError(
                    f"shapes {' and '.join(str(tuple(s)) for s in shapes)} do not broadcast: "
                    f"axis {i - rank} has sizes {out[i]} and {d}; sizes must be equal or 1"
                )
            if d != 1:
                out[i] = d
    return tuple(out)


def check_non_negative_int(value: object, what: str) -> int:
    """A Python int >= 0; InvalidArgumentError otherwise."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or operator.index(value) < 0:
        raise InvalidArgumentError(f"{what} must be an int >= 0, got {value!r}")
    return operator.index(value)


def check_joinable(shapes: Sequence[tuple[int, ...]], axis: int, what: str) -> None:
    """Shapes that agree on every axis but ``axis`` (concatenate); ShapeError otherwise."""
    first = shapes[0]
    for shape in shapes[1:]:
        if any(a != b for i, (a, b) in enumerate(zip(first, shape)) if i != axis):
            raise ShapeError(
                f"{what}: the shapes {[tuple(s) for s in shapes]} must be equal on every axis "
                f"but axis {axis}"
            )


# ----------------------------------------------------------------- images: data_format, padding

DATA_FORMATS = ("channels_last", "channels_first")


def normalize_data_format(value: object) -> str:
    """A ``data_format`` argument: 'channels_last' or 'channels_first' in any case (Keras 2.2
    lower-cased it); None gives ``K.image_data_format()``. InvalidArgumentError (a ValueError)
    for anything else."""
    if value is None:
        return config.image_data_format()
    name = value.lower() if isinstance(value, str) else value
    if name not in DATA_FORMATS:
        raise InvalidArgumentError(
            f"data_format must be 'channels_last' or 'channels_first' (None: "
            f"K.image_data_format()), got {value!r}"
        )
    return name  # type: ignore[return-value]


def spatial_axes(data_format: str, rank: int) -> tuple[int, ...]:
    """The spatial axes of a rank-``rank`` tensor laid out as (batch, channels, spatial...)
    for 'channels_first' or (batch, spatial..., channels) for 'channels_last'."""
    return tuple(range(2, rank)) if data_format == "channels_first" else tuple(range(1, rank - 1))


def padding_pairs(padding: object, rank: int, name: str = "padding") -> tuple[tuple[int, int], ...]:
    """``padding`` as ``rank`` pairs (before, after) of ints >= 0, one per padded axis:
    e.g. ((top, bottom), (left, right)) for rank 2. InvalidArgumentError otherwise."""
    example = ", ".join(["(1, 1)"] * rank)
    if not isinstance(padding, (list, tuple)) or len(padding) != rank:
        raise InvalidArgumentError(
            f"{name} must be {rank} pairs (before, after), e.g. ({example}), got {padding!r}"
        )
    pairs = []
    for pair in padding:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InvalidArgumentError(
                f"{name} must be {rank} pairs (before, after), e.g. ({example}), got {padding!r}"
            )
        before, after = (check_non_negative_int(p, f"each {name} size") for p in pair)
        pairs.append((before, after))
    return tuple(pairs)


def broadcast_or_none(*shapes: Sequence[int]) -> tuple[int, ...] | None:
    """The broadcast of ``shapes`` (NumPy's rule), or None when they do not broadcast. Plain
    Python, unlike ``np.broadcast_shapes``, which torch.compile traces as a torch op."""
    try:
        return broadcast_shapes(*shapes)
    except ShapeError:
        return None


# --------------------------------------------------------------------------- convolution, pooling


def conv_padding(value: object, allowed: tuple[str, ...]) -> str:
    """A padding name among ``allowed`` ('valid', 'same', and 'causal' for conv1d)."""
    if not isinstance(value, str) or value not in allowed:
        names = ", ".join(repr(name) for name in allowed)
        raise InvalidArgumentError(f"padding must be one of {names}, got {value!r}")
    return value


def spatial_ints(value: object, rank: int, what: str) -> tuple[int, ...]:
    """One positive int per spatial axis: an int (the same on every axis) or ``rank`` ints."""
    items = (value,) * rank if not isinstance(value, (list, tuple)) else tuple(value)
    if len(items) != rank or any(
        isinstance(v, bool) or not hasattr(v, "__index__") or operator.index(v) < 1 for v in items
    ):
        raise InvalidArgumentError(
            f"{what} must be a positive int or {rank} positive int{'s' * (rank > 1)}, got {value!r}"
        )
    return tuple(operator.index(v) for v in items)  # type: ignore[arg-type]


def conv_padding_pairs(
    padding: str,
    sizes: Sequence[int],
    window: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
) -> tuple[tuple[int, int], ...]:
    """The (before, after) zero padding of each spatial axis, as TensorFlow computes it.

    'valid' pads nothing; 'causal' pads ``dilation * (window - 1)`` before; 'same' pads so that
    the output has ``ceil(size / stride)`` elements, an odd total with the extra element after.
    """
    pairs = []
    for size, k, s, d in zip(sizes, window, strides, dilation):
        span = d * (k - 1) + 1
        if padding == "valid":
            pairs.append((0, 0))
        elif padding == "causal":
            pairs.append((span - 1, 0))
        else:
            total = max((math.ceil(size / s) - 1) * s + span - size, 0)
            pairs.append((total // 2, total - total // 2))
    return tuple(pairs)


def conv_output_sizes(
    sizes: Sequence[int],
    window: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    pads: Sequence[tuple[int, int]],
) -> tuple[int, ...]:
    """The spatial sizes of a convolution's or pooling's output (0 where the window never fits)."""
    return tuple(
        max((size + before + after - d * (k - 1) - 1) // s + 1, 0)
        for size, k, s, d, (before, after) in zip(sizes, window, strides, dilation, pads)
    )


def window_counts(
    sizes: Sequence[int],
    window: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[tuple[int, int]],
) -> np.ndarray:
    """How many unpadded input elements each pooling window covers: an int64 array of the
    output's spatial shape (the divisor of an average that excludes the padding)."""
    counts = np.ones((), dtype=np.int64)
    for size, k, s, (before, after) in zip(sizes, window, strides, pads):
        starts = np.arange(conv_output_sizes((size,), (k,), (s,), (1,), ((before, after),))[0])
        starts = starts * s - before
        axis = np.minimum(starts + k, size) - np.maximum(starts, 0)
        counts = np.multiply.outer(counts, axis)
    return counts
