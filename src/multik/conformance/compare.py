"""The tolerance table and the comparison of a result with its expected value (kept only here).

Integers and bools must match exactly. Floats must satisfy
``|actual - expected| <= atol + rtol * |expected| + 4 * eps * sqrt(N) * max|expected|`` where
``N`` is the number of terms an op accumulates (1 for element-wise ops) and ``eps`` is the
machine epsilon of the dtype the op accumulates in (float32 for float16/bfloat16). NaN
positions and the sign of infinities must match; the sign of zero is not compared. Shape and
dtype name must be identical.
"""

from __future__ import annotations

import math

import numpy as np

from multik import dtypes

__all__ = ["TOLERANCES", "mismatch"]

#: dtype -> (rtol, atol), SEMANTICS.md §14.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-12, 1e-12),
}
_EPS = {"float32": float(np.finfo(np.float32).eps), "float64": float(np.finfo(np.float64).eps)}


def mismatch(
    actual: np.ndarray, actual_dtype: str, expected: np.ndarray, expected_dtype: str, terms: int = 1
) -> str | None:
    """None when ``actual`` matches ``expected`` under the table, else what differs."""
    if actual_dtype != expected_dtype:
        return f"dtype {actual_dtype}, expected {expected_dtype}"
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    if not dtypes.is_float(expected_dtype):
        if np.array_equal(actual, expected):
            return None
        return (
            f"values differ (exact dtype {expected_dtype}):\n"
            f"  got      {actual!r}\n  expected {expected!r}"
        )
    got, ref = actual.astype(np.float64), expected.astype(np.float64)
    nan_got, nan_ref = np.isnan(got), np.isnan(ref)
    if not np.array_equal(nan_got, nan_ref):
        return f"NaN positions differ:\n  got      {got!r}\n  expected {ref!r}"
    inf_got, inf_ref = np.isinf(got), np.isinf(ref)
    if not np.array_equal(inf_got, inf_ref) or not np.array_equal(got[inf_got], ref[inf_ref]):
        return f"infinities differ:\n  got      {got!r}\n  expected {ref!r}"
    finite = ~(nan_ref | inf_ref)
    if not finite.any():
        return None
    rtol, atol = TOLERANCES[expected_dtype]
    if terms > 1:
        scale = float(np.max(np.abs(ref[finite])))
        atol += 4 * _EPS[dtypes.float_compute(expected_dtype)] * math.sqrt(terms) * scale
    error = np.abs(got[finite] - ref[finite])
    bound = atol + rtol * np.abs(ref[finite])
    if np.all(error <= bound):
        return None
    worst = int(np.argmax(error - bound))
    return (
        f"values differ beyond tolerance ({expected_dtype}: rtol {rtol:g}, atol {atol:.3g}, "
        f"N={terms}); worst |diff| {error[worst]:.3g} at expected {ref[finite][worst]!r}:\n"
        f"  got      {got!r}\n  expected {ref!r}"
    )
