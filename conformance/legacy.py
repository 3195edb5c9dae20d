"""tf_keras as the legacy oracle: its backend module with TensorFlow's batch_gather added, and
the case settings (floatx, epsilon) applied to it for one call."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

#: Keras 2.3.1 functions that tf_keras 2.21 still defines (and runs) but no longer exports.
_UNEXPORTED = ("conv3d_transpose", "logsumexp")


class Legacy:
    """tf_keras.backend, plus TensorFlow's batch_gather (legacy code calls K.tf.batch_gather),
    which it lacks, and the functions tf_keras keeps unexported in tf_keras.src.backend."""

    def __getattr__(self, name: str) -> Any:
        import tensorflow as tf
        import tf_keras

        if name == "batch_gather":
            return tf.compat.v1.batch_gather
        if name in _UNEXPORTED:
            from tf_keras.src import backend

            return getattr(backend, name)
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
