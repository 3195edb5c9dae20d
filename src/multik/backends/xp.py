"""A small NumPy-named facade over the primitives, so that shared formulas read like the maths.

Inside a formula, ``xp = self.xp`` and ``t, o = xp(target), xp(output)`` wrap native tensors in
``Term``s: Python operators on Terms apply multik's promotion rule (Python numbers are weak, so
``1 - t`` keeps ``t``'s dtype), and ``xp.log``, ``xp.where``, ``xp.clip``... call the primitives::

    bce = -(t * xp.log(o + eps) + (1 - t) * xp.log(1 - o + eps))
    return bce.value

A Term is only a name for a native tensor of one adapter: nothing is validated again, so the
formula must already hold tensors of the right dtypes and shapes. The functions accept Terms,
native tensors and Python numbers alike and return Terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from multik import config, dtypes
from multik.operators import TensorOperators

if TYPE_CHECKING:
    from multik.backends.conversion import Conversion

__all__ = ["Namespace", "Term"]


class Term(TensorOperators):
    """A native tensor in a formula; ``.value`` is the tensor."""

    __slots__ = ("adapter", "value")

    def __init__(self, adapter: Conversion, value: Any) -> None:
        self.adapter = adapter
        self.value = value

    @property
    def dtype(self) -> str:
        return self.adapter._dtype(self.value)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.adapter._shape(self.value)

    def _apply(self, op: str, x: object, y: object) -> Term:
        adapter = self.adapter
        x, y = _native(x), _native(y)
        if op in ("negative", "abs"):
            return Term(adapter, adapter._unary(op, x))
        if op == "getitem":
            return Term(adapter, x[y])
        return Term(adapter, adapter._operator(op, x, y))

    def __repr__(self) -> str:
        return f"Term({self.value!r})"


def _native(x: object) -> Any:
    return x.value if isinstance(x, Term) else x


class Namespace:
    """NumPy-named functions of one adapter's native tensors (see the module docstring)."""

    def __init__(self, adapter: Conversion) -> None:
        self._adapter = adapter

    def __call__(self, x: object) -> Term:
        """``x`` (a native tensor or Term) as a Term."""
        return x if isinstance(x, Term) else Term(self._adapter, x)

    def _unary(self, op: str, x: object) -> Term:
        return Term(self._adapter, self._adapter._unary(op, _native(x)))

    def exp(self, x: object) -> Term:
        return self._unary("exp", x)

    def expm1(self, x: object) -> Term:
        return self._unary("expm1", x)

    def log(self, x: object) -> Term:
        return self._unary("log", x)

    def log1p(self, x: object) -> Term:
        return self._unary("log1p", x)

    def sqrt(self, x: object) -> Term:
        return self._unary("sqrt", x)

    def square(self, x: object) -> Term:
        return self._unary("square", x)

    def abs(self, x: object) -> Term:
        return self._unary("abs", x)

    def sign(self, x: object) -> Term:
        return self._unary("sign", x)

    def tanh(self, x: object) -> Term:
        return self._unary("tanh", x)

    def sigmoid(self, x: object) -> Term:
        return self._unary("sigmoid", x)

    def softplus(self, x: object) -> Term:
        return self._unary("softplus", x)

    def isnan(self, x: object) -> Term:
        return self._unary("isnan", x)

    def maximum(self, x: object, y: object) -> Term:
        return Term(self._adapter, self._adapter._op("maximum", _native(x), _native(y)))

    def minimum(self, x: object, y: object) -> Term:
        return Term(self._adapter, self._adapter._op("minimum", _native(x), _native(y)))

    def clip(self, x: object, lo: object, hi: object) -> Term:
        """``x`` clipped to [lo, hi] (NaN stays NaN)."""
        return self.maximum(self.minimum(x, hi), lo)

    def where(self, condition: object, x: object, y: object) -> Term:
        """``x`` where the bool ``condition`` holds, else ``y``, promoted to one dtype."""
        adapter = self._adapter
        x, y = _native(x), _native(y)
        if not isinstance(x, (int, float)):
            x = adapter.tensor(x)
        if not isinstance(y, (int, float)):
            y = adapter.tensor(y)
        dtype = _result_dtype(adapter, x, y)
        x, y = _typed(adapter, x, dtype), _typed(adapter, y, dtype)
        return Term(adapter, adapter._where(_native(condition), x, y))

    def sum(self, x: object, axes: tuple[int, ...] | None = None, keepdims: bool = False) -> Term:
        """Sum over normalised ``axes`` (None: all) in ``x``'s dtype."""
        return Term(self._adapter, self._adapter._sum(_native(x), axes, keepdims))

    def max(self, x: object, axes: tuple[int, ...] | None = None, keepdims: bool = False) -> Term:
        """Maximum over normalised, non-empty ``axes`` (None: all)."""
        return Term(self._adapter, self._adapter._max(_native(x), axes, keepdims))

    def min(self, x: object, axes: tuple[int, ...] | None = None, keepdims: bool = False) -> Term:
        """Minimum over normalised, non-empty ``axes`` (None: all)."""
        return Term(self._adapter, self._adapter._min(_native(x), axes, keepdims))

    def astype(self, x: object, dtype: str) -> Term:
        """``x`` in ``dtype`` (the framework's plain cast; values must be in range)."""
        return Term(self._adapter, self._adapter._as(_native(x), dtype))

    def logical_and(self, x: object, y: object) -> Term:
        """Element-wise AND of two bool tensors."""
        return Term(self._adapter, self._adapter._binary("logical_and", _native(x), _native(y)))

    def isfinite(self, x: object) -> Term:
        """Whether each element is neither infinite nor NaN (always true for integers)."""
        adapter = self._adapter
        x = _native(x)
        if not dtypes.is_float(adapter._dtype(x)):
            return Term(adapter, adapter._full(adapter._shape(x), True, "bool"))
        return Term(adapter, adapter._op("less", adapter._unary("abs", x), float("inf")))

    def all(self, x: object, axes: tuple[int, ...] | None = None, keepdims: bool = False) -> Term:
        """Whether every element of the bool ``x`` over non-empty ``axes`` (None: all) holds."""
        return self.min(x, axes, keepdims)

    def asarray(self, array: Any) -> Term:
        """A NumPy array (a constant of the formula) as a tensor, with its dtype."""
        return Term(self._adapter, self._adapter._from_numpy(array))

    def equal(self, x: object, y: object) -> Term:
        return Term(self._adapter, self._adapter._op("equal", _native(x), _native(y)))

    def not_equal(self, x: object, y: object) -> Term:
        return Term(self._adapter, self._adapter._op("not_equal", _native(x), _native(y)))

    def logical_or(self, x: object, y: object) -> Term:
        return Term(self._adapter, self._adapter._binary("logical_or", _native(x), _native(y)))

    def take(self, x: object, indices: object, axis: int) -> Term:
        """Slices of ``x`` along non-negative ``axis`` at in-range integer ``indices``."""
        return Term(self._adapter, self._adapter._take(_native(x), _native(indices), axis))

    def reshape(self, x: object, shape: tuple[int, ...]) -> Term:
        """``x`` in C order with the concrete ``shape`` (no -1)."""
        return Term(self._adapter, self._adapter._reshape(_native(x), shape))

    def transpose(self, x: object, perm: tuple[int, ...]) -> Term:
        return Term(self._adapter, self._adapter._transpose(_native(x), perm))

    def expand_dims(self, x: object, axis: int) -> Term:
        """``x`` with a new size-1 axis at non-negative position ``axis``."""
        return Term(self._adapter, self._adapter._expand_dims(_native(x), axis))

    def squeeze(self, x: object, axis: int) -> Term:
        return Term(self._adapter, self._adapter._squeeze(_native(x), axis))

    def stop_gradient(self, x: object) -> Term:
        """``x``, a constant for automatic differentiation."""
        return Term(self._adapter, self._adapter._stop_gradient(_native(x)))


def _result_dtype(adapter: Conversion, x: Any, y: Any) -> str:
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return config.floatx() if isinstance(x, float) or isinstance(y, float) else "int32"
    if isinstance(x, (int, float)):
        return dtypes.result_type(None, adapter._dtype(y), x, config.floatx())
    if isinstance(y, (int, float)):
        return dtypes.result_type(adapter._dtype(x), None, y, config.floatx())
    return dtypes.result_type(adapter._dtype(x), adapter._dtype(y))


def _typed(adapter: Conversion, x: Any, dtype: str) -> Any:
    if isinstance(x, (int, float)):
        return adapter._weak_scalar(x, dtype)
    return adapter._as(x, dtype)
