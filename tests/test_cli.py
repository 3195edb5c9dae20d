"""``multik info`` and ``python -m multik info``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from multik.testing import test_backends


def run(args, home, **env):
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME")
    }
    full.update(HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "multik", *args],
        env=full,
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("backend", test_backends())
def test_info_says_which_backend_and_why(_isolated, backend):
    out = run(["info"], _isolated, KERAS_BACKEND=backend)
    assert out.returncode == 0, out.stderr
    assert f"backend:           {backend}" in out.stdout
    assert f"environment variable KERAS_BACKEND={backend!r}" in out.stdout
    assert "floatx:            float32" in out.stdout


def test_info_reports_a_bad_config_and_exits_2(_isolated):
    (_isolated / ".keras").mkdir()
    (_isolated / ".keras" / "keras.json").write_text('{"epsilon": -1}')
    out = run(["info"], _isolated)
    assert out.returncode == 2
    assert out.stderr.startswith("multik: error: epsilon must be a finite number")
    assert "keras.json, line 1" in out.stderr


def test_console_script_is_installed(_isolated):
    script = os.path.join(os.path.dirname(sys.executable), "multik")
    assert os.path.exists(script), "pip install should create the multik console script"
    out = subprocess.run(
        [script, "info"],
        env={**os.environ, "HOME": str(_isolated), "KERAS_BACKEND": "numpy"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "backend:           numpy" in out.stdout
