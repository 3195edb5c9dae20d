"""``multik conformance``: agrees with pytest on what cannot run here, fails once for a missing
framework, shows progress on a terminal, keeps framework logs quiet, explains its symbols."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from multik.conformance.report import LEGEND
from multik.conformance.runner import NO_FOREIGN
from multik.testing import test_backends

FRAMEWORKS = ("tensorflow", "torch", "jax")


def environment(home, **extra):
    return {**os.environ, "HOME": str(home), **extra}


def conformance(home, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "multik", "conformance", *args],
        env=environment(home, **env),
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
    )


def test_numpy_alone_skips_the_foreign_tensor_cases_as_pytest_does(_isolated, hide_frameworks):
    out = conformance(_isolated, "--backends", "numpy", **hide_frameworks(*FRAMEWORKS))
    assert out.returncode == 0, out.stdout[-3000:]
    assert "\nFAIL " not in out.stdout and "; 0 failing; " in out.stdout
    assert f"SKIP numpy eager sum-foreign-tensor: {NO_FOREIGN}" in out.stdout
    assert "✓ dev, 1 skipped" in out.stdout  # the sum cell says one of its runs was skipped
    assert LEGEND in out.stdout
    assert out.stderr == "", "no progress when stderr is not a terminal, and no framework log"


def test_a_backend_without_its_framework_is_one_error(_isolated, hide_frameworks):
    out = conformance(_isolated, "--backends", "numpy,torch", **hide_frameworks("torch"))
    assert out.returncode == 2 and out.stdout == ""
    (line,) = out.stderr.splitlines()
    assert line.startswith(
        "multik: error: backend 'torch' (from --backends) needs the 'torch' package, which is not "
        'installed; install it with: pip install "multik[torch]", or choose an installed backend: '
        "numpy"
    )


def test_progress_on_a_terminal(_isolated, hide_frameworks):
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "multik", "conformance", "--backends", "numpy"],
        env=environment(_isolated, **hide_frameworks(*FRAMEWORKS)),
        cwd=_isolated,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    stdout, _ = process.communicate()
    assert process.returncode == 0
    runs = stdout.decode().split(" runs; ")[0].rsplit(" ", 1)[1]
    progress = shown.decode().replace("\r\n", "\n").split("\r")
    assert (
        progress[1].startswith("numpy: ")
        and progress[-1] == f"numpy: {runs}/{runs} runs, 0 failing\n"
    )


QUIET_START = """
import os, sys
from multik.conformance import report
report.quiet_framework_logs()
report._load_quietly(["tensorflow"])
from multik import backend as K, config
with config.use_backend("tensorflow"):
    assert K.eval(K.sum(K.constant([1.0, 2.0]))) == 3.0
"""


@pytest.mark.skipif("tensorflow" not in test_backends(), reason="tensorflow is not under test")
def test_tensorflow_starts_without_log_lines(_isolated):
    # TensorFlow's C++ start-up lines come before its log level applies; they are held back.
    out = subprocess.run(
        [sys.executable, "-c", QUIET_START],
        env=environment(_isolated),
        cwd=_isolated,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and out.stderr == "", out.stderr
