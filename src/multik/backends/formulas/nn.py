"""Families I and K, neural-network ops: activations, softmax and normalisation."""

from __future__ import annotations

import operator

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import AxisError, DTypeError, InvalidArgumentError, ShapeError

#: The floor of the squared norm in ``l2_normalize`` (TensorFlow's).
_L2_FLOOR = 1e-12


class NNFormulas(Conversion):
    """Families I and K, neural-network ops: activations, softmax and normalisation."""

    # ----------------------------------------------------------------- activations

    def _float_input(self, x: object) -> tuple[Tensor, str]:
        """``x`` as a float tensor in its compute dtype, and the dtype the result must have."""
        x = self.tensor(x)
        result = self._dtype(x)
        if not dtypes.is_float(result):
            result = config.floatx()
        return self._as(x, dtypes.float_compute(result)), result

    def relu(
        self, x: object, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
    ) -> Tensor:
        x = self.tensor(x)
        result = self._dtype(x)
        if result == "bool":
            raise DTypeError("relu takes numbers, not bool (as tf_keras); cast with K.cast first")
        if alpha == 0 and max_value is None and threshold == 0:
            return self._unary("relu", x)
        for value in (alpha, threshold, max_value):
            if value is not None and value != 0:
                result = dtypes.result_type(result, None, value, config.floatx())
        x = self._as(x, result)
        zero = self._scalar(0, result)
        if alpha != 0 and max_value is None and threshold == 0:
            return self._where(
                self._binary("greater_equal", x, zero), x, self._op("multiply", x, alpha)
            )
        if threshold != 0:
            # x above the threshold (NaN stays NaN, as tf_keras's x * mask gives), else 0.
            keep = self._op("greater", x, threshold)
            if dtypes.is_float(result):
                keep = self._binary("logical_or", keep, self._unary("isnan", x))
            positive = self._where(keep, x, zero)
        else:
            positive = self._binary("maximum", x, zero)
        if max_value is not None:
            capped = self._binary("minimum", positive, self._scalar(max_value, result))
            positive = self._binary("maximum", capped, zero)
        if alpha == 0:
            return positive
        # threshold - x, without a float 0.0 threshold turning integer input into floats.
        negative = self._unary("negative", x)
        below = self._binary(
            "maximum", negative if threshold == 0 else self._op("add", negative, threshold), zero
        )
        return self._binary("subtract", positive, self._op("multiply", below, alpha))

    def elu(self, x: object, alpha: float = 1.0) -> Tensor:
        x, result = self._float_input(x)
        dtype = self._dtype(x)
        negative = self._op("multiply", self._unary("expm1", x), alpha)
        out = self._where(self._binary("greater", x, self._scalar(0, dtype)), x, negative)
        return self._as(out, result)

    def softmax(self, x: object, axis: int = -1) -> Tensor:
        x, result = self._float_input(x)
        axes = checks.normalize_axes(axis, len(self._shape(x)))
        return self._as(self._softmax(x, axes), result)

    def _softmax(self, x: Tensor, axes: tuple[int, ...] | None) -> Tensor:
        """Softmax over ``axes``, shifted by the maximum: an inf or NaN makes its whole row NaN."""
        if checks.size_of(self._shape(x)) == 0:
            return x
        exp = self._unary("exp", self._binary("subtract", x, self._max(x, axes, True)))
        return self._binary("divide", exp, self._sum(exp, axes, True))

    def _log_softmax(self, x: Tensor, axes: tuple[int, ...] | None) -> Tensor:
        """Log-softmax over ``axes``, with the same shift and NaN rule as ``_softmax``."""
        if checks.size_of(self._shape(x)) == 0:
            return x
        shifted = self._binary("subtract", x, self._max(x, axes, True))
        total = self._sum(self._unary("exp", shifted), axes, True)
        return self._binary("subtract", shifted, self._unary("log", total))

    def _elementwise(self, op: str, x: object) -> Tensor:
        x, result = self._float_input(x)
        return self._as(self._unary(op, x), result)

    def softplus(self, x: object) -> Tensor:
        return self._elementwise("softplus", x)

    def softsign(self, x: object) -> Tensor:
        x, result = self._float_input(x)
        out = self._binary("divide", x, self._op("add", self._unary("abs", x), 1))
        return self._as(out, result)

    def sigmoid(self, x: object) -> Tensor:
        return self._elementwise("sigmoid", x)

    def hard_sigmoid(self, x: object) -> Tensor:
        x, result = self._float_input(x)
        out = self._clip_scalars(self._op("add", self._op("multiply", x, 0.2), 0.5), 0.0, 1.0)
        return self._as(out, result)

    def tanh(self, x: object) -> Tensor:
        return self._elementwise("tanh", x)

    # ----------------------------------------------------------------- normalisation

    def l2_normalize(self, x: object, axis: object = None) -> Tensor:
        x, result = self._float_input(x)
        axes = checks.normalize_axes(axis, len(self._shape(x)))
        xp = self.xp
        v = xp(x)
        squares = xp.square(v)
        total = squares if axes == () else xp.sum(squares, axes, keepdims=True)
        return self._as((v / xp.sqrt(xp.maximum(total, _L2_FLOOR))).value, result)

    def bias_add(self, x: object, bias: object, data_format: str | None = None) -> Tensor:
        data_format = checks.normalize_data_format(data_format)
        x, bias = self.tensor(x), self.tensor(bias)
        shape = self._shape(bias)
        bias = self._reshape(bias, _bias_shape(self._shape(x), shape, data_format))
        return self._op("add", x, bias)

    def batch_normalization(
        self,
        x: object,
        mean: object,
        var: object,
        beta: object,
        gamma: object,
        axis: int = -1,
        epsilon: float = 1e-3,
    ) -> Tensor:
        x, result = self._float_input(x)
        shape = self._shape(x)
        if shape:
            axis = checks.normalize_axis(axis, len(shape))
        stats = [
            None if s is None else self._statistic(s, shape, axis, name)
            for s, name in ((mean, "mean"), (var, "var"), (beta, "beta"), (gamma, "gamma"))
        ]
        return self._as(self._normalize(x, *stats, epsilon), result)

    def _statistic(self, s: object, shape: tuple[int, ...], axis: int, name: str) -> Tensor:
        """A batch_normalization statistic, shaped to broadcast against ``x``: a rank-1 one of an
        input of rank 2 or more lies along ``axis``; any other must broadcast as it is."""
        s = self.tensor(s)
        s_shape = self._shape(s)
        if len(s_shape) == 1 and len(shape) > 1:
            if s_shape[0] != shape[axis]:
                raise ShapeError(
                    f"batch_normalization: {name} of shape {s_shape} does not match axis {axis} "
                    f"(size {shape[axis]}) of x {shape}"
                )
            s = self._reshape(s, tuple(d if i == axis else 1 for i, d in enumerate(shape)))
        else:
            _broadcast(shape, s_shape, f"batch_normalization: x and {name}")
        return s

    def _normalize(
        self,
        x: Tensor,
        mean: Tensor,
        var: Tensor,
        beta: Tensor | None,
        gamma: Tensor | None,
        epsilon: float,
    ) -> Tensor:
        """``(x - mean) / sqrt(var + epsilon) * gamma + beta``, all in ``x``'s dtype."""
        xp = self.xp
        dtype = self._dtype(x)
        mean, var = xp.astype(mean, dtype), xp.astype(var, dtype)
        normed = (xp(x) - mean) / xp.sqrt(var + float(epsilon))
        if gamma is not None:
            normed = normed * xp.astype(gamma, dtype)
        if beta is not None:
            normed = normed + xp.astype(beta, dtype)
        return normed.value

    def normalize_batch_in_training(
        self,
        x: object,
        gamma: object,
        beta: object,
        reduction_axes: object,
        epsilon: float = 1e-3,
    ) -> tuple[Tensor, Tensor, Tensor]:
        x, result = self._float_input(x)
        shape = self._shape(x)
        axes = _reduction_axes(reduction_axes, len(shape))
        kept = tuple(d for i, d in enumerate(shape) if i not in axes)
        # Keras's "regular" pattern (every axis but the last) broadcasts gamma and beta as they
        # are; any other pattern reshapes them to x's shape with 1 on the reduced axes.
        regular = axes == tuple(range(len(shape) - 1))
        stats_shape = tuple(1 if i in axes else d for i, d in enumerate(shape))
        scale = [
            None if s is None else self._batch_parameter(s, shape, stats_shape, regular, name)
            for s, name in ((beta, "beta"), (gamma, "gamma"))
        ]
        xp = self.xp
        v = xp(x)
        count = float(checks.size_of(shape[a] for a in axes))
        mean = xp.sum(v, axes, keepdims=True) / count if axes else xp(self._copy(x))
        var = xp.square(v - mean)
        if axes:
            var = xp.sum(var, axes, keepdims=True) / count
        normed = self._normalize(x, mean.value, var.value, *scale, epsilon)
        return (
            self._as(normed, result),
            self._as(self._reshape(mean.value, kept), result),
            self._as(self._reshape(var.value, kept), result),
        )

    def _batch_parameter(
        self,
        s: object,
        shape: tuple[int, ...],
        stats_shape: tuple[int, ...],
        regular: bool,
        name: str,
    ) -> Tensor:
        s = self.tensor(s)
        s_shape = self._shape(s)
        if regular:
            _broadcast(shape, s_shape, f"normalize_batch_in_training: x and {name}")
            return s
        if checks.size_of(s_shape) != checks.size_of(stats_shape):
            raise ShapeError(
                f"normalize_batch_in_training: {name} of shape {s_shape} cannot be reshaped to "
                f"{stats_shape}, the shape of the statistics kept with x's non-reduced axes"
            )
        return self._reshape(s, stats_shape)

    # ----------------------------------------------------------------- top-k

    def in_top_k(self, predictions: object, targets: object, k: int) -> Tensor:
        predictions = self.tensor(predictions)
        p_shape = self._shape(predictions)
        if isinstance(targets, np.ndarray) and targets.dtype.kind in "iu" and len(p_shape) == 2:
            # Host labels travel as int32, which every backend holds (JAX without x64 has no
            # int64): a label outside [0, classes) is never in the top k, whatever its value.
            inside = (targets >= 0) & (targets < p_shape[1])
            targets = np.where(inside, targets, -1).astype(np.int32)
        targets = self.tensor(targets)
        t_shape = self._shape(targets)
        p_dtype, t_dtype = self._dtype(predictions), self._dtype(targets)
        if p_dtype == "bool":
            raise DTypeError("in_top_k needs numeric predictions, got dtype bool")
        if not dtypes.is_int(t_dtype):
            raise DTypeError(
                f"in_top_k needs integer targets, got dtype {t_dtype}; cast them with "
                "K.cast(targets, 'int32')"
            )
        if len(p_shape) != 2 or len(t_shape) != 1 or p_shape[0] != t_shape[0]:
            raise ShapeError(
                f"in_top_k needs predictions of shape (batch, classes) and targets of shape "
                f"(batch,), got {p_shape} and {t_shape}"
            )
        if isinstance(k, bool) or not hasattr(k, "__index__"):
            raise InvalidArgumentError(f"in_top_k needs an int k, got {k!r}")
        k = operator.index(k)
        batch, classes = p_shape
        if classes == 0 or k <= 0:
            return self._full((batch,), False, "bool")
        k = min(k, classes)  # every class is in the top `classes`
        xp = self.xp
        index_dtype = "int64" if t_dtype == "int64" else "int32"
        t = xp.astype(targets, index_dtype)
        valid = xp.logical_and(t >= 0, t < classes)
        rows = xp(self._arange(batch, index_dtype))
        flat = self._reshape(predictions, (batch * classes,))
        score = self._take(flat, (rows * classes + xp.where(valid, t, 0)).value, 0)
        # The target is in the top k when fewer than k classes score strictly higher; a
        # target out of range, or a non-finite score anywhere in its row, gives False.
        higher = xp(predictions) > self._expand_dims(score, 1)
        in_top = xp.sum(xp.astype(higher, "int32"), (1,)) < k
        finite = xp.all(xp.isfinite(predictions), (1,))
        return xp.logical_and(xp.logical_and(valid, in_top), finite).value


