"""tf_keras as the legacy oracle: its backend module with TensorFlow's batch_gather added, and
the case settings (floatx, epsilon) applied to it for one call."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


class Legacy:
    """tf_keras.backend, plus TensorFlow's batch_gather (API.md Decision 1) and the logsumexp
    it keeps unexported."""

    def __getattr__(self, name: str) -> Any:
        import tensorflow as tf
        import tf_keras

        if name == "batch_gather":
            return tf.compat.v1.batch_gather
        if (
            name == "logsumexp"
        ):  # Keras 2.3.1's function, which tf_keras keeps but no longer exports
            from tf_keras.src import backend

            return backend.logsumexp
        return getattr(tf_keras.backend, name)


@contextlib.contextmanager
def legacy_settings(k: Any, floatx: str | None, epsilon: float | None) -> Iterator[None]:
    """Set tf_keras's floatx and epsilon for one case, restoring them afterwards."""
    old_floatx, old_epsilon = k.floatx(), k.epsilon()
    try:
        if floatx:
            k.set_floatx(floatx)
        if epsilon:
            k.set_epsilon(epsilon)
        yield
    finally:
        k.set_floatx(old_floatx)
        k.set_epsilon(old_epsilon)
