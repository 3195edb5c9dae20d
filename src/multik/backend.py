"""The K front-end: the legacy Keras backend API, forwarded to the active backend's adapter.

``from multik import backend as K`` replaces ``from keras import backend as K``. Each function
is declared here once, with its Keras signature; its body asks for the active adapter (one
context-variable read) and calls the method of the same name. Inputs may be the active
backend's tensors, multik Variables, NumPy arrays, or Python numbers and lists; results are the
active backend's tensors (``eval``/``get_value`` give NumPy arrays).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multik import config
from multik.config import active_adapter as _adapter
from multik.variable import Variable

Tensor = Any

#: Functions answered by multik's configuration rather than by a backend adapter.
CONFIG_FUNCTIONS = (
    "backend",
    "epsilon",
    "set_epsilon",
    "floatx",
    "set_floatx",
    "image_data_format",
    "set_image_data_format",
    "cast_to_floatx",
)

__all__ = [
    *CONFIG_FUNCTIONS,
    "Variable",
    "batch_dot",
    "batch_gather",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "constant",
    "cumprod",
    "cumsum",
    "dot",
    "dtype",
    "elu",
    "eval",
    "expand_dims",
    "eye",
    "get_value",
    "hard_sigmoid",
    "int_shape",
    "max",
    "mean",
    "min",
    "ndim",
    "one_hot",
    "ones",
    "ones_like",
    "permute_dimensions",
    "prod",
    "relu",
    "reshape",
    "shape",
    "sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "square",
    "squeeze",
    "sum",
    "tanh",
    "temporal_padding",
    "transpose",
    "variable",
    "zeros",
    "zeros_like",
]


# --------------------------------------------------------------------------- configuration


def backend() -> str:
    """The name of the active backend: 'numpy', 'tensorflow', 'torch' or 'jax'."""
    return _adapter().name


def epsilon() -> float:
    """The fuzz factor the losses clip with (1e-7 unless configured)."""
    return config.epsilon()


def set_epsilon(value: float) -> None:
    """Set the fuzz factor; it must be a finite number >= 0 (ConfigError otherwise)."""
    config.set_epsilon(value)


def floatx() -> str:
    """The default float dtype, 'float32' unless configured."""
    return config.floatx()


def set_floatx(value: str) -> None:
    """Set the default float dtype: 'float16', 'float32' or 'float64' (ConfigError otherwise)."""
    config.set_floatx(value)


def image_data_format() -> str:
    """The default image data format, 'channels_last' unless configured."""
    return config.image_data_format()


def set_image_data_format(data_format: str) -> None:
    """Set the default image data format: 'channels_last' or 'channels_first'."""
    config.set_image_data_format(data_format)


def cast_to_floatx(x: Any) -> Any:
    """``x`` in floatx: a NumPy array for NumPy or Python input, a tensor for a tensor input."""
    if isinstance(x, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        from multik.dtypes import numpy_dtype

        return np.asarray(x).astype(numpy_dtype(config.floatx()))
    return _adapter().cast(x, config.floatx())


# --------------------------------------------------------------------------- creation


def variable(
    value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None
) -> Variable:
    """A multik Variable holding ``value``; ``dtype=None`` means floatx (integers become floats)."""
    return _adapter().variable(value, dtype, name, constraint)


def constant(
    value: Any, dtype: Any = None, shape: Sequence[int] | None = None, name: Any = None
) -> Tensor:
    """A tensor of ``value`` in ``dtype`` (default floatx); a single value fills ``shape``."""
    return _adapter().constant(value, dtype, shape, name)


def zeros(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of zeros of ``shape`` (dtype default floatx)."""
    return _adapter().zeros(shape, dtype, name)


