"""K functions of families I and K: activations and other neural-network ops."""

from __future__ import annotations

from typing import Any

from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "elu",
    "hard_sigmoid",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "softsign",
    "tanh",
]


def relu(
    x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """``x`` above ``threshold`` (at most ``max_value``), else ``alpha*(x-threshold)``."""
    try:
        return _adapter().relu(x, alpha, max_value, threshold)
    except SymbolicInput:
        return _symbolic(relu, x, alpha, max_value, threshold)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)`` (computed with expm1)."""
    try:
        return _adapter().elu(x, alpha)
    except SymbolicInput:
        return _symbolic(elu, x, alpha)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """Softmax over ``axis`` (1-D allowed); an inf or NaN in a row makes the row NaN."""
    try:
        return _adapter().softmax(x, axis)
    except SymbolicInput:
        return _symbolic(softmax, x, axis)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``, computed without overflow."""
    try:
        return _adapter().softplus(x)
    except SymbolicInput:
        return _symbolic(softplus, x)


def softsign(x: Any) -> Tensor:
    """``x / (1 + |x|)``."""
    try:
        return _adapter().softsign(x)
    except SymbolicInput:
        return _symbolic(softsign, x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    try:
        return _adapter().sigmoid(x)
    except SymbolicInput:
        return _symbolic(sigmoid, x)


def hard_sigmoid(x: Any) -> Tensor:
    """Keras 2's ``clip(0.2 * x + 0.5, 0, 1)`` (not the x/6 + 0.5 of PyTorch and JAX)."""
    try:
        return _adapter().hard_sigmoid(x)
    except SymbolicInput:
        return _symbolic(hard_sigmoid, x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    try:
        return _adapter().tanh(x)
    except SymbolicInput:
        return _symbolic(tanh, x)
