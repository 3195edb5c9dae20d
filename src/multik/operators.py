"""Python's operators, written once for everything that stands for a tensor but is not one.

``Variable`` and the symbolic ``SymbolicTensor`` both take part in arithmetic, comparisons and
indexing exactly as the active backend's tensors do; each implements ``_apply(op, x, y)`` and
inherits the operator methods from ``TensorOperators``. ``op`` is a binary op name of the
adapters (``add``, ``less``, ...), ``divide`` (true division), ``matmul``, ``negative``, ``abs``
(``y`` is None) or ``getitem`` (``y`` is the key).

This module sits below the adapters and the symbolic layer, so neither needs the other to
recognise the other's objects: ``Deferred`` marks a value that exists only when a graph runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Deferred", "TensorOperators", "defer_operator", "register_deferred_operator"]


def _binary(op: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    def forward(self: TensorOperators, other: object) -> Any:
        return self._apply(op, self, other)

    def reflected(self: TensorOperators, other: object) -> Any:
        return self._apply(op, other, self)

    forward.__name__, reflected.__name__ = f"__{op}__", f"__r{op}__"
    return forward, reflected


class TensorOperators:
    """The operator methods of a tensor-like object; subclasses implement ``_apply``."""

    __array_priority__ = 100
    #: NumPy's operators defer to ours (``np_array * variable`` calls ``__rmul__``), so the
    #: promotion of a reflected operator is exactly that of the forward one.
    __array_ufunc__ = None

    def _apply(self, op: str, x: object, y: object) -> Any:
        raise NotImplementedError

    __add__, __radd__ = _binary("add")
    __sub__, __rsub__ = _binary("subtract")
    __mul__, __rmul__ = _binary("multiply")
    __truediv__, __rtruediv__ = _binary("divide")
    __pow__, __rpow__ = _binary("power")
    __matmul__, __rmatmul__ = _binary("matmul")
    __lt__ = _binary("less")[0]
    __le__ = _binary("less_equal")[0]
    __gt__ = _binary("greater")[0]
    __ge__ = _binary("greater_equal")[0]

    def __neg__(self) -> Any:
        return self._apply("negative", self, None)

    def __abs__(self) -> Any:
        return self._apply("abs", self, None)

    def __getitem__(self, key: Any) -> Any:
        return self._apply("getitem", self, key)

    __hash__ = object.__hash__


class Deferred(TensorOperators):
    """A tensor that has no value until a graph runs (the symbolic layer's tensors)."""


_deferred_operator: Callable[[str, object, object], Any] | None = None


def register_deferred_operator(build: Callable[[str, object, object], Any]) -> None:
    """Called once by the symbolic layer: ``build(op, x, y)`` makes the graph node for an
    operator that cannot run now (a symbolic operand, or a Variable read in graph mode)."""
    global _deferred_operator
    _deferred_operator = build


def defer_operator(op: str, x: object, y: object) -> Any:
    """The graph node for ``x op y`` (the symbolic layer is loaded whenever one is needed:
    symbolic operands and graph mode exist only after ``multik.symbolic`` is imported)."""
    assert _deferred_operator is not None, "multik.symbolic registers itself on import"
    return _deferred_operator(op, x, y)
