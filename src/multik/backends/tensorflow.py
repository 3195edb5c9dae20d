"""The TensorFlow adapter: the primitives of ``Adapter`` on TensorFlow tensors and ``tf.Variable``.

Works eagerly and inside ``tf.function`` (with or without ``jit_compile=True``): shapes are read
statically and reductions propagate NaN even where XLA's ``reduce_max`` would drop it.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from tensorflow.python.autograph.core import config as autograph_config

from multik import dtypes
from multik.backends import _checks as checks
from multik.backends._tf_fast import EagerTensor as _EagerTensor
from multik.backends._tf_fast import TensorFlowFastPaths
from multik.backends._tf_function import ConcreteFunctions
from multik.backends.adapter import Adapter
from multik.errors import InvalidArgumentError, UnsupportedError
from multik.variable import Variable

# multik's Python is static (no tensor-dependent control flow): AutoGraph must leave it as it is,
# as it does Keras and tf_keras, instead of rewriting it (and warning) on every trace.
autograph_config.CONVERSION_RULES = (
    autograph_config.DoNotConvert("multik"),
    *autograph_config.CONVERSION_RULES,
)

_BINARY = {
    "add": tf.add,
    "subtract": tf.subtract,
    "multiply": tf.multiply,
    "divide": tf.divide,
    "power": tf.pow,
    "maximum": tf.maximum,
    "minimum": tf.minimum,
    "equal": tf.equal,
    "not_equal": tf.not_equal,
    "less": tf.less,
    "less_equal": tf.less_equal,
    "greater": tf.greater,
    "greater_equal": tf.greater_equal,
    "logical_and": tf.logical_and,
    "logical_or": tf.logical_or,
}

# TF has no arithmetic on bool; these are the bool meanings NumPy gives the same ops.
_BOOL_BINARY = {
    "add": tf.logical_or,
    "multiply": tf.logical_and,
    "maximum": tf.logical_or,
    "minimum": tf.logical_and,
    "less": lambda x, y: tf.logical_and(tf.logical_not(x), y),
    "less_equal": lambda x, y: tf.logical_or(tf.logical_not(x), y),
    "greater": lambda x, y: tf.logical_and(x, tf.logical_not(y)),
    "greater_equal": lambda x, y: tf.logical_or(x, tf.logical_not(y)),
}

_UNARY = {
    "negative": tf.negative,
    "abs": tf.abs,
    "sign": tf.sign,
    "exp": tf.exp,
    "expm1": tf.math.expm1,
    "log": tf.math.log,
    "log1p": tf.math.log1p,
    "sqrt": tf.sqrt,
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "softplus": tf.nn.softplus,
    "relu": tf.nn.relu,
    "square": tf.square,
    "isnan": tf.math.is_nan,
    "logical_not": tf.logical_not,
}

#: The session K.get_session() returns when no default session is active (K.set_session's).
_SESSION: list[tf.compat.v1.Session | None] = [None]
_NAME_BY_ID: dict[int, str] = {}
_SAME_WIDTH_INT = {
    tf.float16: tf.int16,
    tf.bfloat16: tf.int16,
    tf.float32: tf.int32,
    tf.float64: tf.int64,
}
_MAGNITUDE_MASK = {
    tf.float16: tf.constant(0x7FFF, tf.int16),
    tf.bfloat16: tf.constant(0x7FFF, tf.int16),
    tf.float32: tf.constant(0x7FFFFFFF, tf.int32),
    tf.float64: tf.constant(0x7FFFFFFFFFFFFFFF, tf.int64),
}


def _convert_variable(value: Variable, dtype=None, name=None, as_ref=False):
    """How TensorFlow converts a multik Variable: only to an explicitly requested dtype equal to
    its own. TensorFlow's operators convert without one (or to the other operand's dtype, which
    would truncate: ``int32_tensor * [.5, 1.5]`` gave ``[0, 1]``); refusing makes them fall back
    to the Variable's reflected operator, which promotes as multik does everywhere."""
    if value.backend == "tensorflow" and dtype is not None:
        storage = value.value
        if tf.as_dtype(dtype) == storage.dtype:
            return storage.read_value()
    raise TypeError(
        f"TensorFlow cannot take multik Variable {value.name!r} ({value.dtype}, {value.backend} "
        "backend) directly: use K functions and operators, or its value (variable.value is the "
        "framework's own variable)"
    )


tf.register_tensor_conversion_function(Variable, _convert_variable)


