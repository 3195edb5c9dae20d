"""K functions of family L: convolution and pooling.

Cross-correlation with TensorFlow's kernel layouts, TensorFlow's 'same' padding (an odd total
pads one more element after) and layouts (``data_format`` None: ``K.image_data_format()``);
inputs are floats, and float16/bfloat16 compute in float32 and round once.
"""

from __future__ import annotations

from typing import Any

from multik.api._forward import forward

Tensor = Any

__all__ = [
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "depthwise_conv2d",
    "local_conv1d",
    "local_conv2d",
    "pool2d",
    "pool3d",
    "separable_conv1d",
    "separable_conv2d",
]


@forward
def conv1d(
    x: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """1-D cross-correlation of (batch, steps, in) with a (k, in, out) kernel.

    padding 'valid', 'same' or 'causal' (pads ``dilation_rate * (k - 1)`` steps before);
    strides > 1 together with dilation_rate > 1 raise InvalidArgumentError, as in TensorFlow.
    """


@forward
def conv2d(
    x: Any,
    kernel: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = (1, 1),
) -> Tensor:
    """2-D cross-correlation with a (kh, kw, in, out) kernel; 'same' padding splits an odd
    total with the extra row or column after, as TensorFlow does."""


@forward
def conv3d(
    x: Any,
    kernel: Any,
    strides: Any = (1, 1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = (1, 1, 1),
) -> Tensor:
    """3-D cross-correlation with a (kd, kh, kw, in, out) kernel."""


@forward
def conv2d_transpose(
    x: Any,
    kernel: Any,
    output_shape: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = (1, 1),
) -> Tensor:
    """The transpose of conv2d: kernel (kh, kw, out, in); ``output_shape`` is the full shape in
    the layout of ``data_format`` (batch first, which may be None), and must be one that a
    conv2d with these strides and padding maps back to the input's spatial size (with
    strides > 1 several sizes are)."""


@forward
def conv3d_transpose(
    x: Any,
    kernel: Any,
    output_shape: Any,
    strides: Any = (1, 1, 1),
    padding: str = "valid",
    data_format: str | None = None,
) -> Tensor:
    """The transpose of conv3d (Keras 2.3.1): kernel (kd, kh, kw, out, in), ``output_shape`` as
    in conv2d_transpose."""


@forward
def separable_conv1d(
    x: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> Tensor:
    """depthwise (k, in, multiplier) then pointwise (1, in * multiplier, out) convolution
    (Keras 2.3.1); strides, padding and dilation apply to the depthwise step."""


@forward
def separable_conv2d(
    x: Any,
    depthwise_kernel: Any,
    pointwise_kernel: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = (1, 1),
) -> Tensor:
    """depthwise (kh, kw, in, multiplier) then pointwise (1, 1, in * multiplier, out)
    convolution; strides, padding and dilation apply to the depthwise step."""


@forward
def depthwise_conv2d(
    x: Any,
    depthwise_kernel: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = (1, 1),
) -> Tensor:
    """Each input channel c convolved with its own filters: kernel (kh, kw, in, multiplier),
    output channel ``c * multiplier + m``."""


@forward
def local_conv1d(
    inputs: Any, kernel: Any, kernel_size: Any, strides: Any, data_format: str | None = None
) -> Tensor:
    """1-D convolution with unshared weights: kernel (output_length, k * in, filters), one
    (features, filters) matrix per output step ('valid' windows; features ordered (k, in) for
    channels_last, (in, k) for channels_first, as in tf_keras)."""


@forward
def local_conv2d(
    inputs: Any,
    kernel: Any,
    kernel_size: Any,
    strides: Any,
    output_shape: Any,
    data_format: str | None = None,
) -> Tensor:
    """2-D convolution with unshared weights: kernel (rows * cols, kh * kw * in, filters) for
    ``output_shape`` (rows, cols), positions in row-major order, features as in local_conv1d."""


@forward
def pool2d(
    x: Any,
    pool_size: Any,
    strides: Any = (1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    pool_mode: str = "max",
) -> Tensor:
    """2-D max or average pooling ('max' or 'avg'); with 'same' padding the padded elements
    never count: an average divides by the number of input elements in its window. NaN
    propagates through 'max' on every backend."""


@forward
def pool3d(
    x: Any,
    pool_size: Any,
    strides: Any = (1, 1, 1),
    padding: str = "valid",
    data_format: str | None = None,
    pool_mode: str = "max",
) -> Tensor:
    """3-D max or average pooling, with the rules of pool2d."""
