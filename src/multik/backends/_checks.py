"""Argument rules shared by every backend: axes, shapes, permutations.

Each check runs in Python on static shapes before any framework call, so the same bad input
raises the same multik error with the same message on every backend.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

from multik import config
from multik.errors import AxisError, InvalidArgumentError, ShapeError

__all__ = [
    "broadcast_shapes",
    "data_format",
    "normalize_axes",
    "normalize_axis",
    "normalize_insert_axis",
    "resolve_reshape",
    "size_of",
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


def data_format(value: object) -> str:
    """A data_format argument: None gives ``image_data_format()``; 'channels_last' or
    'channels_first' in any case (as Keras 2.2 accepted); InvalidArgumentError otherwise."""
    if value is None:
        return config.image_data_format()
    name = value.lower() if isinstance(value, str) else value
    if name not in config.DATA_FORMATS:
        raise InvalidArgumentError(
            f"data_format must be 'channels_last' or 'channels_first' (or None for "
            f"K.image_data_format()), got {value!r}"
        )
    return name  # type: ignore[return-value]


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    """The broadcast of ``shapes`` (NumPy's rule), or None when they do not broadcast.

    Plain Python, unlike ``np.broadcast_shapes``, which torch.compile traces as a torch op."""
    rank = max(len(s) for s in shapes)
    out = []
    for axis in range(-rank, 0):
        size = 1
        for shape in shapes:
            if len(shape) >= -axis and shape[axis] != 1:
                if size not in (1, shape[axis]):
                    return None
                size = shape[axis]
        out.append(size)
    return tuple(out)