class TensorFlowAdapter(TensorFlowFastPaths, Adapter):
    """TensorFlow tensors; Variables are ``tf.Variable``; 64-bit types are native."""

    name = "tensorflow"
    native_types = (_EagerTensor, tf.Tensor, tf.Variable)
    assigns_in_graph = True
    compiles_value_dependent_shapes = True

    def devices(self):
        return [device.name.replace("/device:", "") for device in tf.config.list_logical_devices()]

    def _from_numpy(self, array):
        return tf.constant(array)

    def _to_numpy(self, x):
        if x.__class__ is _EagerTensor:
            return np.asarray(x.numpy())  # numpy() copies
        # A traced tensor has no values, but a constant one (K.shape under tf.function) has.
        return np.asarray(x.numpy() if self._is_concrete(x) else tf.get_static_value(x))

    def _shape(self, x):
        return tuple(x.shape)

    def _dtype(self, x):
        # TF interns its DType objects, so their id is a cheap key (hashing a DType is not).
        dtype = x.dtype
        name = _NAME_BY_ID.get(id(dtype))
        if name is None:
            name = _NAME_BY_ID[id(dtype)] = dtypes.name_of(dtype)
        return name

    def _is_concrete(self, x):
        return tf.executing_eagerly() and not tf.is_symbolic_tensor(x)

    def _new_variable(self, x, name):
        return tf.Variable(x, name=name or None)

    def _read(self, storage):
        return storage.read_value()

    def _assign(self, storage, x):
        storage.assign(x)
        return storage

    def _full(self, shape, value, dtype):
        return tf.fill(shape, tf.constant(np.asarray(value, dtypes.numpy_dtype(dtype))))

    def _eye(self, rows, columns, dtype):
        return tf.eye(rows, columns, dtype=dtype)

    def _arange(self, stop, dtype):
        return tf.cast(tf.range(stop), dtype)

    def _cast(self, x, dtype):
        if dtype == "bool" and x.dtype.is_floating:
            # TF flushes subnormals to zero on CPU, so tf.cast(3.6e-44, bool) is False; test the
            # magnitude bits instead (NaN is True, -0.0 is False, as everywhere else).
            bits = tf.bitcast(x, _SAME_WIDTH_INT[x.dtype])
            magnitude = tf.bitwise.bitwise_and(bits, _MAGNITUDE_MASK[x.dtype])
            return tf.not_equal(magnitude, tf.zeros((), magnitude.dtype))
        return tf.cast(x, dtype)

    def _sum(self, x, axes, keepdims):
        return tf.reduce_sum(x, axis=axes, keepdims=keepdims)

    def _prod(self, x, axes, keepdims):
        return tf.reduce_prod(x, axis=axes, keepdims=keepdims)

    def _max(self, x, axes, keepdims):
        if x.dtype == tf.bool:
            return tf.reduce_any(x, axis=axes, keepdims=keepdims)
        return self._with_nan(x, tf.reduce_max(x, axis=axes, keepdims=keepdims), axes, keepdims)

    def _min(self, x, axes, keepdims):
        if x.dtype == tf.bool:
            return tf.reduce_all(x, axis=axes, keepdims=keepdims)
        return self._with_nan(x, tf.reduce_min(x, axis=axes, keepdims=keepdims), axes, keepdims)

    @staticmethod
    def _with_nan(x, reduced, axes, keepdims):
        """``reduced`` with NaN where the reduced slice of float ``x`` holds one (XLA drops it)."""
        if not x.dtype.is_floating:
            return reduced
        has_nan = tf.reduce_any(tf.math.is_nan(x), axis=axes, keepdims=keepdims)
        return tf.where(has_nan, tf.constant(np.nan, x.dtype), reduced)

    def _cumsum(self, x, axis):
        return tf.cumsum(x, axis=axis)

    def _cumprod(self, x, axis):
        return tf.math.cumprod(x, axis=axis)

    def _reshape(self, x, shape):
        return tf.reshape(x, shape)

    def _transpose(self, x, perm):
        return tf.transpose(x, perm)

    def _expand_dims(self, x, axis):
        return tf.expand_dims(x, axis)

    def _squeeze(self, x, axis):
        return tf.squeeze(x, [axis])

    def _pad(self, x, pads):
        return tf.pad(x, pads)

    def _take(self, x, indices, axis):
        return tf.gather(x, indices, axis=axis)

    def _tensordot(self, x, y, x_axis, y_axis):
        if x.shape.rank == y.shape.rank == 2 and (x_axis, y_axis) == (1, 0):
            return tf.matmul(x, y)  # the same contraction, without tensordot's reshapes
        return tf.tensordot(x, y, axes=[[x_axis], [y_axis]])

    def _matmul(self, x, y):
        return tf.matmul(x, y)

    def _binary(self, op, x, y):
        if x.dtype == tf.bool and op in _BOOL_BINARY:
            return _BOOL_BINARY[op](x, y)
        if op == "power" and x.dtype == tf.uint8:  # no uint8 kernel; int32 wraps alike mod 256
            return tf.cast(tf.pow(tf.cast(x, tf.int32), tf.cast(y, tf.int32)), tf.uint8)
        if op in ("maximum", "minimum") and x.dtype.is_floating and not tf.executing_eagerly():
            # XLA's maximum and minimum drop a NaN in their second operand: put it back.
            return tf.where(tf.math.is_nan(y), y, _BINARY[op](x, y))
        return _BINARY[op](x, y)

    def _unary(self, op, x):
        return _UNARY[op](x)

    def _where(self, condition, x, y):
        return tf.where(condition, x, y)

    def _stop_gradient(self, x):
        return tf.stop_gradient(x)

    def _gradients(self, fn, values, nested):
        with tf.GradientTape() as tape:
            for value in values:
                tape.watch(value)
            total = tf.reduce_sum(fn(*values))
        return tape.gradient(total, values, unconnected_gradients=tf.UnconnectedGradients.ZERO)

    def _compile(self, fn):
        return ConcreteFunctions(fn)

    def _clip_scalars(self, x, lo, hi):
        return tf.clip_by_value(x, lo, hi)

    def _softmax(self, x, axes):
        if axes is None or len(axes) != 1:
            return super()._softmax(x, axes)
        # TF eager gives [nan, 0, 0] for a row holding +inf: rows whose maximum is +-inf or NaN
        # are made NaN. Under XLA, whose maximum drops NaN, tf.nn.softmax already gives NaN rows
        # for NaN inputs. A where, not softmax + (peak - peak): in a graph Grappler turns that
        # plus a constant c into softmax + ((peak + c) - peak), which loses a small c (1e-7).
        peak = tf.reduce_max(x, axis=axes[0], keepdims=True)
        nan = tf.constant(np.nan, x.dtype)
        return tf.where(tf.math.is_finite(peak), tf.nn.softmax(x, axis=axes[0]), nan)

    def _one_hot(self, indices, classes):
        return tf.one_hot(indices, classes, dtype=tf.float32)

    # ----------------------------------------------------------------- math primitives

    def _round(self, x):
        return tf.round(x)

    def _sin(self, x):
        return tf.sin(x)

    def _cos(self, x):
        return tf.cos(x)

    def _copy(self, x):
        return x  # TensorFlow tensors are immutable, and tf.constant copied the NumPy input

    def _identity(self, x):
        return tf.identity(x)

    def _argmax(self, x, axis):
        return self._first_nan(x, axis, tf.argmax(x, axis=axis, output_type=tf.int32))

    def _argmin(self, x, axis):
        return self._first_nan(x, axis, tf.argmin(x, axis=axis, output_type=tf.int32))

    @staticmethod
    def _first_nan(x, axis, index):
        """``index``, or the first NaN along ``axis`` where there is one (TensorFlow ignores
        NaN in argmax and argmin)."""
        if not x.dtype.is_floating:
            return index
        nan = tf.math.is_nan(x)
        first = tf.argmax(nan, axis=axis, output_type=tf.int32)
        return tf.where(tf.reduce_any(nan, axis=axis), first, index)

    def _logsumexp(self, x, axes, keepdims):
        return tf.reduce_logsumexp(x, axis=axes, keepdims=keepdims)

    # ----------------------------------------------------------------- shape primitives

    def _concatenate(self, xs, axis):
        return tf.concat(xs, axis)

    def _tile(self, x, reps):
        return tf.tile(x, reps)

    def _repeat(self, x, rep, axis):
        return tf.repeat(x, rep, axis)

    def _flip(self, x, axes):
        return tf.reverse(x, axes)

    # ------------------------------------------------------------- control and config primitives

    def _static_value(self, x):
        value = tf.get_static_value(x)
        return None if value is None else np.asarray(value)

    def _name_scope(self, name):
        return tf.name_scope(name)

    def _control_dependencies(self, control_inputs):
        return tf.control_dependencies(control_inputs)

    def _get_session(self):
        session = tf.compat.v1.get_default_session()
        if session is not None:
            return session
        if tf.inside_function():
            raise UnsupportedError(
                "K.get_session() cannot run inside a compiled function (tf.function): a TensorFlow "
                "1 session runs graphs from outside"
            )
        if _SESSION[0] is None:
            _SESSION[0] = tf.compat.v1.Session()
        return _SESSION[0]

    def _set_session(self, session):
        if session is not None and not isinstance(session, tf.compat.v1.Session):
            raise InvalidArgumentError(
                f"K.set_session() takes a tf.compat.v1.Session (or None), got {session!r}"
            )
        _SESSION[0] = session

    # ----------------------------------------------------------------- conv primitives
    # TensorFlow's CPU kernels take channels_last only: channels_first is transposed once on
    # the way in and once on the way out, as tf_keras does on CPU.

    def _conv(self, x, kernel, strides, pads, dilation, groups, channels_last):
        rank = len(strides)
        x = x if channels_last else tf.transpose(x, _TO_LAST[rank])
        sizes = tuple(x.shape[1:-1])
        padding = _padding_name(pads, sizes, kernel.shape[:rank], strides, dilation)
        if padding is None:  # causal: asymmetric pads TensorFlow cannot name
            x = tf.pad(x, ((0, 0), *pads, (0, 0)))
            padding = "VALID"
        # tf.nn.convolution groups by itself when in // groups channels meet the kernel's.
        y = tf.nn.convolution(x, kernel, strides, padding, dilations=dilation)
        return y if channels_last else tf.transpose(y, _TO_FIRST[rank])

    def _conv_transpose(self, x, kernel, sizes, strides, pads, dilation, channels_last):
        rank = len(strides)
        x = x if channels_last else tf.transpose(x, _TO_LAST[rank])
        if max(dilation) > 1:  # the CPU kernel has no dilation: spread the taps out instead
            kernel = _dilated(kernel, dilation)
        shape = tf.stack([tf.shape(x)[0], *sizes, kernel.shape[-2]])
        padding = "SAME" if any(before or after for before, after in pads) else "VALID"
        y = tf.nn.conv_transpose(x, kernel, shape, strides, padding)
        return y if channels_last else tf.transpose(y, _TO_FIRST[rank])

    def _pool(self, x, window, strides, pads, mode, channels_last):
        rank = len(window)
        x = x if channels_last else tf.transpose(x, _TO_LAST[rank])
        if rank == 3 and x.dtype == tf.float64:
            y = _pool_in_two(x, window, strides, pads, mode)
        else:
            y = _pool(x, window, strides, pads, mode)
        return y if channels_last else tf.transpose(y, _TO_FIRST[rank])

    # ----------------------------------------------------------------- control primitives

    def _stack(self, tensors):
        return tf.stack(tensors)

    def _loop(self, step, carry, xs):
        length = xs[0].shape[0]
        # The first step runs before the loop: its results give the dtypes and shapes of the
        # arrays the loop writes the others into.
        carry, first = step(list(carry), [x[0] for x in xs])
        arrays = [
            tf.TensorArray(y.dtype, size=length, element_shape=y.shape).write(0, y) for y in first
        ]

        def body(t, carry, arrays):
            carry, y = step(list(carry), [tf.gather(x, t) for x in xs])
            return t + 1, carry, [array.write(t, value) for array, value in zip(arrays, y)]

        _, carry, arrays = tf.while_loop(
            lambda t, *_: t < length,
            body,
            (tf.constant(1), list(carry), arrays),
            maximum_iterations=length - 1,
        )
        return list(carry), [array.stack() for array in arrays]

    # ----------------------------------------------------------------- random primitives

    def _random(self, distribution, shape, dtype, seed):
        return _STATELESS[distribution](shape, seed=seed, dtype=dtype)

    # ----------------------------------------------------------------- ctc primitives

    def _host_call(self, what, fn, args, results):
        if all(self._is_concrete(a) for a in args):
            return super()._host_call(what, fn, args, results)
        dtypes_out = [tf.as_dtype(dtype) for _, dtype in results]
        outputs = tf.numpy_function(lambda *v: tuple(fn(*v)), args, dtypes_out, stateful=False)
        return tuple(tf.ensure_shape(o, shape) for o, (shape, _) in zip(outputs, results))

    def _ctc_decode(self, logits, lengths, greedy, beam_width, top_paths, merge_repeated):
        # TensorFlow's own decoders, which the host ports reproduce; but its beam search keeps
        # float32 intermediates, so float64 beams take the port.
        if not greedy and logits.dtype == tf.float64:
            return super()._ctc_decode(
                logits, lengths, greedy, beam_width, top_paths, merge_repeated
            )
        batch, steps, _ = logits.shape
        inputs = tf.transpose(logits, (1, 0, 2))
        if greedy:
            decoded, log_prob = tf.nn.ctc_greedy_decoder(inputs, lengths)
        else:
            decoded, log_prob = tf.compat.v1.nn.ctc_beam_search_decoder(
                inputs, lengths, beam_width, top_paths, merge_repeated
            )
        dense = [
            tf.sparse.to_dense(tf.SparseTensor(d.indices, d.values, (batch, steps)), -1)
            for d in decoded
        ]
        return dense, log_prob


