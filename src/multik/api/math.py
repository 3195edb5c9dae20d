"""K functions of families E, F and G: linear algebra, reductions, element-wise math."""

from __future__ import annotations

from typing import Any

from multik import config as _config
from multik.api._forward import forward
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "abs",
    "all",
    "any",
    "argmax",
    "argmin",
    "batch_dot",
    "clip",
    "cos",
    "cumprod",
    "cumsum",
    "dot",
    "equal",
    "exp",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "log",
    "logsumexp",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "not_equal",
    "pow",
    "prod",
    "round",
    "sign",
    "sin",
    "sqrt",
    "square",
    "std",
    "sum",
    "transpose",
    "var",
]


@forward
def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (None: all; int, list or tuple; empty: none).

    bool and integers narrower than 32 bits sum in int32; int32 wraps; float16/bfloat16 sum in
    float32 and round once.
    """


@forward
def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``, with the accumulator dtypes of ``sum``."""


@forward
def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; NaN propagates.

    An empty reduction gives -inf for floats, the dtype's smallest value for integers and False
    for bool (as tf_keras does), e.g. ``K.max(K.zeros((0, 3)), axis=0)`` is ``[-inf, -inf, -inf]``.
    """


@forward
def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; NaN propagates.

    An empty reduction gives +inf for floats, the dtype's largest value for integers and True for
    bool (as tf_keras does).
    """


@forward
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``; integer and bool inputs give floatx (Keras would truncate)."""


@forward
def cumsum(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative sum along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""


@forward
def cumprod(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative product along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""


@forward
def dot(x: Any, y: Any) -> Tensor:
    """``np.dot``: contracts the last axis of ``x`` with the next-to-last of ``y``; 1-D is fine."""


def batch_dot(x: Any, y: Any, axes: Any = None) -> Tensor:
    """Batch-wise dot product (the tf_keras algorithm); a rank-1 result comes back as (batch, 1).

    ``multik.set_batch_dot_rules("2.2.4")`` (or ``"batch_dot_rules": "2.2.4"`` in keras.json)
    switches to the different rules of Keras 2.2.4 and earlier; see docs/batch_dot.md.
    """
    try:
        return _adapter().batch_dot(x, y, axes)
    except SymbolicInput:
        return _symbolic(_batch_dot, x, y, axes, _config.batch_dot_rules())


def _batch_dot(x: Any, y: Any, axes: Any, rules: str) -> Tensor:
    """batch_dot with the rules in force when its graph node was built."""
    return _adapter().batch_dot_by_rules(x, y, axes, rules)


@forward
def transpose(x: Any) -> Tensor:
    """``x`` with all its axes reversed."""


@forward
def square(x: Any) -> Tensor:
    """``x * x``, element-wise, in ``x``'s dtype (integers wrap like any product)."""


@forward
def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Population variance (ddof 0) over ``axis``; integer and bool inputs give floatx,
    float16/bfloat16 compute in float32.
    """


@forward
def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation (ddof 0, the square root of ``var``) over ``axis``."""


@forward
def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Whether any element over ``axis`` is nonzero (NaN counts); any dtype, a bool result.

    An empty reduction gives False.
    """


@forward
def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Whether every element over ``axis`` is nonzero (NaN counts); any dtype, a bool result.

    An empty reduction gives True.
    """


@forward
def argmax(x: Any, axis: int = -1) -> Tensor:
    """Index (int32) of the first maximum along one ``axis`` (default -1, the last).

    A NaN counts as the maximum, so the first NaN wins; an empty axis raises ShapeError.
    """


@forward
def argmin(x: Any, axis: int = -1) -> Tensor:
    """Index (int32) of the first minimum along one ``axis`` (default -1, the last).

    A NaN counts as the minimum, so the first NaN wins; an empty axis raises ShapeError.
    """


@forward
def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed stably (shifted by the maximum).

    A +inf gives +inf, a slice of only -inf (or an empty one) gives -inf, NaN propagates; float
    inputs only (Keras 2.3.1's function, which tf_keras no longer exports).
    """


@forward
def abs(x: Any) -> Tensor:
    """Absolute value, in ``x``'s dtype (integers wrap: abs(int8 -128) is -128; not bool)."""


@forward
def sqrt(x: Any) -> Tensor:
    """Square root of float ``x``; negatives are clipped to 0 first, so sqrt(-1) is 0, not NaN."""


@forward
def exp(x: Any) -> Tensor:
    """Exponential of float ``x`` (integers raise DTypeError, as in tf_keras)."""


@forward
def log(x: Any) -> Tensor:
    """Natural logarithm of float ``x``: log(0) is -inf, log of a negative is NaN."""


@forward
def round(x: Any) -> Tensor:
    """Round to the nearest integer, ties to even (0.5 -> 0, 1.5 -> 2, -2.5 -> -2); same dtype."""


@forward
def sign(x: Any) -> Tensor:
    """-1, 0 or 1 by the sign of ``x``, in its dtype; NaN stays NaN."""


@forward
def pow(x: Any, a: Any) -> Tensor:
    """``x`` to the power ``a`` (a number or a tensor), as tf.pow.

    A negative base with a fractional exponent gives NaN; an integer base with a negative
    integer exponent raises InvalidArgumentError (cast the base to a float first). A Python
    float exponent makes an integer ``x`` floatx.
    """


@forward
def clip(x: Any, min_value: Any = None, max_value: Any = None) -> Tensor:
    """Element-wise clip of ``x`` to [min_value, max_value], in ``x``'s dtype.

    None means no bound; the bounds may be tensors that broadcast to ``x``'s shape. When both
    are numbers and max_value < min_value, max_value becomes min_value. Integer ``x`` needs
    whole-number bounds. NaN stays NaN.
    """


@forward
def sin(x: Any) -> Tensor:
    """Sine of float ``x``."""


@forward
def cos(x: Any) -> Tensor:
    """Cosine of float ``x``."""


@forward
def equal(x: Any, y: Any) -> Tensor:
    """Element-wise ``x == y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def not_equal(x: Any, y: Any) -> Tensor:
    """Element-wise ``x != y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def greater(x: Any, y: Any) -> Tensor:
    """Element-wise ``x > y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def greater_equal(x: Any, y: Any) -> Tensor:
    """Element-wise ``x >= y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def less(x: Any, y: Any) -> Tensor:
    """Element-wise ``x < y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def less_equal(x: Any, y: Any) -> Tensor:
    """Element-wise ``x <= y`` as a bool tensor (broadcasting; operands promoted first)."""


@forward
def maximum(x: Any, y: Any) -> Tensor:
    """Element-wise maximum (broadcasting; operands promoted first); NaN propagates."""


@forward
def minimum(x: Any, y: Any) -> Tensor:
    """Element-wise minimum (broadcasting; operands promoted first); NaN propagates."""
