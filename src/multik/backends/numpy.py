"""The NumPy adapter: the primitives of ``Adapter`` on NumPy arrays (no compiler; gradients with
the optional autograd package, in ``multik.backends.numpy_autodiff``)."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from multik import config, dtypes
from multik.backends import _checks as checks
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
    # exp(min(x, 0)) / (1 + exp(-|x|)): exp of non-positive arguments only, so it never
    # overflows, computed in two buffers (the result and one temporary).
    out = _array(np.minimum(x, np.zeros((), x.dtype)))  # 0-d ufunc results are scalars
    np.exp(out, out=out)
    e = _array(np.abs(x))
    np.negative(e, out=e)
    np.exp(e, out=e)
    e += 1
    out /= e
    return out


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


_ndarray = np.ndarray
#: The dtypes the fast paths take: float math that needs no promotion and no accumulator.
#: Guards compare dtypes by identity (NumPy's native float32/float64 descriptors are
#: singletons; an equal descriptor that is another object just takes the shared formula).
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_INDEX_DTYPES = frozenset({np.dtype(np.int32), np.dtype(np.int64)})
_FAST_OPERATORS = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.true_divide,
}


def _native(dtype: np.dtype) -> np.dtype:
    """``dtype`` in the machine's byte order: NumPy's reductions refuse ``dtype=">i4"``."""
    return dtype if dtype.isnative else dtype.newbyteorder("=")


def _padded(x: np.ndarray, axes: range, pads: tuple, fill: float) -> np.ndarray:
    """``x`` padded with ``fill`` by (before, after) ``pads`` on its spatial ``axes``."""
    if not any(before or after for before, after in pads):
        return x
    widths = [(0, 0)] * x.ndim
    for axis, pair in zip(axes, pads):
        widths[axis] = pair
    return np.pad(x, widths, constant_values=fill)


def _taps(x: np.ndarray, axis: int, tap: int, count: int, step: int) -> np.ndarray:
    """The ``count`` elements of ``x`` along ``axis`` from ``tap`` on, ``step`` apart (a view)."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(tap, tap + (count - 1) * step + 1, step)
    return x[tuple(index)]


def _c_order(x: np.ndarray) -> bool:
    """Whether ``x`` sums in the order its C-ordered copy would: NumPy reduces in memory order,
    so a Fortran-ordered or transposed array rounds sums differently from the same values in
    C order (one-dimensional arrays keep their element order)."""
    return x.ndim < 2 or x.flags.c_contiguous


def _array(value: np.ndarray | np.generic) -> np.ndarray:
    """A full reduction gives a NumPy scalar; K results are always arrays."""
    return value if value.__class__ is np.ndarray else np.asarray(value)