#: Permutations between channels_first and channels_last, by spatial rank.
_TO_LAST = {rank: (0, *range(2, rank + 2), 1) for rank in (1, 2, 3)}
_TO_FIRST = {rank: (0, rank + 1, *range(1, rank + 1)) for rank in (1, 2, 3)}


def _padding_name(pads, sizes, window, strides, dilation) -> str | None:
    """'VALID' or 'SAME' where ``pads`` are what TensorFlow means by it, else None."""
    if not any(before or after for before, after in pads):
        return "VALID"
    if pads == checks.conv_padding_pairs("same", sizes, window, strides, dilation):
        return "SAME"
    return None


def _pool(x: tf.Tensor, window, strides, pads, mode: str) -> tf.Tensor:
    """Channels_last max or average pooling by TensorFlow's kernel, ``pads`` all zero or 'same'."""
    padding = "SAME" if any(before or after for before, after in pads) else "VALID"
    if mode == "avg":
        return tf.nn.avg_pool(x, window, strides, padding)
    return _exact_max(x, tf.nn.max_pool(x, window, strides, padding), window, strides, padding)


def _pool_in_two(x: tf.Tensor, window, strides, pads, mode: str) -> tf.Tensor:
    """3-D pooling as two 2-D ones, (rows, cols) then depth: TensorFlow has no float64 3-D
    pooling kernel, and maxima and averages (whose divisors are products) split so."""
    _, depth, rows, cols, channels = x.shape
    y = _pool(tf.reshape(x, (-1, rows, cols, channels)), window[1:], strides[1:], pads[1:], mode)
    _, out_rows, out_cols, _ = y.shape
    y = tf.reshape(y, (-1, depth, out_rows * out_cols, channels))
    y = _pool(y, (window[0], 1), (strides[0], 1), (pads[0], (0, 0)), mode)
    return tf.reshape(y, (-1, y.shape[1], out_rows, out_cols, channels))


