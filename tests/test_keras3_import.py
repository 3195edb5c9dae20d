"""multik's backend names work on TensorFlow, although importing TensorFlow imports Keras 3,
which reads the same KERAS_BACKEND and config file and rejects the aliases multik accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from multik.testing import test_backends

pytestmark = pytest.mark.skipif(
    "tensorflow" not in test_backends(), reason="the tensorflow backend is not under test"
)

SCRIPT = """
import os, sys
before = os.environ.get("KERAS_BACKEND")
from multik import backend as K
assert K.backend() == "tensorflow", K.backend()
assert K.eval(K.sum(K.constant([1.0, 2.0]))) == 3.0
assert "keras" in sys.modules, "TensorFlow no longer imports Keras 3: the test tests nothing"
# TensorFlow sets variables of its own (TF2_BEHAVIOR, ...); KERAS_BACKEND must be as it was.
assert os.environ.get("KERAS_BACKEND") == before, os.environ.get("KERAS_BACKEND")
print("ok")
"""


def run(home, env_vars):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME")
    }
    env.update(HOME=str(home), **env_vars)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=home, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "env_vars",
    [
        {"KERAS_BACKEND": "tf"},
        {"KERAS_BACKEND": " TensorFlow "},
        {"MULTIK_BACKEND": "tensorflow", "KERAS_BACKEND": "pytorch"},
    ],
    ids=["tf", "TensorFlow", "pytorch-with-MULTIK_BACKEND"],
)
def test_alias_in_keras_backend(_isolated, env_vars):
    out = run(_isolated, env_vars)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"


def test_alias_in_the_config_file(_isolated):
    (_isolated / ".keras").mkdir()
    (_isolated / ".keras" / "keras.json").write_text(json.dumps({"backend": "tf"}))
    out = run(_isolated, {})  # KERAS_BACKEND stays unset: the file decides, for Keras 3 too
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"


def test_info_devices_with_an_alias(_isolated):
    env = {k: v for k, v in os.environ.items() if k not in ("MULTIK_BACKEND", "KERAS_HOME")}
    env.update(HOME=str(_isolated), KERAS_BACKEND="tf")
    out = subprocess.run(
        [sys.executable, "-m", "multik", "info", "--devices"],
        env=env,
        cwd=_isolated,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "backend:           tensorflow\n" in out.stdout and "\ndevices:" in out.stdout
