"""Legacy parity: every case also runs through ``tf_keras.backend`` (eagerly), which must agree
with the case's expectation except exactly on the cases covered by a listed deviation."""

from __future__ import annotations

import numpy as np
import pytest
from legacy import Legacy, legacy_settings

from multik import dtypes
from multik.conformance.cases import CASES, Case
from multik.conformance.compare import mismatch
from multik.conformance.deviations import deviation_for

tf_keras = pytest.importorskip("tf_keras", reason="legacy parity needs tf_keras installed")


def _difference(case: Case) -> str | None:
    """What tf_keras does differently from the case's expectation, or None."""
    import tensorflow as tf

    k = tf_keras.backend
    args = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in case.args]
    try:
        with legacy_settings(k, case.floatx, case.epsilon):
            result = case.invoke(Legacy(), *args)
    except Exception as exc:
        return None if case.error else f"tf_keras raised {type(exc).__name__}: {str(exc)[:300]}"
    if case.error:
        return f"tf_keras returned a value where multik raises {case.error.__name__}"
    if not isinstance(case.expected, np.ndarray):
        return None if result == case.expected else f"tf_keras gave {result!r}"
    if isinstance(result, np.ndarray):
        value, dtype = result, dtypes.canonical(result.dtype)
    else:
        value, dtype = np.asarray(k.eval(result)), result.dtype.name
    return mismatch(value, dtype, case.expected, case.dtype or "", case.terms)


@pytest.mark.parametrize("case", [c for c in CASES if not c.legacy], ids=lambda c: c.id)
def test_legacy_parity(case):
    difference = _difference(case)
    deviation = deviation_for(case.function, case.tags)
    if deviation is None:
        assert difference is None, f"unlisted difference from tf_keras: {difference}"
    elif not deviation.varies:
        assert difference is not None, (
            f"listed deviation {deviation.tag!r} no longer differs from tf_keras"
        )
