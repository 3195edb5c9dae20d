"""The JAX adapter: the primitives of ``Adapter`` on jax arrays (traceable under ``jax.jit``).

64-bit dtypes need JAX's process-wide ``jax_enable_x64`` flag, which multik never flips: with
it off, every 64-bit request raises ``DTypeError`` instead of silently giving 32 bits.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.adapter import Adapter
from multik.errors import DTypeError

_BINARY = {
    "add": jnp.add,
    "subtract": jnp.subtract,
    "multiply": jnp.multiply,
    "divide": jnp.true_divide,
    "power": jnp.power,
    "maximum": jnp.maximum,
    "minimum": jnp.minimum,
    "equal": jnp.equal,
    "not_equal": jnp.not_equal,
    "less": jnp.less,
    "less_equal": jnp.less_equal,
    "greater": jnp.greater,
    "greater_equal": jnp.greater_equal,
    "logical_and": jnp.logical_and,
    "logical_or": jnp.logical_or,
}


@jax.jit
def _relu(x: jax.Array) -> jax.Array:
    """max(x, 0), NaN propagating, with jax.nn.relu's (and TensorFlow's) gradient: 1 where
    x > 0, else 0. One compiled call: jax.nn.relu's custom JVP costs ~90 µs per eager call."""
    zero = jnp.zeros((), x.dtype)
    return jnp.where(x > 0, x, jax.lax.stop_gradient(jnp.where(jnp.isnan(x), x, zero)))


_UNARY = {
    "negative": jnp.negative,
    "abs": jnp.abs,
    "sign": jnp.sign,
    "exp": jnp.exp,
    "expm1": jnp.expm1,
    "log": jnp.log,
    "log1p": jnp.log1p,
    "sqrt": jnp.sqrt,
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "softplus": jax.nn.softplus,
    "relu": _relu,
    "square": jnp.square,
    "isnan": jnp.isnan,
    "logical_not": jnp.logical_not,
}

_64BIT_NUMPY = frozenset({np.dtype(np.float64), np.dtype(np.int64)})


def _refuse_64bit(name: str) -> None:
    """Raise DTypeError for 64-bit dtype ``name`` when JAX's x64 mode is off."""
    if dtypes.is_64bit(name) and not jax.config.jax_enable_x64:
        raise DTypeError(
            f"dtype {name} needs JAX's 64-bit mode, which is off; turn it on before any JAX "
            "work: set the environment variable JAX_ENABLE_X64=1 before importing jax, or call "
            'jax.config.update("jax_enable_x64", True) at start-up (multik never flips it)'
        )


# Full float32 products on every device (GPUs would otherwise use TF32): results match the CPU.
_FULL_PRECISION = jax.lax.Precision.HIGHEST

# The kernels the primitives and the fast paths share, compiled once per shape: a compiled
# function is one dispatch, where jnp's functions check their arguments in Python first.
with jax.ensure_compile_time_eval():  # a concrete array's class, also while a jit traces
    _ArrayImpl = type(jnp.zeros(()))
# The guards read a concrete array's ``aval`` once: ``x.dtype``, ``x.shape`` and ``x.ndim`` are
# Python properties over it (0.14-0.25 µs each in jax 0.10, more than the rest of a guard), and
# compare dtypes by identity (NumPy's native descriptors are singletons).
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_INDEX_DTYPES = frozenset({np.dtype(np.int32), np.dtype(np.int64)})
_total = jax.jit(jnp.sum)
_dot = jax.jit(functools.partial(jnp.dot, precision=_FULL_PRECISION))
_batch_matmul = jax.jit(functools.partial(jnp.matmul, precision=_FULL_PRECISION))
_softmax_kernel = jax.jit(jax.nn.softmax, static_argnames="axis")
_FAST_OPERATORS = {
    "add": jax.jit(jnp.add),
    "subtract": jax.jit(jnp.subtract),
    "multiply": jax.jit(jnp.multiply),
    "divide": jax.jit(jnp.true_divide),
}


