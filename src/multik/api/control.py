"""K functions of family N: control flow (the train/test switch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik import session
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "in_test_phase",
    "in_train_phase",
]


def _select_branch(training: Any, x: Any, alt: Any) -> Tensor:
    try:
        return _adapter()._select_branch(training, x, alt)
    except SymbolicInput:
        return _symbolic(_select_branch, training, x, alt)


def in_train_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the training phase, else ``alt``; either may be a callable that makes it.

    ``training=None`` uses ``K.learning_phase()``: unless it is set, the result is symbolic.
    """
    if training is None:
        training = session.learning_phase()
    if not isinstance(training, SymbolicTensor) and isinstance(training, (bool, int, np.integer)):
        if training not in (0, 1):
            raise InvalidArgumentError(f"training must be 0, 1 or a tensor, got {training!r}")
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    return _select_branch(training, x, alt)


def in_test_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the test phase, else ``alt`` (``in_train_phase`` with the branches swapped)."""
    return in_train_phase(alt, x, training)
