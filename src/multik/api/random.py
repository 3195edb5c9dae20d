"""K functions of family M: random numbers and dropout.

Numbers differ between backends (each uses its framework's generator) but follow the same
rules everywhere: an int ``seed`` gives the same numbers each time; ``seed=None`` gives new
numbers on each call, and on each run of a ``K.function`` (compiled too) that draws them.
"""

from __future__ import annotations

from typing import Any

from multik import rng
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput
from multik.variable import Variable

Tensor = Any

__all__ = [
    "dropout",
    "random_bernoulli",
    "random_binomial",
    "random_normal",
    "random_normal_variable",
    "random_uniform",
    "random_uniform_variable",
    "truncated_normal",
]


def random_uniform(
    shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
) -> Tensor:
    """Numbers uniform in ``[minval, maxval)``, of floatx unless ``dtype`` is given (an integer
    dtype draws integers, with integer bounds). ``shape`` may be ``K.shape(x)`` or hold scalar
    tensors. An int ``seed`` gives the same numbers each time."""
    try:
        return _adapter().random_uniform(shape, minval, maxval, dtype, seed)
    except SymbolicInput:
        return rng.draw(random_uniform, shape, minval, maxval, dtype, seed=seed)


def random_normal(
    shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
) -> Tensor:
    """Normally distributed numbers of ``mean`` and ``stddev`` (a float dtype, floatx default)."""
    try:
        return _adapter().random_normal(shape, mean, stddev, dtype, seed)
    except SymbolicInput:
        return rng.draw(random_normal, shape, mean, stddev, dtype, seed=seed)


def truncated_normal(
    shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
) -> Tensor:
    """Normal numbers redrawn until within 2 ``stddev`` of ``mean`` (their standard deviation is
    about 0.8796 ``stddev``)."""
    try:
        return _adapter().truncated_normal(shape, mean, stddev, dtype, seed)
    except SymbolicInput:
        return rng.draw(truncated_normal, shape, mean, stddev, dtype, seed=seed)


def random_bernoulli(shape: Any, p: float = 0.0, dtype: Any = None, seed: Any = None) -> Tensor:
    """1 with probability ``p``, else 0, in a float dtype (floatx default)."""
    try:
        return _adapter().random_bernoulli(shape, p, dtype, seed)
    except SymbolicInput:
        return rng.draw(random_bernoulli, shape, p, dtype, seed=seed)


def random_binomial(shape: Any, p: float = 0.0, dtype: Any = None, seed: Any = None) -> Tensor:
    """``random_bernoulli`` (its Keras 2 name)."""
    try:
        return _adapter().random_binomial(shape, p, dtype, seed)
    except SymbolicInput:
        return rng.draw(random_binomial, shape, p, dtype, seed=seed)


def random_uniform_variable(
    shape: Any,
    low: float,
    high: float,
    dtype: Any = None,
    name: str | None = None,
    seed: Any = None,
) -> Variable:
    """A Variable of numbers uniform in ``[low, high)``, drawn now (in graph mode too)."""
    return _adapter().random_uniform_variable(shape, low, high, dtype, name, seed)


def random_normal_variable(
    shape: Any,
    mean: float,
    scale: float,
    dtype: Any = None,
    name: str | None = None,
    seed: Any = None,
) -> Variable:
    """A Variable of normal numbers of ``mean`` and standard deviation ``scale``, drawn now."""
    return _adapter().random_normal_variable(shape, mean, scale, dtype, name, seed)


def dropout(x: Any, level: float, noise_shape: Any = None, seed: Any = None) -> Tensor:
    """``x`` with each entry set to 0 with probability ``level`` (the DROP rate, in [0, 1)) and
    the others scaled by ``1 / (1 - level)``; ``noise_shape`` is the shape of the keep/drop
    mask, broadcast against ``x`` (``(1, n)`` drops whole columns). Applied whatever the
    learning phase: use ``K.in_train_phase(K.dropout(x, level), x)`` as Keras layers do."""
    try:
        return _adapter().dropout(x, level, noise_shape, seed)
    except SymbolicInput:
        return rng.draw(dropout, x, level, noise_shape, seed=seed)
