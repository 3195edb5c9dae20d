"""Families I and K, neural-network ops: activations and softmax."""

from __future__ import annotations

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor
from multik.errors import DTypeError


class NNFormulas(Conversion):
    """Families I and K, neural-network ops: activations and softmax."""

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
