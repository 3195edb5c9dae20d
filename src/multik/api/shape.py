"""K functions of family H: shapes, indexing, padding and resizing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from multik import symbolic
from multik.api._forward import forward
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput

Tensor = Any

__all__ = [
    "batch_flatten",
    "batch_gather",
    "concatenate",
    "expand_dims",
    "flatten",
    "gather",
    "one_hot",
    "permute_dimensions",
    "repeat",
    "repeat_elements",
    "reshape",
    "resize_images",
    "resize_volumes",
    "reverse",
    "slice",
    "spatial_2d_padding",
    "spatial_3d_padding",
    "squeeze",
    "stack",
    "temporal_padding",
    "tile",
]


def reshape(x: Any, shape: Any) -> Tensor:
    """``x`` in C order with ``shape``; one ``-1`` is inferred."""
    try:
        return _adapter().reshape(x, shape)
    except SymbolicInput:
        return symbolic.reshape(x, shape, reshape)


@forward
def permute_dimensions(x: Any, pattern: Sequence[int]) -> Tensor:
    """``x`` with its axes in the order ``pattern`` (a full permutation)."""


@forward
def expand_dims(x: Any, axis: int = -1) -> Tensor:
    """``x`` with a new size-1 axis at ``axis`` (default: last)."""


@forward
def squeeze(x: Any, axis: int) -> Tensor:
    """``x`` without ``axis``, which must have size 1 (ShapeError otherwise, on every backend)."""


@forward
def flatten(x: Any) -> Tensor:
    """``x`` as a 1-D tensor, in C order (a scalar gives shape (1,))."""


@forward
def batch_flatten(x: Any) -> Tensor:
    """``x`` as (batch, product of the other dimensions): axis 0 is kept, the rest flattened.

    An unknown batch dimension stays unknown; a scalar gives shape (1, 1).
    """


@forward
def concatenate(tensors: Sequence[Any], axis: int = -1) -> Tensor:
    """The tensors of a non-empty list joined along ``axis`` (default: the last).

    All need one rank and equal dimensions except on ``axis``; their dtypes are promoted to one
    (int32 with float32 gives float32). Scalars cannot be joined (use ``stack``).
    """


@forward
def stack(x: Sequence[Any], axis: int = 0) -> Tensor:
    """The tensors of a non-empty list, all of one shape, stacked on a new axis ``axis``
    (default: first); their dtypes are promoted to one."""


@forward
def repeat(x: Any, n: int) -> Tensor:
    """RepeatVector: a 2-D ``x`` of shape (batch, features) repeated to (batch, n, features).

    Not ``np.repeat``: other ranks raise ShapeError; ``repeat_elements`` repeats along an axis.
    """


@forward
def repeat_elements(x: Any, rep: int, axis: int) -> Tensor:
    """``np.repeat(x, rep, axis)``: each slice along ``axis`` repeated ``rep`` times in place
    (``[[1, 2]]``, 2, axis 1 gives ``[[1, 1, 2, 2]]``); ``rep=0`` empties the axis."""


@forward
def tile(x: Any, n: Any) -> Tensor:
    """``x`` repeated ``n[i]`` times along each axis i; ``n`` is an int or a list of ints.

    A shorter ``n`` is padded with 1s on the left, as in Keras 2.3.1 and NumPy: a (3, 4) ``x``
    with ``n=2`` gives (3, 8). More entries than axes raise ShapeError.
    """


@forward
def reverse(x: Any, axes: int | Sequence[int]) -> Tensor:
    """``x`` in reverse order along ``axes`` (an int or a list of distinct ints)."""


@forward
def slice(x: Any, start: Sequence[int], size: Sequence[int]) -> Tensor:
    """``x[start[0]:start[0] + size[0], start[1]:start[1] + size[1], ...]`` (Keras 2.3.1).

    ``start`` and ``size`` give one int per axis of ``x`` (ShapeError otherwise); a size of -1
    takes the rest of the axis; a slice past the end raises InvalidArgumentError.
    """


@forward
def temporal_padding(x: Any, padding: Sequence[int] = (1, 1)) -> Tensor:
    """A 3-D tensor zero-padded on axis 1 by ``(left, right)``."""


@forward
def spatial_2d_padding(
    x: Any,
    padding: Sequence[Sequence[int]] = ((1, 1), (1, 1)),
    data_format: str | None = None,
) -> Tensor:
    """A 4-D tensor zero-padded on its two spatial axes by ((top, bottom), (left, right)).

    ``data_format`` ('channels_last': (batch, rows, cols, channels), or 'channels_first') is
    ``K.image_data_format()`` when None.
    """


@forward
def spatial_3d_padding(
    x: Any,
    padding: Sequence[Sequence[int]] = ((1, 1), (1, 1), (1, 1)),
    data_format: str | None = None,
) -> Tensor:
    """A 5-D tensor zero-padded on its three spatial axes by one (before, after) pair each.

    ``data_format`` is ``K.image_data_format()`` when None.
    """


@forward
def resize_images(
    x: Any,
    height_factor: int,
    width_factor: int,
    data_format: str | None,
    interpolation: str = "nearest",
) -> Tensor:
    """A batch of images (4-D) upsampled by integer factors on rows and columns.

    'nearest' repeats each pixel (dtype kept); 'bilinear' gives TensorFlow's numbers
    (half-pixel centres) as float32, whatever the input dtype. ``data_format`` None means
    ``K.image_data_format()``.
    """


@forward
def resize_volumes(
    x: Any, depth_factor: int, height_factor: int, width_factor: int, data_format: str | None
) -> Tensor:
    """A batch of volumes (5-D) upsampled by integer factors, each voxel repeated (nearest).

    ``data_format`` None means ``K.image_data_format()``.
    """


@forward
def one_hot(indices: Any, num_classes: int) -> Tensor:
    """float32 one-hot encoding with a new last axis; out-of-range indices give all-zero rows."""


@forward
def batch_gather(reference: Any, indices: Any) -> Tensor:
    """TensorFlow's ``batch_gather``: the leading ``rank(indices) - 1`` axes are batch axes.

    With 1-D indices it is a plain gather along axis 0: ``batch_gather([1, 2, 3], [2])`` is [3].
    """


@forward
def gather(reference: Any, indices: Any) -> Tensor:
    """The slices of ``reference`` along axis 0 at integer ``indices`` (any shape): the result
    has shape ``indices.shape + reference.shape[1:]``. Out-of-range indices raise
    InvalidArgumentError where their values are known (not while a compiler traces)."""
