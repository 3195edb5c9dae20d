"""K functions of family H: shapes, indexing and padding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from multik import symbolic
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "batch_gather",
    "expand_dims",
    "one_hot",
    "permute_dimensions",
    "reshape",
    "squeeze",
    "temporal_padding",
]


def reshape(x: Any, shape: Any) -> Tensor:
    """``x`` in C order with ``shape``; one ``-1`` is inferred."""
    try:
        return _adapter().reshape(x, shape)
    except SymbolicInput:
        return symbolic.reshape(x, shape, reshape)


def permute_dimensions(x: Any, pattern: Sequence[int]) -> Tensor:
    """``x`` with its axes in the order ``pattern`` (a full permutation)."""
    try:
        return _adapter().permute_dimensions(x, pattern)
    except SymbolicInput:
        return _symbolic(permute_dimensions, x, pattern)


def expand_dims(x: Any, axis: int = -1) -> Tensor:
    """``x`` with a new size-1 axis at ``axis`` (default: last)."""
    try:
        return _adapter().expand_dims(x, axis)
    except SymbolicInput:
        return _symbolic(expand_dims, x, axis)


def squeeze(x: Any, axis: int) -> Tensor:
    """``x`` without ``axis``, which must have size 1 (ShapeError otherwise, on every backend)."""
    try:
        return _adapter().squeeze(x, axis)
    except SymbolicInput:
        return _symbolic(squeeze, x, axis)


def temporal_padding(x: Any, padding: Sequence[int] = (1, 1)) -> Tensor:
    """A 3-D tensor zero-padded on axis 1 by ``(left, right)``."""
    try:
        return _adapter().temporal_padding(x, padding)
    except SymbolicInput:
        return _symbolic(temporal_padding, x, padding)


def one_hot(indices: Any, num_classes: int) -> Tensor:
    """float32 one-hot encoding with a new last axis; out-of-range indices give all-zero rows."""
    try:
        return _adapter().one_hot(indices, num_classes)
    except SymbolicInput:
        return _symbolic(one_hot, indices, num_classes)


def batch_gather(reference: Any, indices: Any) -> Tensor:
    """TensorFlow's ``batch_gather``: the leading ``rank(indices) - 1`` axes are batch axes.

    With 1-D indices it is a plain gather along axis 0: ``batch_gather([1, 2, 3], [2])`` is [3].
    """
    try:
        return _adapter().batch_gather(reference, indices)
    except SymbolicInput:
        return _symbolic(batch_gather, reference, indices)
