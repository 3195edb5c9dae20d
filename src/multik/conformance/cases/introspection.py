"""Conformance cases of family C: cast."""

from __future__ import annotations

import math

import numpy as np

from multik.conformance.cases.table import (
    DTYPE_NAMES,
    FLOAT_NAMES,
    add,
    add_error,
    exact,
    f64,
    q,
    rounded,
)
from multik.dtypes import (
    FLOATS,
    INTS,
    numpy_dtype,
)
from multik.errors import (
    DTypeError,
)

# --------------------------------------------------------------------------- cast

_SATURATE = [
    -2.7,
    -1.7,
    -0.5,
    0.5,
    1.7,
    2.5,
    -129,
    128,
    200,
    255.9,
    256,
    300.7,
    -1,
    3e9,
    -3e9,
    np.nan,
    np.inf,
    -np.inf,
]


def _saturated(x: np.ndarray, target: str) -> np.ndarray:
    """Float to int: truncate toward zero, saturate at the target's range, NaN to 0 (exact ints)."""
    info = np.iinfo(numpy_dtype(target))

    def one(value: float) -> int:
        if math.isnan(value):
            return 0
        if value >= info.max:
            return int(info.max)
        if value <= info.min:
            return int(info.min)
        return math.trunc(value)

    return np.array([one(v) for v in f64(x).reshape(-1).tolist()], numpy_dtype(target)).reshape(
        x.shape
    )


def _cast_expected(x: np.ndarray, target: str) -> np.ndarray:
    source = x.dtype.name
    if target == "bool":
        return f64(x) != 0
    if target in INTS and source in FLOATS:
        return _saturated(x, target)
    if target in INTS:
        return rounded(exact(x), target)
    return rounded(f64(x), target)


def _casts() -> None:
    values = [0, 1, 2, 3, 5, 100]
    for source in DTYPE_NAMES:
        x = q([True, False, True, True, False, True] if source == "bool" else values, source)
        for target in DTYPE_NAMES:
            add(
                f"cast-{source}-to-{target}",
                "cast",
                x,
                target,
                expected=_cast_expected(x, target),
                dtype=target,
            )
    for source in FLOAT_NAMES:
        x = q(_SATURATE, source)
        for target in ("int8", "uint8", "int16", "int32", "int64"):
            tags = frozenset({"cast-saturate"})
            add(
                f"cast-{source}-to-{target}-saturate-nan",
                "cast",
                x,
                target,
                expected=_saturated(x, target),
                dtype=target,
                tags=tags,
            )
        add(
            f"cast-{source}-to-bool-nan-inf",
            "cast",
            q([0, -0.0, 0.1, np.nan, np.inf], source),
            "bool",
            expected=np.array([False, False, True, True, True]),
            dtype="bool",
        )
    add(
        "cast-float32-to-int32-truncates",
        "cast",
        q([1.7, -1.7, 2.5], "float32"),
        "int32",
        expected=np.array([1, -1, 2], np.int32),
        dtype="int32",
    )
    add(
        "cast-int32-to-int8-wraps",
        "cast",
        q([300, -129, 65535], "int32"),
        "int8",
        expected=np.array([44, 127, -1], np.int8),
        dtype="int8",
    )
    add(
        "cast-int32-to-uint8-wraps",
        "cast",
        q([-1, 256, 300], "int32"),
        "uint8",
        expected=np.array([255, 0, 44], np.uint8),
        dtype="uint8",
    )
    add(
        "cast-float32-to-float16-overflow",
        "cast",
        q([1e5, -1e5, 1e-8], "float32"),
        "float16",
        expected=np.array([np.inf, -np.inf, 0], np.float16),
        dtype="float16",
    )
    add(
        "cast-python-list",
        "cast",
        [1.7, -1.7],
        "int32",
        expected=np.array([1, -1], np.int32),
        dtype="int32",
    )
    add(
        "cast-numpy-dtype-argument",
        "cast",
        q([1, 2], "int32"),
        np.float64,
        expected=np.array([1, 2], np.float64),
        dtype="float64",
    )
    add(
        "cast-leaves-input-dtype",
        "cast",
        q([1.5, 2.5], "float32"),
        call=lambda k, x: k.dtype(x) if k.dtype(k.cast(x, "int32")) == "int32" else "cast failed",
        expected="float32",
        eager_only="returns a dtype name (a Python str)",
    )
    add(
        "cast-variable-returns-new-tensor",
        "cast",
        q([1.5, 2.5], "float32"),
        call=lambda k, x: (lambda v: (k.dtype(k.cast(v, "float16")), k.dtype(v)))(k.variable(x)),
        expected=("float16", "float32"),
        eager_only="returns dtype names (Python strs)",
    )
    add_error("cast-unknown-dtype", "cast", DTypeError, q([1], "float32"), "float128x")
    add_error("cast-unsupported-dtype", "cast", DTypeError, q([1], "float32"), "uint32")


def build() -> None:
    """Add this family's cases to the table."""
    _casts()
