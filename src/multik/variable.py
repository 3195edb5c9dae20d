"""``multik.Variable``: the value returned by ``K.variable`` on every backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from multik.dtypes import DTypeName, dtype_name
from multik.errors import ShapeError, SymbolicInput
from multik.operators import TensorOperators, defer_operator

if TYPE_CHECKING:
    from multik.backends.adapter import Adapter

__all__ = ["Variable"]

_counter = 0


def _default_name() -> str:
    global _counter
    _counter += 1
    return f"variable_{_counter}"


class Variable(TensorOperators):
    """A named, mutable tensor of one backend: ``.value`` is the framework's own storage.

    Arithmetic operators work as on tensors and return native tensors of the same backend.
    """

    def __init__(
        self, adapter: Adapter, storage: Any, name: str | None = None, constraint: Any = None
    ) -> None:
        self._adapter = adapter
        self._storage = storage
        self.name = name or _default_name()
        self.constraint = constraint
        self._shape = adapter._shape(storage)
        self._dtype = adapter._dtype(storage)

    @property
    def backend(self) -> str:
        """The backend this variable belongs to."""
        return self._adapter.name

    @property
    def value(self) -> Any:
        """The framework's own storage (a ``tf.Variable``, a torch tensor, a jax or NumPy array)."""
        return self._storage

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def dtype(self) -> DTypeName:
        return dtype_name(self._dtype)

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def assign(self, value: object) -> Variable:
        """Replace the value, keeping the shape and the dtype; returns the variable."""
        self._replace(self._adapter.typed_tensor(value, self._dtype))
        return self

    def _replace(self, value: Any) -> None:
        """Store ``value``, a native tensor of this variable's backend and dtype (an update
        that a graph computed), after checking its shape."""
        adapter = self._adapter
        if adapter._shape(value) != self._shape:
            raise ShapeError(
                f"cannot assign a value of shape {adapter._shape(value)} to variable "
                f"{self.name!r} of shape {self._shape}"
            )
        self._storage = adapter._assign(self._storage, value)

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array."""
        return self._adapter._to_numpy(self._storage)

    def eval(self) -> np.ndarray:
        """The value as a NumPy array (as ``K.eval``)."""
        return self.numpy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __repr__(self) -> str:
        return (
            f"<multik.Variable {self.name!r} shape={self._shape} dtype={self._dtype} "
            f"backend={self.backend} value={np.array2string(self.numpy(), threshold=20)}>"
        )

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a scalar variable")
        return self._shape[0]

    def _apply(self, op: str, x: object, y: object) -> Any:
        """``x op y`` now, or a symbolic node reading this Variable when the graph runs (in
        graph mode, or with a symbolic operand)."""
        adapter = self._adapter
        try:
            if op == "getitem":
                return adapter.getitem(x, y)
            if op in ("negative", "abs"):
                return adapter.unary_operator(op, x)
            return adapter._operator(op, x, y)
        except SymbolicInput:
            return defer_operator(op, x, y)