class NumpyAdapter(Adapter):
    """NumPy arrays; bfloat16 through ml_dtypes; 64-bit types are native."""

    name = "numpy"
    native_types = (np.ndarray,)

    def tensor(self, x):
        # A multik result never depends on the caller's memory layout (the other frameworks
        # copy into C order): arrays in another order are taken in C order.
        if x.__class__ is _ndarray and not _c_order(x):
            return np.ascontiguousarray(x)
        return super().tensor(x)

    # ----------------------------------------------------------------- fast paths
    # The common case in one guard: NumPy arrays (not scalars or Variables) of a dtype that
    # needs no promotion, default arguments; the ufunc is the one the shared formula calls.
    # Anything else, and any call NumPy refuses, takes the shared formula
    # (conformance/test_fast_path.py checks both give the same results).

    def sum(self, x, axis=None, keepdims=False):
        if (
            x.__class__ is _ndarray
            and axis is None
            and not keepdims
            and ((d := x.dtype) is _F32 or d is _F64)
            and _c_order(x)
        ):
            return _array(np.add.reduce(x, None))
        return super().sum(x, axis, keepdims)

    # The ufuncs of an N-d array return arrays (of a 0-d one, NumPy scalars: those take the
    # shared formula, which wraps them).

    def square(self, x):
        if x.__class__ is _ndarray and ((d := x.dtype) is _F32 or d is _F64) and x.ndim:
            return np.square(x)
        return super().square(x)

    def relu(self, x, alpha=0.0, max_value=None, threshold=0.0):
        if (
            x.__class__ is _ndarray
            and ((d := x.dtype) is _F32 or d is _F64)
            and x.ndim
            and alpha == 0
            and max_value is None
            and threshold == 0
        ):
            return np.maximum(x, 0)
        return super().relu(x, alpha, max_value, threshold)

    def softmax(self, x, axis=-1):
        if (
            x.__class__ is _ndarray
            and axis == -1
            and ((d := x.dtype) is _F32 or d is _F64)
            and x.ndim
            and _c_order(x)
        ):
            return self._softmax(x, (x.ndim - 1,))
        return super().softmax(x, axis)

    def dot(self, x, y):
        if (
            x.__class__ is _ndarray
            and y.__class__ is _ndarray
            and ((d := x.dtype) is _F32 or d is _F64)
            and y.dtype is d
            and x.flags.c_contiguous
            and y.flags.c_contiguous
        ):
            try:
                return _array(np.dot(x, y))
            except ValueError:
                pass  # the shared formula raises the multik error
        return super().dot(x, y)

    def batch_dot(self, x, y, axes=None):
        if (
            x.__class__ is _ndarray
            and y.__class__ is _ndarray
            and axes is None
            and ((d := x.dtype) is _F32 or d is _F64)
            and y.dtype is d
            and x.ndim == 3
            and y.ndim == 3
            and x.shape[0] == y.shape[0]
            and x.flags.c_contiguous
            and y.flags.c_contiguous
            and config.batch_dot_rules() == "2.3"
        ):
            try:
                return np.matmul(x, y)
            except ValueError:
                pass
        return super().batch_dot(x, y, axes)

    def one_hot(self, indices, num_classes):
        if (
            indices.__class__ is _ndarray
            and indices.dtype in _INDEX_DTYPES
            and num_classes.__class__ is int
            and num_classes > 0
        ):
            return self._one_hot(indices, num_classes)
        return super().one_hot(indices, num_classes)

    def _operator(self, op, x, y):
        if (
            x.__class__ is _ndarray
            and y.__class__ is _ndarray
            and ((d := x.dtype) is _F32 or d is _F64)
            and y.dtype is d
            and (fn := _FAST_OPERATORS.get(op)) is not None
        ):
            try:
                return _array(fn(x, y))
            except ValueError:
                pass
        return super()._operator(op, x, y)

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

    def _own_variable(self, x, name):
        return x

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
        # Loaded by name when a gradient is asked for, as the registry loads adapters: the
        # tracer subclasses this adapter and needs autograd, which stays optional.
        autodiff = importlib.import_module("multik.backends.numpy_autodiff")
        return autodiff.gradients(fn, values, nested)

    def _compile(self, fn):
        return fn

    def _clip_scalars(self, x, lo, hi):
        return _array(np.clip(x, lo, hi)).astype(x.dtype, copy=False)  # bfloat16 stays bfloat16

    def _softmax(self, x, axes):
        if x.size == 0:
            return x.copy()  # never the caller's array
        # The shared formula, computed in place: two temporaries fewer on large inputs.
        out = _array(np.subtract(x, np.max(x, axis=axes, keepdims=True)))
        np.exp(out, out=out)
        out /= np.sum(out, axis=axes, keepdims=True)
        return out

    # ----------------------------------------------------------------- math primitives

    def _round(self, x):
        return _array(np.round(x))

    def _sin(self, x):
        return _array(np.sin(x))

    def _cos(self, x):
        return _array(np.cos(x))

    # ----------------------------------------------------------------- shape primitives

    def _copy(self, x):
        return np.array(x, copy=True)

    def _argmax(self, x, axis):
        return _array(np.argmax(x, axis=axis))  # NaN counts as the maximum: the first one wins

    def _argmin(self, x, axis):
        return _array(np.argmin(x, axis=axis))  # NaN counts as the minimum: the first one wins

    def _concatenate(self, xs, axis):
        return np.concatenate(xs, axis)

    def _tile(self, x, reps):
        return np.tile(x, reps)

    def _repeat(self, x, rep, axis):
        return np.repeat(x, rep, axis)

    def _flip(self, x, axes):
        return np.flip(x, axes)

    # ----------------------------------------------------------------- conv primitives

    def _conv(self, x, kernel, strides, pads, dilation, groups, channels_last):
        rank = len(strides)
        if not channels_last:
            x = np.moveaxis(x, 1, -1)  # a view; the patches below are copied once either way
        x = _padded(x, range(1, rank + 1), pads, 0.0)
        window = kernel.shape[:rank]
        spans = [d * (k - 1) + 1 for k, d in zip(window, dilation)]
        patches = sliding_window_view(x, spans, axis=tuple(range(1, rank + 1)))
        # (batch, *out, in, *window): a view, the windows' taps `dilation` apart.
        patches = patches[
            (
                slice(None),
                *(slice(None, None, s) for s in strides),
                slice(None),
                *(slice(None, None, d) for d in dilation),
            )
        ]
        taps = tuple(range(rank + 2, 2 * rank + 2))
        if groups == 1:  # im2col and one matrix product, taps ordered (*window, in)
            y = np.tensordot(patches, kernel, axes=((*taps, rank + 1), (*range(rank + 1),)))
        else:
            y = self._grouped(patches, kernel, groups, rank)
        return y if channels_last else np.moveaxis(y, -1, 1)

    @staticmethod
    def _grouped(patches: np.ndarray, kernel: np.ndarray, groups: int, rank: int) -> np.ndarray:
        """The convolution of channels_last ``patches`` (batch, *out, in, *window) in
        ``groups``: one matrix product per group, batched."""
        batch_out = patches.shape[: rank + 1]
        taps, per_group, out = math.prod(kernel.shape[:rank]), kernel.shape[rank], kernel.shape[-1]
        cols = patches.reshape(-1, groups, per_group * taps).swapaxes(0, 1)
        weights = kernel.reshape(taps, per_group, groups, out // groups).transpose(2, 1, 0, 3)
        y = np.matmul(cols, weights.reshape(groups, per_group * taps, out // groups))
        return y.swapaxes(0, 1).reshape(*batch_out, out)

    def _conv_transpose(self, x, kernel, sizes, strides, pads, dilation, channels_last):
        rank = len(strides)
        if not channels_last:
            x = np.moveaxis(x, 1, -1)
        window = kernel.shape[:rank]
        inputs = x.shape[1:-1]
        # Every input element times every tap (one matrix product), then added into place.
        cols = np.tensordot(x, kernel, axes=((-1,), (-1,)))  # (batch, *in, *window, out)
        full = [
            max((n - 1) * s + d * (k - 1) + 1, b + size)
            for n, s, d, k, (b, _), size in zip(inputs, strides, dilation, window, pads, sizes)
        ]
        y = np.zeros((x.shape[0], *full, kernel.shape[-2]), dtype=x.dtype)
        for tap in np.ndindex(*window):
            index = (
                slice(None),
                *(
                    slice(t * d, t * d + (n - 1) * s + 1, s)
                    for t, d, n, s in zip(tap, dilation, inputs, strides)
                ),
            )
            y[index] += cols[(Ellipsis, *tap, slice(None))]
        y = y[(slice(None), *(slice(b, b + size) for (b, _), size in zip(pads, sizes)))]
        return y if channels_last else np.moveaxis(y, -1, 1)

    def _pool(self, x, window, strides, pads, mode, channels_last):
        first = 1 if channels_last else 2
        axes = range(first, first + len(window))
        sizes = tuple(x.shape[a] for a in axes)
        x = _padded(x, axes, pads, -np.inf if mode == "max" else 0.0)
        # A window's maximum or sum, one spatial axis at a time: k + k passes, not k * k.
        op = np.maximum if mode == "max" else np.add
        for axis, k, s in zip(axes, window, strides):
            count = (x.shape[axis] - k) // s + 1
            reduced = _taps(x, axis, 0, count, s).copy()
            for tap in range(1, k):
                op(reduced, _taps(x, axis, tap, count, s), out=reduced)
            x = reduced
        if mode == "max":
            return x
        counts = checks.window_counts(sizes, window, strides, pads).astype(x.dtype)
        return x / (counts[..., None] if channels_last else counts)

    # ----------------------------------------------------------------- control primitives

    def _stack(self, tensors):
        return np.stack(tensors)

    # ----------------------------------------------------------------- random primitives

    def _random(self, distribution, shape, dtype, seed):
        key, counter = (int(value) & 0xFFFFFFFF for value in seed)
        generator = np.random.Generator(np.random.Philox(key=key << 32 | counter))
        width = np.float64 if dtype == "float64" else np.float32
        if distribution == "uniform":
            # Whole multiples of the dtype's spacing below 1, so rounding never reaches 1.
            steps = 2.0 ** dtypes.significand_bits(dtype)
            values = np.floor(generator.random(shape, dtype=width) * steps) / steps
        else:
            values = generator.standard_normal(shape, dtype=width)
            if distribution == "truncated_normal":
                beyond = np.abs(values) > 2
                while beyond.any():
                    values[beyond] = generator.standard_normal(int(beyond.sum()), dtype=width)
                    beyond = np.abs(values) > 2
        return self._cast(np.asarray(values, dtype=width), dtype)
