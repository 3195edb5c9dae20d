"""Turning Python values and NumPy arrays into arrays of multik's dtypes, the same on every backend.

Python ints become int32 (an int that does not fit is an error, never a silent wrap), Python
floats become floatx, Python bools become bool; NumPy arrays keep their dtype.
"""

from __future__ import annotations

import numpy as np

from multik import dtypes
from multik.errors import BackendMismatchError, DTypeError, InvalidArgumentError

_INT32 = np.iinfo(np.int32)
_FRAMEWORK_OF_MODULE = {"tensorflow": "tensorflow", "torch": "torch", "jax": "jax", "jaxlib": "jax"}


def python_array(value: object) -> np.ndarray:
    """``np.asarray`` of a Python scalar or nested list/tuple; ragged nesting is an error."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgumentError(f"cannot convert {value!r} to a tensor: {exc}") from exc


def python_to_numpy(value: object, floatx: str) -> np.ndarray:
    """A NumPy array for a Python scalar or nested list/tuple, with multik's default dtypes."""
    array = python_array(value)
    kind = array.dtype.kind
    if kind == "b":
        return array
    if kind in "iu":
        if array.size and (array.min() < _INT32.min or array.max() > _INT32.max):
            raise InvalidArgumentError(
                "a Python int does not fit int32, the dtype multik gives Python ints; "
                "pass a NumPy array with dtype='int64' instead"
            )
        return array.astype(np.int32)
    if kind == "f":
        return array.astype(dtypes.numpy_dtype(floatx))
    raise DTypeError(
        f"cannot convert {type(value).__name__} {value!r} to a tensor: it is not made of "
        "numbers or bools"
    )


def numpy_input(array: np.ndarray | np.generic) -> np.ndarray:
    """A NumPy array input, checked to have a dtype multik supports; its dtype is kept, in the
    machine's byte order (frameworks reject big-endian arrays on little-endian machines)."""
    array = np.asarray(array)
    dtypes.canonical(array.dtype)
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def framework_of(value: object) -> str | None:
    """The framework a foreign tensor belongs to, from its class's module, or None."""
    root = type(value).__module__.split(".", 1)[0]
    return _FRAMEWORK_OF_MODULE.get(root)


def mismatch(value: object, active: str, owner: str | None = None) -> BackendMismatchError:
    """The error for a tensor (or Variable) of framework ``owner`` used under backend ``active``."""
    owner = owner or framework_of(value) or type(value).__name__
    return BackendMismatchError(
        f"got a {owner} {type(value).__name__} while the active backend is {active!r}; multik "
        "never copies tensors between frameworks silently: convert it first (K.eval(x) or "
        f"np.asarray(x) gives a NumPy array), or run this code under multik.use_backend({owner!r})"
    )