def _broadcast(shape: tuple[int, ...], other: tuple[int, ...], what: str) -> None:
    """ShapeError unless ``other`` broadcasts against ``shape`` without changing it."""
    if checks.broadcast_or_none(shape, other) != shape:
        raise ShapeError(f"{what}: shapes {shape} and {other} do not broadcast to {shape}")


def _reduction_axes(reduction_axes: object, ndim: int) -> tuple[int, ...]:
    """normalize_batch_in_training's axes: a list or tuple of distinct axes, sorted."""
    if not isinstance(reduction_axes, (list, tuple)):
        raise AxisError(f"reduction_axes must be a list or tuple of axes, got {reduction_axes!r}")
    axes = checks.normalize_axes(tuple(reduction_axes), ndim)
    assert axes is not None  # only axis=None gives None
    return axes


def _bias_shape(shape: tuple[int, ...], bias: tuple[int, ...], data_format: str) -> tuple[int, ...]:
    """The shape a bias takes to broadcast against ``x`` of ``shape`` (Keras's rule): a vector
    along the channel axis, or a tensor of rank ndim(x) - 1 given channels last (its last axis
    moves first for channels_first)."""
    ndim = len(shape)
    if ndim < 2:
        raise ShapeError(f"bias_add needs x of rank 2 or more, got shape {shape}")
    if len(bias) == 1:
        channel = 1 if data_format == "channels_first" else ndim - 1
        if bias[0] != shape[channel]:
            raise ShapeError(
                f"bias_add: a bias of shape {bias} needs {bias[0]} channels, but x of shape "
                f"{shape} has {shape[channel]} on its channel axis ({data_format})"
            )
        return tuple(bias[0] if i == channel else 1 for i in range(ndim))
    if len(bias) != ndim - 1:
        raise ShapeError(
            f"bias_add needs a bias of rank 1 or {ndim - 1} for x of shape {shape}, got shape "
            f"{bias}"
        )
    if ndim > 5:
        raise ShapeError(
            f"bias_add: a bias of rank ndim(x) - 1 needs x of rank 3 to 5, got shape {shape}; "
            "use a bias vector"
        )
    target = (1, bias[-1], *bias[:-1]) if data_format == "channels_first" else (1, *bias)
    _broadcast(shape, target, f"bias_add: x and the bias (as {data_format})")
    return target
