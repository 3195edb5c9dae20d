"""K functions of families E, F and G: linear algebra, reductions, element-wise math."""

from __future__ import annotations

from typing import Any

from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "batch_dot",
    "cumprod",
    "cumsum",
    "dot",
    "max",
    "mean",
    "min",
    "prod",
    "square",
    "sum",
    "transpose",
]


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (None: all; int, list or tuple; empty: none).

    bool and integers narrower than 32 bits sum in int32; int32 wraps; float16/bfloat16 sum in
    float32 and round once.
    """
    try:
        return _adapter().sum(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(sum, x, axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``, with the accumulator dtypes of ``sum``."""
    try:
        return _adapter().prod(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(prod, x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    try:
        return _adapter().max(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(max, x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    try:
        return _adapter().min(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(min, x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``; integer and bool inputs give floatx (Keras would truncate)."""
    try:
        return _adapter().mean(x, axis, keepdims)
    except SymbolicInput:
        return _symbolic(mean, x, axis, keepdims)


def cumsum(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative sum along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    try:
        return _adapter().cumsum(x, axis)
    except SymbolicInput:
        return _symbolic(cumsum, x, axis)


def cumprod(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative product along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    try:
        return _adapter().cumprod(x, axis)
    except SymbolicInput:
        return _symbolic(cumprod, x, axis)


def dot(x: Any, y: Any) -> Tensor:
    """``np.dot``: contracts the last axis of ``x`` with the next-to-last of ``y``; 1-D is fine."""
    try:
        return _adapter().dot(x, y)
    except SymbolicInput:
        return _symbolic(dot, x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Tensor:
    """Batch-wise dot product (the tf_keras algorithm); a rank-1 result comes back as (batch, 1)."""
    try:
        return _adapter().batch_dot(x, y, axes)
    except SymbolicInput:
        return _symbolic(batch_dot, x, y, axes)


def transpose(x: Any) -> Tensor:
    """``x`` with all its axes reversed."""
    try:
        return _adapter().transpose(x)
    except SymbolicInput:
        return _symbolic(transpose, x)


def square(x: Any) -> Tensor:
    """``x * x``, element-wise, in ``x``'s dtype (integers wrap like any product)."""
    try:
        return _adapter().square(x)
    except SymbolicInput:
        return _symbolic(square, x)
