"""multik: the legacy Keras backend API (``K``) on TensorFlow, PyTorch, JAX and NumPy.

``from multik import backend as K`` and legacy code runs unchanged on the backend chosen by
``multik.set_backend``, ``multik.use_backend``, ``MULTIK_BACKEND``/``KERAS_BACKEND`` or the Keras
config file. Importing multik imports no framework and writes nothing.
"""

from __future__ import annotations

from multik import errors
from multik.backends import available_backends
from multik.config import (
    batch_dot_rules,
    get_backend,
    reload,
    set_backend,
    set_batch_dot_rules,
    use_backend,
    use_batch_dot_rules,
)
from multik.info import backend_info
from multik.variable import Variable

__version__ = "0.1.0"

__all__ = [
    "Variable",
    "__version__",
    "available_backends",
    "backend_info",
    "batch_dot_rules",
    "errors",
    "get_backend",
    "reload",
    "set_backend",
    "set_batch_dot_rules",
    "use_backend",
    "use_batch_dot_rules",
]
