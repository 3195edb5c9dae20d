"""K functions of family J: losses."""

from __future__ import annotations

from typing import Any

from multik.api._forward import forward

Tensor = Any

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy",
]


@forward
def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy over ``axis``: ``output`` is renormalised and clipped to [eps, 1 - eps].

    No hidden logits shortcut: an ``output`` from ``K.softmax`` is treated as probabilities.
    """


@forward
def sparse_categorical_crossentropy(
    target: Any,
    output: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> Tensor:
    """Cross-entropy with integer labels ``target``; labels equal to ``ignore_class`` give 0."""


@forward
def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (tf_keras 2.21's formula: ``bce(1, 0) = 15.424949``)."""


@forward
def categorical_focal_crossentropy(
    target: Any,
    output: Any,
    alpha: Any = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    axis: int = -1,
) -> Tensor:
    """``sum(alpha * (1 - p)**gamma * -target * log(p), axis)`` (tf_keras 2.21's focal loss).

    ``p`` is ``output`` (or ``softmax(output, axis)`` with ``from_logits``) renormalised over
    ``axis`` and clipped to [epsilon, 1 - epsilon]; ``alpha`` is a number or one weight per
    class (anything that broadcasts against ``output``).
    """


@forward
def binary_focal_crossentropy(
    target: Any,
    output: Any,
    apply_class_balancing: bool = False,
    alpha: Any = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
) -> Tensor:
    """Element-wise ``(1 - p_t)**gamma * binary_crossentropy(target, output, from_logits)``.

    ``p_t = target * p + (1 - target) * (1 - p)`` with ``p`` the unclipped probability
    (``sigmoid(output)`` with ``from_logits``); with ``apply_class_balancing`` the loss is also
    weighted by ``alpha`` where ``target`` is 1 and ``1 - alpha`` where it is 0 (tf_keras 2.21).
    """
