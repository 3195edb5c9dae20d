"""K-built code runs unchanged under the frameworks' own scale-out engines and gives the
single-device numbers: ``jax.jit`` over 4 sharded host devices, ``tf.distribute.MirroredStrategy``
over 2 logical CPUs, torch DistributedDataParallel (gloo) over 2 processes.

Device counts are fixed when a framework starts, so each scenario of ``scaling_runs.py`` runs in
its own process (all at once, each with its own HOME and KERAS_HOME) and writes the single- and
multi-device results, compared here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from multik.testing import test_backends

RUNS = Path(__file__).resolve().parent / "scaling_runs.py"
SCENARIOS = [backend for backend in ("jax", "tensorflow", "torch") if backend in test_backends()]
#: A scenario (framework start-up included) must finish in this many seconds.
TIMEOUT = 240
#: Float32 sums over shards in another order: the sharded numbers differ in the last bits.
RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Run every scenario at once, each in a fresh process; their results by backend."""
    root = tmp_path_factory.mktemp("scaling")
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME", "JAX_ENABLE_X64", "XLA_FLAGS")
    }
    base.update(OMP_NUM_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3")
    procs = {}
    for backend in SCENARIOS:
        home = root / backend
        home.mkdir()
        env = {**base, "HOME": str(home), "KERAS_HOME": str(home / ".keras")}
        if backend == "jax":
            env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=4"
        command = [sys.executable, str(RUNS), backend, str(home / "out.json")]
        procs[backend] = subprocess.Popen(
            command, env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    results = {}
    for backend, proc in procs.items():
        try:
            _, stderr = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            results[backend] = {"error": f"did not finish in {TIMEOUT} s"}
            continue
        if proc.returncode != 0:
            results[backend] = {"error": f"exit status {proc.returncode}: {stderr[-2000:]}"}
        else:
            results[backend] = json.loads((root / backend / "out.json").read_text())
    return results


def _close(got: dict, want: dict) -> None:
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=RTOL, atol=ATOL)
    for mine, theirs in zip(got["params"], want["params"]):
        np.testing.assert_allclose(mine, theirs, rtol=RTOL, atol=ATOL)


@pytest.mark.skipif(not SCENARIOS, reason="no tested backend has a scale-out engine")
@pytest.mark.parametrize("backend", SCENARIOS)
def test_spread_over_devices_gives_the_single_device_numbers(outcomes, backend):
    outcome = outcomes[backend]
    assert "error" not in outcome, outcome.get("error")
    distributed = outcome["distributed"]
    assert distributed["devices"] > 1 and distributed["input_shards"] == distributed["devices"]
    _close(distributed, outcome["single"])
    assert outcome["single"]["losses"][-1] < outcome["single"]["losses"][0]  # it trains


@pytest.mark.skipif("jax" not in SCENARIOS, reason="the jax backend is not under test")
def test_k_function_takes_sharded_inputs(outcomes):
    outcome = outcomes["jax"]
    assert "error" not in outcome, outcome.get("error")
    _close(outcome["k_function"], outcome["single"])


@pytest.mark.skipif(
    "tensorflow" not in SCENARIOS, reason="the tensorflow backend is not under test"
)
def test_multik_variables_under_a_strategy_scope(outcomes):
    """K.variable under a MirroredStrategy scope makes mirrored tf.Variables, and a K.function
    over them runs (on one device: the strategy does not replicate it); docs/scaling.md says so."""
    outcome = outcomes["tensorflow"]
    assert "error" not in outcome, outcome.get("error")
    assert outcome["variables_in_scope"].startswith("runs"), outcome["variables_in_scope"]
