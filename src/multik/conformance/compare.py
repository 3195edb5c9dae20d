"""The tolerance table and the comparison of a result with its expected value (kept only here).

The expected value is first brought to the expected dtype: exact integers wrap to it, float64
values round to it (beyond its range: ±inf, as the op's own result would). Integers and bools
must then match exactly. Floats must satisfy
``|actual - expected| <= atol + rtol * |expected| + 4 * eps * sqrt(N) * scale`` where ``N`` is
the number of terms an op accumulates (the last term only counts for ``N > 1``), ``eps`` the
machine epsilon of the dtype the op accumulates in (float32 for float16/bfloat16) and ``scale``
the size of the accumulated terms, per element (e.g. the float64 sum of their absolute values,
which stays large where terms cancel near 0), by default ``max|expected|``. NaN positions and
the sign of infinities must match; the sign of zero is not compared. Shape and dtype name must
be identical.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from multik import dtypes

__all__ = ["TOLERANCES", "mismatch", "tolerance"]

#: dtype -> (rtol, atol), one table for every comparison.
TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (2e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-12, 1e-12),
}
_EPS = {"float32": float(np.finfo(np.float32).eps), "float64": float(np.finfo(np.float64).eps)}


def tolerance(
    name: str, rtol: float | None = None, atol: float | None = None
) -> tuple[float, float]:
    """(rtol, atol) for the float dtype ``name``: the table's, unless given."""
    table_rtol, table_atol = TOLERANCES[name]
    return (table_rtol if rtol is None else rtol, table_atol if atol is None else atol)


def _in_dtype(expected: np.ndarray, name: str) -> np.ndarray:
    """``expected`` wrapped (integers) or rounded (floats) to the dtype ``name``."""
    target = dtypes.numpy_dtype(name)
    if name in dtypes.INTS and expected.dtype.kind in "iub":
        return expected.astype(np.int64).astype(target)
    with np.errstate(over="ignore", invalid="ignore"):
        return expected.astype(target)


def _allowance(ref: np.ndarray, finite: np.ndarray, name: str, terms: int, scale: Any) -> Any:
    """The accumulation term ``4 eps sqrt(N) scale`` for the finite elements (0 when N <= 1)."""
    if terms <= 1:
        return 0.0
    if scale is None:
        size: Any = float(np.max(np.abs(ref[finite])))
    else:
        size = np.abs(np.broadcast_to(np.asarray(scale, dtype=np.float64), ref.shape))[finite]
        size = np.where(np.isfinite(size), size, 0.0)
    return 4 * _EPS[dtypes.float_compute(name)] * math.sqrt(terms) * size


def mismatch(
    actual: np.ndarray,
    actual_dtype: str,
    expected: Any,
    expected_dtype: str,
    terms: int = 1,
    scale: Any = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> str | None:
    """None when ``actual`` matches ``expected`` under the table, else what differs.

    ``expected`` holds exact integers or float64 values (brought to ``expected_dtype`` here);
    ``scale`` is the per-element size of the ``terms`` accumulated terms (default max|expected|);
    ``rtol`` and ``atol``, when given, replace the table's values for ``expected_dtype``.
    """
    if actual_dtype != expected_dtype:
        return f"dtype {actual_dtype}, expected {expected_dtype}"
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    expected = _in_dtype(expected, expected_dtype)
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
    rtol, atol = tolerance(expected_dtype, rtol, atol)
    error = np.abs(got[finite] - ref[finite])
    bound = (
        atol + _allowance(ref, finite, expected_dtype, terms, scale) + rtol * np.abs(ref[finite])
    )
    if np.all(error <= bound):
        return None
    worst = int(np.argmax(error - bound))
    return (
        f"values differ beyond tolerance ({expected_dtype}: rtol {rtol:g}, atol {atol:g}, "
        f"N={terms}); worst |diff| {error[worst]:.3g} > bound {bound[worst]:.3g} at expected "
        f"{ref[finite][worst]!r}:\n  got      {got!r}\n  expected {ref!r}"
    )