class JaxAdapter(Adapter):
    """jax arrays; 64-bit types only under the user's ``jax_enable_x64``."""

    name = "jax"
    native_types = (_ArrayImpl, jax.Array)

    # ----------------------------------------------------------------- fast paths
    # The common case in one guard: concrete jax arrays (not tracers) of a dtype that needs no
    # promotion, default arguments; the kernel is the one the shared formula runs. Anything
    # else, and any call the kernel refuses, takes the shared formula
    # (conformance/test_fast_path.py checks both give the same results).

    def sum(self, x, axis=None, keepdims=False):
        if (
            x.__class__ is _ArrayImpl
            and axis is None
            and not keepdims
            and ((d := x.aval.dtype) is _F32 or d is _F64)
        ):
            return _total(x)
        return super().sum(x, axis, keepdims)

    def square(self, x):
        if x.__class__ is _ArrayImpl and ((d := x.aval.dtype) is _F32 or d is _F64):
            return jnp.square(x)
        return super().square(x)

    def relu(self, x, alpha=0.0, max_value=None, threshold=0.0):
        if (
            x.__class__ is _ArrayImpl
            and ((d := x.aval.dtype) is _F32 or d is _F64)
            and alpha == 0
            and max_value is None
            and threshold == 0
        ):
            return _relu(x)
        return super().relu(x, alpha, max_value, threshold)

    def sigmoid(self, x):
        if x.__class__ is _ArrayImpl and ((d := x.aval.dtype) is _F32 or d is _F64):
            return jax.nn.sigmoid(x)
        return super().sigmoid(x)

    def tanh(self, x):
        if x.__class__ is _ArrayImpl and ((d := x.aval.dtype) is _F32 or d is _F64):
            return jnp.tanh(x)
        return super().tanh(x)

    def softmax(self, x, axis=-1):
        if (
            x.__class__ is _ArrayImpl
            and axis == -1
            and ((d := (a := x.aval).dtype) is _F32 or d is _F64)
            and (rank := len(a.shape))
        ):
            return _softmax_kernel(x, axis=rank - 1)
        return super().softmax(x, axis)

    def dot(self, x, y):
        if (
            x.__class__ is _ArrayImpl
            and y.__class__ is _ArrayImpl
            and ((d := (xa := x.aval).dtype) is _F32 or d is _F64)
            and (ya := y.aval).dtype is d
            and xa.shape
            and ya.shape
        ):
            try:
                return _dot(x, y)
            except (TypeError, ValueError):
                pass  # the shared formula raises the multik error
        return super().dot(x, y)

    def batch_dot(self, x, y, axes=None):
        if (
            x.__class__ is _ArrayImpl
            and y.__class__ is _ArrayImpl
            and axes is None
            and ((d := (xa := x.aval).dtype) is _F32 or d is _F64)
            and (ya := y.aval).dtype is d
            and len(xs := xa.shape) == 3
            and len(ys := ya.shape) == 3
            and xs[0] == ys[0]
            and config.batch_dot_rules() == "2.3"
        ):
            try:
                return _batch_matmul(x, y)
            except (TypeError, ValueError):
                pass
        return super().batch_dot(x, y, axes)

    def one_hot(self, indices, num_classes):
        if (
            indices.__class__ is _ArrayImpl
            and indices.aval.dtype in _INDEX_DTYPES
            and num_classes.__class__ is int
            and num_classes > 0
        ):
            return self._one_hot(indices, num_classes)
        return super().one_hot(indices, num_classes)

    def _operator(self, op, x, y):
        if (
            x.__class__ is _ArrayImpl
            and y.__class__ is _ArrayImpl
            and ((d := x.aval.dtype) is _F32 or d is _F64)
            and y.aval.dtype is d
            and (fn := _FAST_OPERATORS.get(op)) is not None
        ):
            try:
                return fn(x, y)
            except (TypeError, ValueError):
                pass
        return super()._operator(op, x, y)

    def _check_dtype_supported(self, name):
        _refuse_64bit(name)

    def _probe_zeros(self, shape, dtype):
        return jax.ShapeDtypeStruct(shape, dtypes.numpy_dtype(dtype))

    def _infer(self, fn, probes):
        return jax.eval_shape(fn, *probes)

    def devices(self):
        return [str(device) for device in jax.devices()]

    def _from_numpy(self, array):
        if array.dtype in _64BIT_NUMPY:
            _refuse_64bit(array.dtype.name)
        return jnp.array(array)

    def _to_numpy(self, x):
        return np.array(x)

    def _shape(self, x):
        return x.shape

    def _dtype(self, x):
        return dtypes.name_of(x.dtype)

    def _is_concrete(self, x):
        return not isinstance(x, jax.core.Tracer)

    def _new_variable(self, x, name):
        return x

    def _assign(self, storage, x):
        return x

    def _full(self, shape, value, dtype):
        _refuse_64bit(dtype)
        return jnp.full(shape, value, dtype=dtype)

    def _eye(self, rows, columns, dtype):
        _refuse_64bit(dtype)
        return jnp.eye(rows, columns, dtype=dtype)

    def _arange(self, stop, dtype):
        return jnp.arange(stop, dtype=dtype)

    def _cast(self, x, dtype):
        _refuse_64bit(dtype)
        return x.astype(dtype)

    def _sum(self, x, axes, keepdims):
        return jnp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype)

    def _prod(self, x, axes, keepdims):
        return jnp.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype)

    def _max(self, x, axes, keepdims):
        return jnp.max(x, axis=axes, keepdims=keepdims)

    def _min(self, x, axes, keepdims):
        return jnp.min(x, axis=axes, keepdims=keepdims)

    def _cumsum(self, x, axis):
        return jnp.cumsum(x, axis=axis, dtype=x.dtype)

    def _cumprod(self, x, axis):
        return jnp.cumprod(x, axis=axis, dtype=x.dtype)

    def _reshape(self, x, shape):
        return jnp.reshape(x, shape)

    def _transpose(self, x, perm):
        return jnp.transpose(x, perm)

    def _expand_dims(self, x, axis):
        return jnp.expand_dims(x, axis)

    def _squeeze(self, x, axis):
        return jnp.squeeze(x, axis)

    def _pad(self, x, pads):
        return jnp.pad(x, pads)

    def _take(self, x, indices, axis):
        if x.shape[axis] == 0:  # jnp.take (jax 0.10) returns an operand with an empty axis as it is
            return jnp.zeros((*x.shape[:axis], *indices.shape, *x.shape[axis + 1 :]), x.dtype)
        return jnp.take(x, indices, axis=axis)

    def _tensordot(self, x, y, x_axis, y_axis):
        if x_axis == x.ndim - 1 and y_axis == max(y.ndim - 2, 0):
            return _dot(x, y)  # cheaper than tensordot
        return jnp.tensordot(x, y, axes=([x_axis], [y_axis]), precision=_FULL_PRECISION)

    def _matmul(self, x, y):
        return _batch_matmul(x, y)

    def _binary(self, op, x, y):
        return _BINARY[op](x, y)

    def _unary(self, op, x):
        return _UNARY[op](x)

    def _where(self, condition, x, y):
        return jnp.where(condition, x, y)

    def _stop_gradient(self, x):
        return jax.lax.stop_gradient(x)

    def _gradients(self, fn, values, nested):
        grads = jax.grad(lambda *v: jnp.sum(fn(*v)), argnums=tuple(range(len(values))))
        return list(grads(*values))

    def _compile(self, fn):
        return jax.jit(fn)

    def _clip_scalars(self, x, lo, hi):
        return jnp.clip(x, lo, hi)

    def _softmax(self, x, axes):
        if axes is None or len(axes) != 1:
            return super()._softmax(x, axes)
        return _softmax_kernel(x, axis=axes[0])  # a row holding inf or NaN is all NaN

    def _one_hot(self, indices, classes):
        return jax.nn.one_hot(indices, classes, dtype=jnp.float32)

    # ----------------------------------------------------------------- math primitives

    def _round(self, x):
        return jnp.round(x)

    def _sin(self, x):
        return jnp.sin(x)

    def _cos(self, x):
        return jnp.cos(x)

    def _copy(self, x):
        return x  # jax arrays are immutable, and jnp.array copied the NumPy input

    def _identity(self, x):
        return jnp.array(x, copy=True)

    def _argmax(self, x, axis):
        return jnp.argmax(x, axis=axis)  # the first NaN wins, as required

    def _argmin(self, x, axis):
        return jnp.argmin(x, axis=axis)

    def _logsumexp(self, x, axes, keepdims):
        return jax.nn.logsumexp(x, axis=axes, keepdims=keepdims)

    # ----------------------------------------------------------------- shape primitives

    def _concatenate(self, xs, axis):
        return jnp.concatenate(xs, axis)

    def _tile(self, x, reps):
        return jnp.tile(x, reps)

    def _repeat(self, x, rep, axis):
        return jnp.repeat(x, rep, axis)

    def _flip(self, x, axes):
        return jnp.flip(x, axes)

    # ----------------------------------------------------------------- conv primitives

    def _conv(self, x, kernel, strides, pads, dilation, groups, channels_last):
        return jax.lax.conv_general_dilated(
            x,
            kernel,
            window_strides=strides,
            padding=pads,
            rhs_dilation=dilation,
            dimension_numbers=_conv_layout(len(strides), channels_last, "IO"),
            feature_group_count=groups,
            precision=_FULL_PRECISION,
        )

    def _conv_transpose(self, x, kernel, sizes, strides, pads, dilation, channels_last):
        # A convolution of the input dilated by the strides with the flipped kernel, padded so
        # that the output is the transposed one cropped by the forward padding.
        rank = len(strides)
        window = kernel.shape[:rank]
        inputs = x.shape[1:-1] if channels_last else x.shape[2:]
        padding = [
            (d * (k - 1) - before, size - (n - 1) * s - 1 + before)
            for n, size, k, s, d, (before, _) in zip(inputs, sizes, window, strides, dilation, pads)
        ]
        return jax.lax.conv_general_dilated(
            x,
            jax.lax.rev(kernel, tuple(range(rank))),
            window_strides=(1,) * rank,
            padding=padding,
            lhs_dilation=strides,
            rhs_dilation=dilation,
            dimension_numbers=_conv_layout(rank, channels_last, "OI"),
            precision=_FULL_PRECISION,
        )

    def _pool(self, x, window, strides, pads, mode, channels_last):
        rank = len(window)
        dims = (1, *window, 1) if channels_last else (1, 1, *window)
        steps = (1, *strides, 1) if channels_last else (1, 1, *strides)
        padding = ((0, 0), *pads, (0, 0)) if channels_last else ((0, 0), (0, 0), *pads)
        if mode == "max":
            return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, dims, steps, padding)
        total = jax.lax.reduce_window(x, 0.0, jax.lax.add, dims, steps, padding)
        sizes = x.shape[1 : rank + 1] if channels_last else x.shape[2:]
        counts = checks.window_counts(sizes, window, strides, pads)
        counts = counts[..., None] if channels_last else counts
        return total / counts.astype(total.dtype)

    # ----------------------------------------------------------------- control primitives

    def _stack(self, tensors):
        return jnp.stack(tensors)

    def _loop(self, step, carry, xs):
        def body(carry, x):
            new_carry, y = step(list(carry), list(x))
            # lax.scan needs the carry's type exactly, weak types included (a value computed
            # from a Python number may come back weakly typed).
            return [jax.lax.convert_element_type(n, c.dtype) for n, c in zip(new_carry, carry)], y

        carry = [jnp.asarray(c, dtype=c.dtype) for c in carry]
        carry, ys = jax.lax.scan(body, carry, list(xs))
        return list(carry), list(ys)

    # ----------------------------------------------------------------- random primitives

    def _random(self, distribution, shape, dtype, seed):
        _refuse_64bit(dtype)
        key = jax.random.wrap_key_data(seed.astype(jnp.uint32), impl="threefry2x32")
        if distribution == "uniform":
            return jax.random.uniform(key, shape, dtype)
        if distribution == "normal":
            return jax.random.normal(key, shape, dtype)
        return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype)

    # ----------------------------------------------------------------- ctc primitives

    def _host_call(self, what, fn, args, results):
        if all(self._is_concrete(a) for a in args):
            return super()._host_call(what, fn, args, results)
        for _, dtype in results:
            _refuse_64bit(dtype)
        specs = tuple(
            jax.ShapeDtypeStruct(shape, dtypes.numpy_dtype(dtype)) for shape, dtype in results
        )
        return jax.pure_callback(
            lambda *values: tuple(fn(*(np.asarray(v) for v in values))),
            specs,
            *args,
            vmap_method="sequential",
        )


def _conv_layout(rank: int, channels_last: bool, kernel_io: str) -> tuple[str, str, str]:
    """lax dimension numbers: the input's and output's layout, and the kernel's (*window, then
    ``kernel_io``: 'IO' for TensorFlow's conv kernels, 'OI' for its transposed ones)."""
    spatial = "DHW"[3 - rank :]
    data = f"N{spatial}C" if channels_last else f"NC{spatial}"
    return data, spatial + kernel_io, data
