"""The TensorFlow adapter's fast paths: the common case of a K function in one guard and the op
the shared formula makes, called through TensorFlow's generated op wrappers.

``tf.*`` runs Python layers (dispatch, argument conversion, error rewriting) before the kernel;
the generated wrappers (``gen_math_ops``, ``gen_nn_ops``) call the same kernels for a third of
the cost per eager call. A fast path takes eager tensors (not Variables, not graph tensors) of
float32 or float64 and default arguments; anything else, and any call the op refuses, takes the
shared formula (``super()``); ``conformance/test_fast_path.py`` checks both give the same
results.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import tensorflow as tf
from tensorflow.python.ops import gen_math_ops, gen_nn_ops

from multik import config

__all__ = ["EagerTensor", "TensorFlowFastPaths"]

with tf.init_scope():  # an eager tensor's class, also when the adapter loads while a graph traces
    EagerTensor = type(tf.constant(0))
#: The dtypes the fast paths take, by TensorFlow's dtype enum: ``x._datatype_enum()`` is the C
#: call behind ``x.dtype`` (a Python property that costs twice as much in TF 2.21).
_FLOATS = {dtype.as_datatype_enum: dtype for dtype in (tf.float32, tf.float64)}
_INDICES = {dtype.as_datatype_enum: dtype for dtype in (tf.int32, tf.int64)}
_FAST_OPERATORS = {
    "add": gen_math_ops.add_v2,
    "subtract": gen_math_ops.sub,
    "multiply": gen_math_ops.mul,
    "divide": gen_math_ops.real_div,
}


@functools.lru_cache(maxsize=64)
def _all_axes(rank: int) -> tf.Tensor:
    """The axes of a tensor of ``rank`` as an int32 constant, made once, eagerly: converting a
    Python tuple costs more than a small reduction."""
    with tf.init_scope():
        return tf.constant(tuple(range(rank)), tf.int32)


#: By id of a float dtype (TF interns them; hashing a DType costs ~0.5 µs): whether its softmax
#: kernels give the all-NaN rows of the shared formula (see ``_softmax_keeps_nan_rows``).
_NAN_ROWS_BY_ID: dict[int, bool] = {}
#: Rows that the shared formula makes all NaN: one holding +inf, one of -inf only, NaN first or
#: later.
_NAN_ROWS = [
    [np.inf, 0.0, 1.0],
    [-np.inf, -np.inf, -np.inf],
    [np.nan, 0.0, 1.0],
    [0.0, np.nan, 1.0],
]


def _softmax_keeps_nan_rows(dtype: tf.DType) -> bool:
    """Whether TensorFlow's softmax kernels for ``dtype`` give an all-NaN row for every row the
    shared formula makes NaN, on every device, as Eigen's kernel does (oneDNN's, on with
    TF_ENABLE_ONEDNN_OPTS=1 and by default on some Intel CPUs, gives [nan, 0, 0] for a row
    holding +inf); found once per dtype by trying it."""
    keeps = _NAN_ROWS_BY_ID.get(id(dtype))
    if keeps is None:
        with tf.init_scope():
            rows = []
            for device in tf.config.list_logical_devices():
                with tf.device(device.name):
                    rows.append(gen_nn_ops.softmax(tf.constant(_NAN_ROWS, dtype)))
            keeps = _NAN_ROWS_BY_ID[id(dtype)] = all(np.isnan(r.numpy()).all() for r in rows)
    return keeps


class TensorFlowFastPaths:
    """Overrides of K functions whose common case is one TensorFlow op; a mixin placed before
    the shared formulas, which ``super()`` reaches."""

    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        if (
            x.__class__ is EagerTensor
            and axis is None
            and not keepdims
            and x._datatype_enum() in _FLOATS
        ):
            return gen_math_ops._sum(x, _all_axes(x.ndim), False)
        return super().sum(x, axis, keepdims)

    def square(self, x: Any) -> Any:
        if x.__class__ is EagerTensor and x._datatype_enum() in _FLOATS:
            return gen_math_ops.square(x)
        return super().square(x)

    def relu(
        self, x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
    ) -> Any:
        if (
            x.__class__ is EagerTensor
            and alpha == 0
            and max_value is None
            and threshold == 0
            and x._datatype_enum() in _FLOATS
        ):
            return gen_nn_ops.relu(x)
        return super().relu(x, alpha, max_value, threshold)

    def sigmoid(self, x: Any) -> Any:
        if x.__class__ is EagerTensor and x._datatype_enum() in _FLOATS:
            return gen_math_ops.sigmoid(x)
        return super().sigmoid(x)

    def tanh(self, x: Any) -> Any:
        if x.__class__ is EagerTensor and x._datatype_enum() in _FLOATS:
            return gen_math_ops.tanh(x)
        return super().tanh(x)

    def softmax(self, x: Any, axis: int = -1) -> Any:
        if (
            x.__class__ is EagerTensor
            and axis == -1
            and (dtype := _FLOATS.get(x._datatype_enum())) is not None
            and x.ndim
            and _softmax_keeps_nan_rows(dtype)
        ):
            return gen_nn_ops.softmax(x)
        return super().softmax(x, axis)

    def dot(self, x: Any, y: Any) -> Any:
        if (
            x.__class__ is EagerTensor
            and y.__class__ is EagerTensor
            and (dtype := _FLOATS.get(x._datatype_enum())) is not None
            and _FLOATS.get(y._datatype_enum()) is dtype
            and x.ndim == 2
            and y.ndim == 2
        ):
            try:
                return gen_math_ops.mat_mul(x, y)
            except tf.errors.InvalidArgumentError:
                pass  # the shared formula raises the multik error
        return super().dot(x, y)

    def batch_dot(self, x: Any, y: Any, axes: Any = None) -> Any:
        if (
            x.__class__ is EagerTensor
            and y.__class__ is EagerTensor
            and axes is None
            and (dtype := _FLOATS.get(x._datatype_enum())) is not None
            and _FLOATS.get(y._datatype_enum()) is dtype
            and (xs := x.shape).rank == 3
            and (ys := y.shape).rank == 3
            and xs[0] == ys[0]
            and config.batch_dot_rules() == "2.3"
        ):
            try:
                return gen_math_ops.batch_mat_mul_v3(x, y, dtype)
            except tf.errors.InvalidArgumentError:
                pass
        return super().batch_dot(x, y, axes)

    def one_hot(self, indices: Any, num_classes: int) -> Any:
        if (
            indices.__class__ is EagerTensor
            and _INDICES.get(indices._datatype_enum()) is not None
            and num_classes.__class__ is int
            and num_classes > 0
        ):
            return self._one_hot(indices, num_classes)
        return super().one_hot(indices, num_classes)

    def _operator(self, op: str, x: Any, y: Any) -> Any:
        if (
            x.__class__ is EagerTensor
            and y.__class__ is EagerTensor
            and (fn := _FAST_OPERATORS.get(op)) is not None
            and (dtype := _FLOATS.get(x._datatype_enum())) is not None
            and _FLOATS.get(y._datatype_enum()) is dtype
        ):
            try:
                return fn(x, y)
            except tf.errors.InvalidArgumentError:
                pass
        return super()._operator(op, x, y)
