"""Family D, evaluation and graph helpers: stop_gradient, print_tensor."""

from __future__ import annotations

import sys

import numpy as np

from multik.backends.conversion import Conversion, Tensor
from multik.errors import (
    UnsupportedError,
)


def format_printed(message: str, array: np.ndarray, summarize: int) -> str:
    """What ``K.print_tensor`` prints: the message, then the value, at most ``summarize``
    items at each end of every axis (-1: everything)."""
    threshold = sys.maxsize if summarize is None or summarize < 0 else 2 * summarize
    text = np.array2string(array, threshold=threshold, edgeitems=max(summarize or 0, 1))
    return f"{message} {text}" if message else text


class StateFormulas(Conversion):
    """Family D, evaluation and graph helpers: stop_gradient, print_tensor."""

    # ----------------------------------------------------------------- graph helpers

    def stop_gradient(self, variables: object) -> Tensor:
        return self._unshared(self._stop_gradient(self.tensor(variables)), variables)

    def print_tensor(self, x: object, message: str = "", summarize: int = 3) -> Tensor:
        original, x = x, self.tensor(x)
        if not self._is_concrete(x):
            raise UnsupportedError(
                f"K.print_tensor cannot print inside a compiled {self.name} function (the value "
                "does not exist while tracing); print the outputs of K.function, or use "
                "K.print_tensor on a symbolic tensor, which prints each time K.function runs"
            )
        print(format_printed(message, self._to_numpy(x), summarize))
        return self._unshared(x, original)
