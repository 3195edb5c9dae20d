"""K functions of family C: shapes, dtypes, casts and what kind of object a value is."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik import symbolic
from multik.api._forward import forward
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, ShapeError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.variable import Variable

Tensor = Any

__all__ = [
    "cast",
    "count_params",
    "dtype",
    "get_variable_shape",
    "int_shape",
    "is_keras_tensor",
    "is_placeholder",
    "is_sparse",
    "is_tensor",
    "is_variable",
    "ndim",
    "shape",
    "size",
    "to_dense",
]


def shape(x: Any) -> Tensor:
    """The shape of ``x`` as an int32 tensor of the active backend."""
    try:
        return _adapter().shape(x)
    except SymbolicInput:
        return symbolic.shape_of(x)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape of ``x`` as a tuple of ints."""
    try:
        return _adapter().int_shape(x)
    except SymbolicInput:
        return x.shape if x.rank_known else None


def ndim(x: Any) -> int:
    """The rank (number of axes) of ``x``."""
    try:
        return _adapter().ndim(x)
    except SymbolicInput:
        return x.ndim if x.rank_known else None


def get_variable_shape(x: Any) -> tuple[int | None, ...]:
    """The shape of ``x`` as a tuple of ints, as ``int_shape`` (Keras 2 name)."""
    try:
        return _adapter().get_variable_shape(x)
    except SymbolicInput:
        return x.shape


@forward
def size(x: Any, name: Any = None) -> Tensor:
    """The number of elements of ``x`` as an int32 scalar tensor."""


def is_sparse(tensor: Any) -> bool:
    """False: multik has no sparse tensors on any backend, so every tensor is dense."""
    return _adapter().is_sparse(tensor)


@forward
def to_dense(tensor: Any) -> Tensor:
    """``tensor`` itself as a tensor of the active backend: multik tensors are all dense
    (sparse tensors are not supported)."""


def dtype(x: Any) -> str:
    """The Keras dtype name of ``x``, e.g. 'float32'."""
    try:
        return _adapter().dtype(x)
    except SymbolicInput:
        return x.dtype


@forward
def cast(x: Any, dtype: Any) -> Tensor:
    """A new tensor with the values of ``x`` in ``dtype``; ``x`` is left unchanged.

    Float to integer truncates toward zero and saturates at the target's range; NaN gives 0.
    """


def count_params(x: Any) -> int:
    """The number of elements of ``x``; its shape must be fully known."""
    shape = int_shape(x)
    if None in shape:
        raise ShapeError(f"count_params needs a fully known shape, got {shape}")
    return int(np.prod(shape, dtype=np.int64))


def is_variable(x: Any) -> bool:
    """Whether ``x`` is a multik Variable."""
    return isinstance(x, Variable)


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a tensor of the active backend, a Variable or a symbolic tensor."""
    return isinstance(x, (Variable, SymbolicTensor, *_adapter().native_types))


def is_placeholder(x: Any) -> bool:
    """Whether ``x`` was made by ``K.placeholder``."""
    return isinstance(x, SymbolicTensor) and x.kind == "placeholder" and x.default is None


def is_keras_tensor(x: Any) -> bool:
    """False for every tensor (Keras tensors are outputs of Keras layers, which multik does not
    have; tf_keras graph mode says False for placeholders too); InvalidArgumentError (a
    ValueError) for anything that is not a tensor."""
    if not is_tensor(x):
        raise InvalidArgumentError(
            f"is_keras_tensor expects a tensor, got a {type(x).__name__}; wrap values with "
            "K.constant or K.variable first"
        )
    return False
