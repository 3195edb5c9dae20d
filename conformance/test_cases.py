"""Every conformance case on every backend of ``multik.testing.test_backends()``, in every mode.

Every case runs eagerly and, unless it is eager-only (``multik.conformance.cases`` says why),
compiled: jax.jit, tf.function, tf.function(jit_compile=True), torch.compile, and symbolically.
The compiled and symbolic runs of cases other than the first of each (function, dtype, expected
error, tags) group are marked ``slow``: the default profile deselects them, ``pytest -m ""``
runs everything. Cases that need what this environment lacks are skipped with the reason:
bfloat16 cases need ml_dtypes, foreign-tensor cases a second framework.
"""

from __future__ import annotations

import pytest

from multik.conformance.cases import BFLOAT16_MISSING, CASES, Case
from multik.conformance.runner import case_modes, representatives, run_case, skip_reason
from multik.testing import test_backends

REPRESENTATIVES = representatives(CASES)


def _param(case: Case, backend: str, mode: str) -> object:
    marks = []
    reason = skip_reason(case, backend)  # the rule ``multik conformance`` applies too
    if reason:
        marks.append(pytest.mark.skip(reason=reason))
    if mode != "eager" and case.id not in REPRESENTATIVES:
        marks.append(pytest.mark.slow)
    return pytest.param(case, backend, mode, id=f"{backend}-{mode}-{case.id}", marks=marks)


PARAMS = [
    _param(case, backend, mode)
    for backend in test_backends()
    for case in CASES
    for mode in case_modes(case, backend)
]


@pytest.mark.parametrize(("case", "backend", "mode"), PARAMS)
def test_case(case, backend, mode):
    outcome = run_case(case, backend, mode)
    assert outcome.ok, outcome.detail


def test_bfloat16_cases_are_built():
    if BFLOAT16_MISSING:
        pytest.skip(BFLOAT16_MISSING)
    assert any(case.dtype == "bfloat16" for case in CASES)