def ones(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """A Variable of ones of ``shape`` (dtype default floatx)."""
    return _adapter().ones(shape, dtype, name)


def eye(size: int | Sequence[int], dtype: Any = None, name: str | None = None) -> Variable:
    """An identity-matrix Variable: ``size`` is n (n x n) or ``(n, m)`` (Keras 2.3.1)."""
    return _adapter().eye(size, dtype, name)


def zeros_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Zeros with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""
    return _adapter().zeros_like(x, dtype, name)


def ones_like(x: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """Ones with the shape of ``x``, in ``x``'s dtype unless ``dtype`` is given."""
    return _adapter().ones_like(x, dtype, name)


# --------------------------------------------------------------------------- introspection


def shape(x: Any) -> Tensor:
    """The shape of ``x`` as an int32 tensor of the active backend."""
    return _adapter().shape(x)


def int_shape(x: Any) -> tuple[int | None, ...]:
    """The shape of ``x`` as a tuple of ints."""
    return _adapter().int_shape(x)


def ndim(x: Any) -> int:
    """The rank (number of axes) of ``x``."""
    return _adapter().ndim(x)


def dtype(x: Any) -> str:
    """The Keras dtype name of ``x``, e.g. 'float32'."""
    return _adapter().dtype(x)


def eval(x: Any) -> np.ndarray:
    """The value of ``x`` as a NumPy array."""
    return _adapter().eval(x)


def get_value(x: Any) -> np.ndarray:
    """The value of a Variable (or tensor) as a NumPy array."""
    return _adapter().get_value(x)


def cast(x: Any, dtype: Any) -> Tensor:
    """A new tensor with the values of ``x`` in ``dtype``; ``x`` is left unchanged.

    Float to integer truncates toward zero and saturates at the target's range; NaN gives 0.
    """
    return _adapter().cast(x, dtype)


# --------------------------------------------------------------------------- reductions


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (None: all; int, list or tuple; empty: none).

    bool and integers narrower than 32 bits sum in int32; int32 wraps; float16/bfloat16 sum in
    float32 and round once.
    """
    return _adapter().sum(x, axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``, with the accumulator dtypes of ``sum``."""
    return _adapter().prod(x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Maximum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    return _adapter().max(x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Minimum over ``axis``; NaN propagates; an empty reduction raises ShapeError."""
    return _adapter().min(x, axis, keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``; integer and bool inputs give floatx (Keras would truncate)."""
    return _adapter().mean(x, axis, keepdims)


def cumsum(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative sum along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    return _adapter().cumsum(x, axis)


def cumprod(x: Any, axis: int | None = 0) -> Tensor:
    """Cumulative product along ``axis`` (default 0; None flattens first), dtypes as ``sum``."""
    return _adapter().cumprod(x, axis)


# --------------------------------------------------------------------------- linear algebra


def dot(x: Any, y: Any) -> Tensor:
    """``np.dot``: contracts the last axis of ``x`` with the next-to-last of ``y``; 1-D is fine."""
    return _adapter().dot(x, y)


def batch_dot(x: Any, y: Any, axes: Any = None) -> Tensor:
    """Batch-wise dot product (the tf_keras algorithm); a rank-1 result comes back as (batch, 1)."""
    return _adapter().batch_dot(x, y, axes)


def transpose(x: Any) -> Tensor:
    """``x`` with all its axes reversed."""
    return _adapter().transpose(x)


# --------------------------------------------------------------------------- shapes & indexing


def reshape(x: Any, shape: Any) -> Tensor:
    """``x`` in C order with ``shape``; one ``-1`` is inferred."""
    return _adapter().reshape(x, shape)


def permute_dimensions(x: Any, pattern: Sequence[int]) -> Tensor:
    """``x`` with its axes in the order ``pattern`` (a full permutation)."""
    return _adapter().permute_dimensions(x, pattern)


def expand_dims(x: Any, axis: int = -1) -> Tensor:
    """``x`` with a new size-1 axis at ``axis`` (default: last)."""
    return _adapter().expand_dims(x, axis)


def squeeze(x: Any, axis: int) -> Tensor:
    """``x`` without ``axis``, which must have size 1 (ShapeError otherwise, on every backend)."""
    return _adapter().squeeze(x, axis)


def temporal_padding(x: Any, padding: Sequence[int] = (1, 1)) -> Tensor:
    """A 3-D tensor zero-padded on axis 1 by ``(left, right)``."""
    return _adapter().temporal_padding(x, padding)


def one_hot(indices: Any, num_classes: int) -> Tensor:
    """float32 one-hot encoding with a new last axis; out-of-range indices give all-zero rows."""
    return _adapter().one_hot(indices, num_classes)


def batch_gather(reference: Any, indices: Any) -> Tensor:
    """TensorFlow's ``batch_gather``: the leading ``rank(indices) - 1`` axes are batch axes.

    With 1-D indices it is a plain gather along axis 0: ``batch_gather([1, 2, 3], [2])`` is [3].
    """
    return _adapter().batch_gather(reference, indices)


# --------------------------------------------------------------------------- element-wise math


def square(x: Any) -> Tensor:
    """``x * x``, element-wise, in ``x``'s dtype (integers wrap like any product)."""
    return _adapter().square(x)


# --------------------------------------------------------------------------- activations


def relu(
    x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """``x`` above ``threshold`` (at most ``max_value``), else ``alpha*(x-threshold)``."""
    return _adapter().relu(x, alpha, max_value, threshold)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (computed with expm1)."""
    return _adapter().elu(x, alpha)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax over ``axis`` (1-D allowed); an inf or NaN in a row makes the row NaN."""
    return _adapter().softmax(x, axis)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow."""
    return _adapter().softplus(x)


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``."""
    return _adapter().softsign(x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return _adapter().sigmoid(x)


def hard_sigmoid(x: Any) -> Tensor:
    """Keras 2's ``clip(0.2 * x + 0.5, 0, 1)`` (not the x/6 + 0.5 of PyTorch and JAX)."""
    return _adapter().hard_sigmoid(x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    return _adapter().tanh(x)


# --------------------------------------------------------------------------- losses


def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy over ``axis``: ``output`` is renormalised and clipped to [eps, 1 - eps].

    No hidden logits shortcut: an ``output`` from ``K.softmax`` is treated as probabilities.
    """
    return _adapter().categorical_crossentropy(target, output, from_logits, axis)


def sparse_categorical_crossentropy(
    target: Any,
    output: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> Tensor:
    """Cross-entropy with integer labels ``target``; labels equal to ``ignore_class`` give 0."""
    return _adapter().sparse_categorical_crossentropy(
        target, output, from_logits, axis, ignore_class
    )


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (tf_keras 2.21's formula: ``bce(1, 0) = 15.424949``)."""
    return _adapter().binary_crossentropy(target, output, from_logits)
