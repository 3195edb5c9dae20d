"""K functions of families I and K: activations and other neural-network ops."""

from __future__ import annotations

from typing import Any

from multik.api._forward import forward
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "batch_normalization",
    "bias_add",
    "elu",
    "hard_sigmoid",
    "in_top_k",
    "l2_normalize",
    "normalize_batch_in_training",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
]


@forward
def relu(
    x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """``x`` above ``threshold`` (at most ``max_value``), else ``alpha*(x-threshold)``."""


@forward
def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (computed with expm1)."""


@forward
def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax over ``axis`` (1-D allowed); an inf or NaN in a row makes the row NaN."""


@forward
def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow."""


@forward
def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``."""


@forward
def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""


@forward
def hard_sigmoid(x: Any) -> Tensor:
    """Keras 2's ``clip(0.2 * x + 0.5, 0, 1)`` (not the x/6 + 0.5 of PyTorch and JAX)."""


@forward
def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""


@forward
def l2_normalize(x: Any, axis: Any = None) -> Tensor:
    """``x / sqrt(max(sum(x**2, axis), 1e-12))``; ``axis=None`` normalises over all axes.

    ``axis`` may be an int or a list/tuple of ints; integer input is computed in floatx, and
    float16/bfloat16 in float32 (rounded once).
    """


@forward
def bias_add(x: Any, bias: Any, data_format: str | None = None) -> Tensor:
    """``x`` plus ``bias`` along the channel axis that ``data_format`` names (None: the
    configured ``image_data_format()``; either spelling case works).

    ``x`` has rank 2 or more. A bias vector needs as many entries as ``x`` has channels (axis 1
    for 'channels_first', the last axis for 'channels_last'); a bias of rank ``ndim(x) - 1``
    (x of rank 3 to 5) is given channels last, e.g. ``(rows, cols, channels)``, and for
    'channels_first' its last axis is moved first by a reshape, as Keras does. Anything else
    raises ShapeError.
    """


@forward
def batch_normalization(
    x: Any,
    mean: Any,
    var: Any,
    beta: Any,
    gamma: Any,
    axis: int = -1,
    epsilon: float = 1e-3,
) -> Tensor:
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta``; ``beta`` and ``gamma`` may be None.

    For ``x`` of rank 2 or more, a statistic of rank 1 lies along ``axis`` (the features
    axis); statistics of any other rank broadcast against ``x`` as they are (e.g. ``(1, C, 1,
    1)`` for channels first). The result has ``x``'s dtype (floatx for integers).
    """


def normalize_batch_in_training(
    x: Any, gamma: Any, beta: Any, reduction_axes: Any, epsilon: float = 1e-3
) -> tuple[Tensor, Tensor, Tensor]:
    """``(normed, mean, var)``: the batch mean and (biased) variance of ``x`` over the list of
    ``reduction_axes``, and ``x`` normalised with them as in ``batch_normalization``.

    ``mean`` and ``var`` have the shape of ``x`` without the reduced axes. When the axes are
    every axis but the last, ``gamma`` and ``beta`` broadcast against ``x`` as they are; for any
    other axes (e.g. ``[0, 2, 3]`` for channels first) they are reshaped like the statistics,
    with 1 on the reduced axes, so they need exactly one value per kept position.
    """
    try:
        return _adapter().normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon)
    except SymbolicInput:
        return tuple(  # type: ignore[return-value]
            _symbolic(_batch_statistic, part, x, gamma, beta, reduction_axes, epsilon)
            for part in range(3)
        )


def _batch_statistic(
    part: int, x: Any, gamma: Any, beta: Any, reduction_axes: Any, epsilon: float
) -> Tensor:
    """One of normalize_batch_in_training's three results (a graph has one node per result)."""
    return _adapter().normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon)[part]


@forward
def in_top_k(predictions: Any, targets: Any, k: int) -> Tensor:
    """Bool ``(batch,)``: whether ``predictions[i, targets[i]]`` is among the ``k`` largest.

    ``predictions`` is ``(batch, classes)``, ``targets`` ``(batch,)`` integers. A target is in
    when fewer than ``k`` classes score strictly higher, so ties at the boundary all count;
    ``k <= 0``, a target out of range, or a NaN or infinite score in the row give False.
    """