def _exact_max(x: tf.Tensor, y: tf.Tensor, window, strides, padding: str) -> tf.Tensor:
    """TensorFlow's max pooling ``y`` of ``x``, with NaN where a window holds NaN and -inf where
    it holds only -inf: TensorFlow's CPU kernel skips NaN and starts from the lowest float.

    Both need a NaN or an infinity in ``x``, which makes its sum non-finite: that one check is
    all that inputs without them (or whose sum overflows, which only costs time) pay for.
    """
    lowest = tf.constant(x.dtype.min, x.dtype)

    def holds(mask: tf.Tensor) -> tf.Tensor:
        return tf.nn.max_pool(tf.cast(mask, x.dtype), window, strides, padding) > 0

    def repaired() -> tf.Tensor:
        only_minus_inf = tf.logical_and(tf.equal(y, lowest), tf.logical_not(holds(x == lowest)))
        z = tf.where(only_minus_inf, tf.constant(-np.inf, x.dtype), y)
        return tf.where(holds(tf.math.is_nan(x)), tf.constant(np.nan, x.dtype), z)

    return tf.cond(tf.math.is_finite(tf.reduce_sum(x)), lambda: y, repaired)


def _dilated(kernel: tf.Tensor, dilation: tuple[int, ...]) -> tf.Tensor:
    """``kernel`` with ``dilation - 1`` zeros between its taps on each spatial axis."""
    for axis, d in enumerate(dilation):
        if d > 1:
            shape = kernel.shape
            spread = tf.pad(
                tf.expand_dims(kernel, axis + 1),
                [(0, d - 1) if a == axis + 1 else (0, 0) for a in range(len(shape) + 1)],
            )
            spread = tf.reshape(spread, (*shape[:axis], shape[axis] * d, *shape[axis + 1 :]))
            kernel = spread[(slice(None),) * axis + (slice(0, (shape[axis] - 1) * d + 1),)]
    return kernel


_STATELESS = {
    "uniform": tf.random.stateless_uniform,
    "normal": tf.random.stateless_normal,
    "truncated_normal": tf.random.stateless_truncated_normal,
}
