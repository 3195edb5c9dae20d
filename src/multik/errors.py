"""The exceptions multik raises: one hierarchy, the same classes on every backend.

Each class also derives from the built-in exception that legacy code already catches
(``ValueError``, ``TypeError``, ...), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "AxisError",
    "BackendMismatchError",
    "BackendNotFoundError",
    "BackendUnavailableError",
    "ConfigError",
    "DTypeError",
    "InvalidArgumentError",
    "MultikError",
    "ShapeError",
    "UnsupportedError",
]


class MultikError(Exception):
    """Root of every error multik raises."""

    #: Tells TensorFlow's AutoGraph to re-raise the error as it is inside ``tf.function``
    #: (otherwise it becomes a StagingError), so compiled code raises the same class and message.
    ag_pass_through = True


class BackendNotFoundError(MultikError, ValueError):
    """A backend name that multik does not know (a typo, or a legacy name such as ``theano``)."""


class BackendUnavailableError(MultikError, ImportError):
    """A known backend whose framework is not installed; the message names the pip extra."""


class ConfigError(MultikError, ValueError):
    """A bad Keras config file or a bad configuration value (floatx, epsilon, image_data_format)."""


class BackendMismatchError(MultikError, TypeError):
    """A tensor of one framework was passed while another backend is active."""


class InvalidArgumentError(MultikError, ValueError):
    """An argument value that the function does not accept."""


class AxisError(InvalidArgumentError, IndexError):
    """An axis out of range, repeated, or of the wrong type; also an ``IndexError`` like NumPy's."""


class IndexRangeError(InvalidArgumentError, IndexError):
    """An index outside the axis it indexes (``variable[5]`` of 3 elements); an ``IndexError``
    like Python's, so iteration over a Variable ends where it should."""


class ShapeError(InvalidArgumentError):
    """Shapes that the operation cannot combine (dot, reshape, squeeze of a non-1 axis, ...)."""


class DTypeError(MultikError, TypeError):
    """A dtype that does not exist, is not accepted by the function, or needs 64-bit JAX."""


class UnsupportedError(MultikError, NotImplementedError):
    """An operation the active backend cannot perform; the message says why and what to use."""


class SymbolicInput(InvalidArgumentError):
    """A symbolic tensor where a value is needed. The K front-end catches it from an adapter
    and builds a graph node instead; reaching the user means the call takes no symbolic input."""
