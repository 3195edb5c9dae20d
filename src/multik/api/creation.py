"""K functions of family B: tensors, variables and placeholders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from multik import config, symbolic
from multik.api._forward import forward
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic
from multik.variable import Variable

Tensor = Any

__all__ = [
    "arange",
    "constant",
    "eye",
    "identity",
    "ones",
    "ones_like",
    "placeholder",
    "variable",
    "zeros",
    "zeros_like",
]


def variable(
    value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None
) -> Variable:
    """A multik Variable holding ``value``; ``dtype=None`` means floatx (integers become floats)."""
    return _adapter().variable(value, dtype, name, constraint)


@forward
def constant(
    value: Any, dtype: Any = None, shape: Sequence[int] | None = None, name: Any = None
) -> Tensor:
    """A tensor of ``value`` in ``dtype`` (default floatx); a single value fills ``shape``."""


def zeros(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of zeros of ``shape`` (dtype default floatx)."""
    return _adapter().zeros(shape, dtype, name)


def ones(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of ones of ``shape`` (dtype default floatx)."""
    return _adapter().ones(shape, dtype, name)


def eye(size: int | Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """An identity-matrix Variable: ``size`` is n (n x n) or ``(n, m)`` (Keras 2.3.1)."""
    return _adapter().eye(size, dtype, name)


@forward
def zeros_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Zeros with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""


@forward
def ones_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Ones with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""


def placeholder(
    shape: Sequence[int | None] | None = None,
    ndim: int | None = None,
    dtype: Any = None,
    sparse: bool = False,
    name: str | None = None,
    ragged: bool = False,
) -> SymbolicTensor:
    """A symbolic input of ``shape`` (None for unknown dimensions) or rank ``ndim``.

    K calls on it give symbolic tensors with inferred shapes; ``K.function`` feeds and runs them.
    The first placeholder turns the backend's graph mode on (until ``K.clear_session``): K calls
    that read a Variable are then symbolic too, and read it when the graph runs.
    """
    tensor = symbolic.placeholder(shape, ndim, dtype, sparse, name, ragged)
    config.enter_graph_mode(tensor.backend)
    return tensor


@forward
def identity(x: Any, name: Any = None) -> Tensor:
    """A new tensor with the values of ``x``: it never shares memory with ``x``."""


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = "int32") -> Tensor:
    """``start, start + step, ...`` up to ``stop`` (excluded), as a 1-D tensor.

    A single argument is the stop (Theano's convention), and a negative one gives an empty
    tensor. With the default ``dtype='int32'`` the result takes the bounds' type, as in Keras:
    int32 for Python ints, float32 for Python floats (``arange(0, 1, 0.25)`` is
    [0, 0.25, 0.5, 0.75]), a tensor's or NumPy value's dtype; any other ``dtype`` is applied.
    The bounds must be known when the computation is built: numbers, NumPy values, eager
    tensors, or (in a graph) entries of ``K.shape(x)``.
    """
    try:
        return _adapter().arange(start, stop, step, dtype)
    except SymbolicInput:
        for bound in (start, stop, step):
            _refuse_runtime_bound(bound)
        return _symbolic(arange, start, stop, step, dtype)


def _refuse_runtime_bound(bound: Any) -> None:
    """Raise if an arange bound gets its value only when the graph runs (a placeholder, a
    Variable in graph mode): the length of the result would then depend on data."""
    if isinstance(bound, Variable) or (
        isinstance(bound, SymbolicTensor) and bound.kind != "shape" and not bound.foldable
    ):
        name = getattr(bound, "name", bound)
        raise InvalidArgumentError(
            f"K.arange: the bound {name!r} gets its value only when the graph runs, so the "
            "length of the result would depend on the data, which compiled graphs cannot "
            "express; use numbers or entries of K.shape(x) as bounds, or mask a fixed-length "
            "range instead (K.arange(max_length) < n)"
        )
