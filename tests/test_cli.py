"""``multik info`` and ``python -m multik info``."""

from __future__ import annotations

import json
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


FRAMEWORKS = ("tensorflow", "torch", "jax")


def write_config(home, backend):
    (home / ".keras").mkdir()
    path = home / ".keras" / "keras.json"
    path.write_text(json.dumps({"backend": backend}))
    return path


def test_info_reports_a_backend_whose_framework_is_missing(_isolated, hide_frameworks):
    # A former Keras user's machine: keras.json names tensorflow, only NumPy is installed.
    path = write_config(_isolated, "tensorflow")
    out = run(["info"], _isolated, **hide_frameworks(*FRAMEWORKS))
    assert out.returncode == 0, out.stderr
    assert "backend:           tensorflow\n" in out.stdout
    assert f"source:            config file {path}\n" in out.stdout
    assert "status:            framework missing: needs the 'tensorflow' package" in out.stdout
    assert 'pip install "multik[tensorflow]", or choose an installed backend: numpy' in out.stdout
    assert "  tensorflow   not installed\n" in out.stdout


CALLS = {
    "config file": ("K.backend()", None),
    "environment variable MULTIK_BACKEND='JAX'": ("K.backend()", "JAX"),
    "multik.set_backend()": ("multik.set_backend('jax')", None),
    "multik.use_backend()": ("multik.use_backend('jax').__enter__()", None),
}


@pytest.mark.parametrize("source", CALLS)
def test_a_missing_framework_error_names_where_the_choice_came_from(
    _isolated, hide_frameworks, source
):
    path = write_config(_isolated, "jax")
    call, env_value = CALLS[source]
    env = {**os.environ, **hide_frameworks(*FRAMEWORKS), "HOME": str(_isolated)}
    env.update({"MULTIK_BACKEND": env_value} if env_value else {})
    out = subprocess.run(
        [sys.executable, "-c", f"import multik\nfrom multik import backend as K\n{call}"],
        env=env,
        cwd=_isolated,
        capture_output=True,
        text=True,
        check=False,
    )
    where = f"config file {path}" if source == "config file" else source
    last = out.stderr.strip().splitlines()[-1]
    assert last == (
        f"multik.errors.BackendUnavailableError: backend 'jax' (from {where}) needs the 'jax' "
        'package, which is not installed; install it with: pip install "multik[jax]", or choose '
        "an installed backend: numpy"
    )


INFO_IMPORTS_NOTHING = """
import sys
from multik.cli import main
assert main(["info"]) == 0
heavy = [m for m in ("tensorflow", "torch", "jax", "keras", "tf_keras") if m in sys.modules]
assert not heavy, f"multik info imported {heavy}"
"""


@pytest.mark.parametrize("backend", test_backends())
def test_info_imports_no_framework_and_writes_nothing(_isolated, backend):
    # Importing TensorFlow would write ~/.keras/keras.json, silently choosing the next default.
    env = {**os.environ, "HOME": str(_isolated), "KERAS_BACKEND": backend}
    out = subprocess.run(
        [sys.executable, "-c", INFO_IMPORTS_NOTHING],
        env=env,
        cwd=_isolated,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert f"backend:           {backend}\n" in out.stdout and "devices:" not in out.stdout
    assert list(_isolated.iterdir()) == [], "multik info must write nothing"


@pytest.mark.parametrize("backend", test_backends())
def test_info_devices_imports_the_framework_to_list_them(_isolated, backend):
    out = run(["info", "--devices"], _isolated, KERAS_BACKEND=backend)
    assert out.returncode == 0, out.stderr
    devices = out.stdout.splitlines()[-1]
    assert devices.startswith("devices:") and devices.split(":", 1)[1].strip() not in ("", "-")


def test_info_help_says_devices_imports_the_framework(_isolated):
    out = run(["info", "--help"], _isolated)
    assert "imports its framework" in " ".join(out.stdout.split())
