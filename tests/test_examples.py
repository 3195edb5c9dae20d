"""The examples print the same on every backend, and the same under tf_keras's graph mode."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from multik.testing import test_backends

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = ["feature_extraction.py", "training_loop.py"]

#: Runs the example at argv[1] with ``multik.backend`` replaced by tf_keras's, in graph mode.
TF_KERAS_SHIM = """
import sys
import tensorflow as tf
tf.compat.v1.disable_eager_execution()
import tf_keras.backend as KB
import multik
multik.backend = KB
sys.modules["multik.backend"] = KB
import runpy
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def run_all(runs: dict[str, tuple[str, list[str]]], tmp_path: Path) -> dict[str, str]:
    """Run ``python *args`` with ``KERAS_BACKEND=backend`` for each ``key: (backend, args)``, all
    at once and each with its own HOME; their stdouts, by key."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME", "JAX_ENABLE_X64")
    }
    procs = {}
    for key, (backend, args) in runs.items():
        home = tmp_path / f"home-{key}"
        home.mkdir()
        env = {**base, "HOME": str(home), "KERAS_BACKEND": backend}
        procs[key] = subprocess.Popen(
            [sys.executable, *args],
            env=env,
            cwd=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    results = {key: proc.communicate(timeout=120) for key, proc in procs.items()}
    for key, proc in procs.items():
        assert proc.returncode == 0, f"{key} exited with {proc.returncode}: {results[key][1]}"
    return {key: stdout for key, (stdout, _) in results.items()}


def forward_part(stdout: str) -> list[str]:
    """The training loop's lines up to the loss of the initial weights."""
    lines = stdout.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("initial:"))
    return lines[: end + 1]


#: Whether the numpy backend has K.gradients here (the NumPy-only CI job lacks autograd).
NUMPY_AUTODIFF = importlib.util.find_spec("autograd") is not None


@pytest.mark.parametrize("name", NAMES)
def test_same_stdout_on_every_backend(tmp_path, name):
    path = str(EXAMPLES / name)
    backends = dict.fromkeys(["numpy", *test_backends()])
    outputs = run_all({b: (b, [path]) for b in backends}, tmp_path)
    numpy = outputs.pop("numpy")
    reference = next(iter(outputs.values()), None)  # the first framework backend
    for backend, stdout in outputs.items():
        assert stdout == reference, f"{name} on {backend} differs from {next(iter(outputs))}"
    if name == "training_loop.py" and not NUMPY_AUTODIFF:
        *forward, notice = numpy.splitlines()
        assert 'pip install "multik[autodiff]"' in notice
        assert reference is None or (forward == forward_part(reference) and "final:" in reference)
    else:
        assert reference is None or numpy == reference
        assert name != "training_loop.py" or "final:" in numpy


@pytest.mark.parametrize("name", NAMES)
def test_same_stdout_as_tf_keras_graph_mode(tmp_path, name):
    pytest.importorskip("tf_keras", reason="the graph-mode comparison needs tf_keras installed")
    path = str(EXAMPLES / name)
    runs = {
        "multik": ("tensorflow", [path]),
        "tf_keras": ("tensorflow", ["-c", TF_KERAS_SHIM, path]),
    }
    outputs = run_all(runs, tmp_path)
    assert outputs["tf_keras"] == outputs["multik"]
