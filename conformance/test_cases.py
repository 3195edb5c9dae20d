"""Every conformance case on every backend of ``multik.testing.test_backends()``, in every mode.

Eager runs every case; the compiled modes (jax.jit, tf.function, tf.function(jit_compile=True),
torch.compile) run the representative subset described in ``multik.conformance.cases``.
"""

from __future__ import annotations

import pytest

from multik.conformance.cases import CASES
from multik.conformance.runner import case_modes, run_case
from multik.testing import test_backends

PARAMS = [
    pytest.param(case, backend, mode, id=f"{backend}-{mode}-{case.id}")
    for backend in test_backends()
    for case in CASES
    for mode in case_modes(case, backend)
]


@pytest.mark.parametrize(("case", "backend", "mode"), PARAMS)
def test_case(case, backend, mode):
    outcome = run_case(case, backend, mode)
    assert outcome.ok, outcome.detail
