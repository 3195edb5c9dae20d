"""Family J, losses: the tf_keras cross-entropy and focal-loss formulas."""

from __future__ import annotations

import numpy as np

from multik import config
from multik.backends import _checks as checks
from multik.backends.conversion import Conversion, Tensor, is_python_number
from multik.errors import InvalidArgumentError, ShapeError


class LossFormulas(Conversion):
    """Family J, losses: the tf_keras cross-entropy and focal-loss formulas."""

    # ----------------------------------------------------------------- losses

    def _loss_operands(self, target: object, output: object) -> tuple[Tensor, Tensor, str]:
        output, result = self._float_input(output)
        target = self._as(self.tensor(target), self._dtype(output))
        return target, output, result

    def _clip_probabilities(self, output: Tensor) -> Tensor:
        eps = config.epsilon()
        return self._clip_scalars(output, eps, 1.0 - eps)

    def categorical_crossentropy(
        self, target: object, output: object, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        if self._shape(target) != self._shape(output):
            raise ShapeError(
                f"categorical_crossentropy needs target and output of the same shape, got "
                f"{self._shape(target)} and {self._shape(output)}"
            )
        axes = (checks.normalize_axis(axis, len(self._shape(output))),)
        # Nested calls, so each large temporary is freed as soon as it is used: allocators
        # reuse a freed block at once, while a live one forces fresh pages (2x slower on torch).
        log_p = self._log_probabilities(output, axes, from_logits)
        weighted = self._binary("multiply", target, log_p)
        del log_p  # freed before the reduction, as in a one-line NumPy formula
        return self._as(self._unary("negative", self._sum(weighted, axes, False)), result)

    def _log_probabilities(
        self, output: Tensor, axes: tuple[int, ...], from_logits: bool
    ) -> Tensor:
        """log_softmax of logits, or the log of probabilities renormalised over ``axes`` and
        clipped to [epsilon, 1 - epsilon] (the tf_keras formula)."""
        if from_logits:
            return self._log_softmax(output, axes)
        total = self._sum(output, axes, True)
        return self._unary("log", self._clip_probabilities(self._binary("divide", output, total)))

    def sparse_categorical_crossentropy(
        self,
        target: object,
        output: object,
        from_logits: bool = False,
        axis: int = -1,
        ignore_class: int | None = None,
    ) -> Tensor:
        output, result = self._float_input(output)
        target = self.index_tensor(target)
        shape = self._shape(output)
        if not shape:
            raise ShapeError("sparse_categorical_crossentropy needs output of rank 1 or more")
        axis = checks.normalize_axis(axis, len(shape))
        if axis != len(shape) - 1:
            perm = (*[a for a in range(len(shape)) if a != axis], axis)
            output = self._transpose(output, perm)
            shape = self._shape(output)
        classes = shape[-1]
        if checks.size_of(self._shape(target)) != checks.size_of(shape[:-1]):
            raise ShapeError(
                f"sparse_categorical_crossentropy: target of shape {self._shape(target)} does "
                f"not hold one label per row of output {shape} (class axis last)"
            )
        self._check_labels(target, classes, ignore_class)
        labels = self._reshape(self.cast(target, "int32"), shape[:-1])
        if ignore_class is not None:
            keep = self._op("not_equal", labels, int(ignore_class))
            labels = self._where(keep, labels, self._scalar(0, "int32"))
        if not from_logits:
            output = self._unary("log", self._clip_probabilities(output))
        log_p = self._log_softmax(output, (len(shape) - 1,))
        picked = self.one_hot(labels, classes)
        loss = self._unary(
            "negative",
            self._sum(
                self._binary("multiply", self._as(picked, self._dtype(log_p)), log_p),
                (len(shape) - 1,),
                False,
            ),
        )
        if ignore_class is not None:
            loss = self._where(keep, loss, self._scalar(0, self._dtype(loss)))
        if len(shape) == 1 and self._shape(target):
            loss = self._reshape(loss, (1,))  # one row, as tf_keras shapes it: (1,)
        return self._as(loss, result)

    def _check_labels(self, target: Tensor, classes: int, ignore_class: int | None) -> None:
        """Labels must be finite and in [0, classes) (or equal ``ignore_class``), checked
        before they are cast to int32, which would map NaN to 0 and wrap 2**32 + 1 to 1. A
        compiled function cannot look at values: there, as in TensorFlow's graphs, the check
        is skipped and an out-of-range label gives a zero one-hot row."""
        if not self._is_concrete(target):
            return
        values = self._to_numpy(target)
        if values.dtype.kind == "f":
            if not np.isfinite(values).all():
                raise InvalidArgumentError(
                    "sparse_categorical_crossentropy labels must be finite class indices, got "
                    f"{values[~np.isfinite(values)].flat[0]}"
                )
            values = np.trunc(values)
        if ignore_class is not None:
            values = values[values != ignore_class]
        if values.size and (values.min() < 0 or values.max() >= classes):
            raise InvalidArgumentError(
                f"sparse_categorical_crossentropy labels: indices must be in [0, {classes}), got "
                f"values from {values.min()} to {values.max()}"
            )

    def binary_crossentropy(
        self, target: object, output: object, from_logits: bool = False
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        return self._as(self._binary_crossentropy(target, output, from_logits), result)

    def _binary_crossentropy(self, target: Tensor, output: Tensor, from_logits: bool) -> Tensor:
        """tf_keras's binary cross-entropy of operands already in one float compute dtype."""
        xp = self.xp
        t = xp(target)
        if from_logits and self._shape(target) != self._shape(output):
            raise ShapeError(
                "binary_crossentropy with from_logits=True needs target and output of the same "
                f"shape (as tf_keras), got {self._shape(target)} and {self._shape(output)}"
            )
        if from_logits:
            z = xp(output)
            return (xp.maximum(z, 0) - z * t + xp.log1p(xp.exp(-abs(z)))).value
        eps = config.epsilon()
        o = xp(self._clip_probabilities(output))
        # 1 - o is exact here; the maximum (a no-op, o <= 1 - eps) stops graph optimisers (TF's
        # arithmetic optimiser) from regrouping (1 - o) + eps into (1 + eps) - o, which rounds.
        not_o = xp.maximum(1.0 - o, 0)
        return (-(t * xp.log(o + eps) + (1.0 - t) * xp.log(not_o + eps))).value

    # ----------------------------------------------------------------- focal losses

    def _weight(self, value: object, like: Tensor, what: str) -> object:
        """A focal-loss factor: a Python number as it is, else a Term in ``like``'s dtype that
        broadcasts against ``like`` (e.g. one alpha per class)."""
        if is_python_number(value):
            return value
        value = self.tensor(value)
        shape, other = self._shape(like), self._shape(value)
        if checks.broadcast_or_none(shape, other) != shape:
            raise ShapeError(f"{what} of shape {other} does not broadcast against {shape}")
        return self.xp(self._as(value, self._dtype(like)))

    def categorical_focal_crossentropy(
        self,
        target: object,
        output: object,
        alpha: object = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        axis: int = -1,
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        if self._shape(target) != self._shape(output):
            raise ShapeError(
                f"categorical_focal_crossentropy needs target and output of the same shape, got "
                f"{self._shape(target)} and {self._shape(output)}"
            )
        axes = (checks.normalize_axis(axis, len(self._shape(output))),)
        alpha = self._weight(alpha, output, "categorical_focal_crossentropy: alpha")
        xp = self.xp
        p = xp(self._softmax(output, axes)) if from_logits else xp(output)
        p = xp(self._clip_probabilities((p / xp.sum(p, axes, keepdims=True)).value))
        cross_entropy = -xp(target) * xp.log(p)
        focal = (1.0 - p) ** gamma * alpha * cross_entropy
        return self._as(xp.sum(focal, axes).value, result)

    def binary_focal_crossentropy(
        self,
        target: object,
        output: object,
        apply_class_balancing: bool = False,
        alpha: object = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
    ) -> Tensor:
        target, output, result = self._loss_operands(target, output)
        xp = self.xp
        t = xp(target)
        p = xp.sigmoid(output) if from_logits else xp(output)
        p_t = t * p + (1.0 - t) * (1.0 - p)
        focal = (1.0 - p_t) ** gamma * xp(self._binary_crossentropy(target, output, from_logits))
        if apply_class_balancing:
            alpha = self._weight(alpha, focal.value, "binary_focal_crossentropy: alpha")
            focal = (t * alpha + (1.0 - t) * (1.0 - alpha)) * focal
        return self._as(focal.value, result)
