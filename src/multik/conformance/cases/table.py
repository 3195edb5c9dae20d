"""One conformance case (``Case``), the table every family module adds to, and their helpers.

A case names a K function, its inputs (NumPy arrays of a given dtype, or Python values, which
are passed as they are) and keyword arguments, and EITHER the expected result with its dtype
name OR the multik error class that bad input must raise. Expected values are independent of
multik: a float64 NumPy expression computed from the same already-quantised inputs and then
rounded to the expected dtype (integers are computed exactly in int64 and wrapped to the
expected dtype), or a hand-checked literal. Expected dtypes follow the documented dtype rules.

Every case also runs compiled (``jax.jit``, ``tf.function``, ``tf.function(jit_compile=True)``,
``torch.compile``), except the cases that can never be compiled, which say why in
``eager_only`` (they return Variables, Python values or NumPy arrays, or their error depends on
the data).

bfloat16 inputs need the optional ml_dtypes package; without it no bfloat16 case is built and
``BFLOAT16_MISSING`` says so (the tests record it as a skip with that reason).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from multik.dtypes import (
    DTYPES,
    FLOATS,
    INTS,
    numpy_dtype,
)
from multik.errors import (
    DTypeError,
    MultikError,
)

__all__ = [
    "BFLOAT16_MISSING",
    "DTYPE_NAMES",
    "EPSILON",
    "FLOAT_NAMES",
    "TABLE",
    "Case",
    "Foreign",
    "add",
    "add_error",
    "axis_text",
    "built",
    "exact",
    "f64",
    "q",
    "rounded",
    "sample",
    "tuple_axis",
]

EPSILON = 1e-7


def _bfloat16_missing() -> str:
    try:
        numpy_dtype("bfloat16")
    except DTypeError:
        return "ml_dtypes is not installed: bfloat16 cases are not built"
    return ""


#: Why no bfloat16 case is built here ("" when they are): bfloat16 arrays need ml_dtypes, an
#: optional dependency of the numpy backend. Tests that lose those cases skip with this reason.
BFLOAT16_MISSING = _bfloat16_missing()


def built(names: tuple[str, ...]) -> tuple[str, ...]:
    """``names`` without bfloat16 when its cases cannot be built."""
    return tuple(n for n in names if n != "bfloat16" or not BFLOAT16_MISSING)


DTYPE_NAMES = built(DTYPES)
FLOAT_NAMES = built(FLOATS)


@dataclass(frozen=True)
class Foreign:
    """An input that must be a tensor of another framework than the active backend's."""

    array: np.ndarray


@dataclass(frozen=True)
class Case:
    """One call of one K function and what it must give on every backend and in every mode."""

    id: str
    function: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    expected: Any = None
    dtype: str | None = None
    error: type[MultikError] | None = None
    terms: int = 1
    call: Callable[..., Any] | None = None
    eager_only: str = ""
    floatx: str | None = None
    epsilon: float | None = None
    tags: frozenset[str] = frozenset()
    legacy: str = ""

    def invoke(self, k: Any, *args: Any) -> Any:
        """Call the case through the K module ``k`` (multik.backend or tf_keras.backend)."""
        if self.call is not None:
            return self.call(k, *args, **self.kwargs)
        return getattr(k, self.function)(*args, **self.kwargs)


TABLE: list[Case] = []


def add(case_id: str, function: str, *args: Any, **options: Any) -> None:
    TABLE.append(Case(case_id, function, args, **options))


def add_error(
    case_id: str, function: str, error: type[MultikError], *args: Any, **options: Any
) -> None:
    TABLE.append(Case(case_id, function, args, error=error, **options))


# --------------------------------------------------------------------------- helpers


def q(values: Any, dtype: str) -> np.ndarray:
    """``values`` quantised to ``dtype`` (the input every backend receives)."""
    array = np.asarray(values)
    if dtype == "bool":
        return array.astype(bool)
    return array.astype(numpy_dtype(dtype))


def f64(x: np.ndarray) -> np.ndarray:
    """The exact float64 values of an input array."""
    return np.asarray(x).astype(np.float64)


def rounded(values: Any, dtype: str) -> np.ndarray:
    """Reference values (float64 or exact ints) rounded or wrapped to ``dtype``."""
    array = np.asarray(values)
    if dtype == "bool":
        return array.astype(bool)
    if dtype in INTS and array.dtype.kind in "iub":
        return array.astype(np.int64).astype(numpy_dtype(dtype))
    return array.astype(numpy_dtype(dtype))


def exact(x: np.ndarray) -> np.ndarray:
    """Integers and bools as int64, floats as float64: the exact reference inputs."""
    return x.astype(np.int64) if x.dtype.kind in "biu" else f64(x)


def axis_text(axis: Any) -> str:
    if isinstance(axis, list):
        return "[" + ",".join(map(str, axis)) + "]"
    if isinstance(axis, tuple):
        return "(" + ",".join(map(str, axis)) + ")"
    return str(axis)


def sample(shape: tuple[int, ...], dtype: str, product: bool = False) -> np.ndarray:
    """Deterministic values of ``dtype`` (small factors for products), exactly representable."""
    i = np.arange(math.prod(shape))
    if dtype == "bool":
        values: np.ndarray = i % 3 == 0
    elif dtype == "uint8":
        values = i % 2 + 1 if product else i * 7 % 11
    elif dtype in INTS:
        values = np.array([1, 2, -1])[i % 3] if product else i * 5 % 11 - 5
    else:
        values = (
            np.array([1.5, -0.5, 1.25, 0.75])[i % 4]
            if product
            else (i * 5 % 11 - 5) * 0.375 + 0.0625
        )
    return q(values.reshape(shape), dtype)


def tuple_axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis
