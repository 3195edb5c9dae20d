"""The NumPy adapter: the primitives of ``Adapter`` on NumPy arrays (no compiler; gradients with
the optional autograd package, in ``multik.backends.numpy_autodiff``)."""

from __future__ import annotations

import importlib.util

import numpy as np

from multik import dtypes
from multik.backends.adapter import Adapter
from multik.errors import UnsupportedError
from multik.variable import Variable

_BINARY = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.true_divide,
    "power": np.power,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of a negative argument only, so it never overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


_UNARY = {
    "negative": np.negative,
    "abs": np.abs,
    "sign": np.sign,
    "exp": np.exp,
    "expm1": np.expm1,
    "log": np.log,
    "log1p": np.log1p,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "softplus": lambda x: np.logaddexp(np.zeros((), x.dtype), x),
    "relu": lambda x: np.maximum(x, 0),
    "square": np.square,
    "isnan": np.isnan,
    "logical_not": np.logical_not,
}


def _native(dtype: np.dtype) -> np.dtype:
    """``dtype`` in the machine's byte order: NumPy's reductions refuse ``dtype=">i4"``."""
    return dtype if dtype.isnative else dtype.newbyteorder("=")


def _array(value: np.ndarray | np.generic) -> np.ndarray:
    """A full reduction gives a NumPy scalar; K results are always arrays."""
    return value if value.__class__ is np.ndarray else np.asarray(value)


class NumpyAdapter(Adapter):
    """NumPy arrays; bfloat16 through ml_dtypes; 64-bit types are native."""

    name = "numpy"
    native_types = (np.ndarray,)

    def devices(self):
        return ["cpu"]

    def _from_numpy(self, array):
        return array.copy()  # a result never shares memory with the caller's array

    def _to_numpy(self, x):
        return np.array(x)  # a copy: the caller may write to it

    def _shape(self, x):
        return x.shape

    def _dtype(self, x):
        return dtypes.name_of(x.dtype)

    def _is_concrete(self, x):
        return True

    def _new_variable(self, x, name):
        return np.array(x, copy=True)

    def _assign(self, storage, x):
        return np.array(x, copy=True)

    def _full(self, shape, value, dtype):
        return np.full(shape, value, dtype=dtypes.numpy_dtype(dtype))

    def _eye(self, rows, columns, dtype):
        return np.eye(rows, columns, dtype=dtypes.numpy_dtype(dtype))

    def _arange(self, stop, dtype):
        return np.arange(stop, dtype=dtypes.numpy_dtype(dtype))

    def _cast(self, x, dtype):
        if x.dtype == np.float64 and dtype in ("float16", "bfloat16"):
            x = x.astype(np.float32)  # round through float32, as every other framework does
        with np.errstate(invalid="ignore", over="ignore"):
            return x.astype(dtypes.numpy_dtype(dtype))

    def _sum(self, x, axes, keepdims):
        return _array(np.add.reduce(x, axis=axes, dtype=_native(x.dtype), keepdims=keepdims))

    def _prod(self, x, axes, keepdims):
        return _array(np.multiply.reduce(x, axis=axes, dtype=_native(x.dtype), keepdims=keepdims))

    def _max(self, x, axes, keepdims):
        return _array(np.maximum.reduce(x, axis=axes, keepdims=keepdims))

    def _min(self, x, axes, keepdims):
        return _array(np.minimum.reduce(x, axis=axes, keepdims=keepdims))

    def _cumsum(self, x, axis):
        return np.cumsum(x, axis=axis, dtype=_native(x.dtype))

    def _cumprod(self, x, axis):
        return np.cumprod(x, axis=axis, dtype=_native(x.dtype))

    def _reshape(self, x, shape):
        return np.reshape(x, shape)

    def _transpose(self, x, perm):
        return np.transpose(x, perm)

    def _expand_dims(self, x, axis):
        return np.expand_dims(x, axis)

    def _squeeze(self, x, axis):
        return np.squeeze(x, axis)

    def _pad(self, x, pads):
        return np.pad(x, pads)

    def _take(self, x, indices, axis):
        return np.take(x, indices, axis=axis)

    def _tensordot(self, x, y, x_axis, y_axis):
        if x_axis == x.ndim - 1 and y_axis == max(y.ndim - 2, 0):
            return _array(np.dot(x, y))  # the same contraction, without tensordot's Python
        return _array(np.tensordot(x, y, axes=([x_axis], [y_axis])))

    def _matmul(self, x, y):
        return np.matmul(x, y)

    def _binary(self, op, x, y):
        return _array(_BINARY[op](x, y))

    def _unary(self, op, x):
        return _array(_UNARY[op](x))

    def _where(self, condition, x, y):
        return np.where(condition, x, y)

    def _unshared(self, result, source):
        storage = source.value if isinstance(source, Variable) else source
        if isinstance(storage, np.ndarray) and np.may_share_memory(result, storage):
            return result.copy()
        return result

    def _stop_gradient(self, x):
        return x

    def _require_autodiff(self):
        if importlib.util.find_spec("autograd") is None:
            raise UnsupportedError(
                "K.gradients on the numpy backend needs the autograd package, which is not "
                'installed: pip install "multik[autodiff]" (or use the tensorflow, torch or '
                "jax backend)"
            )

    def _gradients(self, fn, values, nested):
        from multik.backends.numpy_autodiff import gradients  # autograd, imported when needed

        return gradients(fn, values, nested)

    def _compile(self, fn):
        return fn

    def _clip_scalars(self, x, lo, hi):
        return _array(np.clip(x, lo, hi))

    def _softmax(self, x, axes):
        if x.size == 0:
            return x
        # The shared formula, computed in place: two temporaries fewer on large inputs.
        out = _array(np.subtract(x, np.max(x, axis=axes, keepdims=True)))
        np.exp(out, out=out)
        out /= np.sum(out, axis=axes, keepdims=True)
        return out
