"""Importing multik has no side effects: no framework imported, nothing written, no env change."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import os, sys
before = dict(os.environ)
import multik
from multik import backend as K
import multik.backends, multik.config, multik.dtypes, multik.info, multik.cli
heavy = sorted(m for m in ("tensorflow", "torch", "jax", "tf_keras", "keras") if m in sys.modules)
assert not heavy, heavy
assert dict(os.environ) == before
print(multik.available_backends())
print(K.backend(), K.eval(K.sum(K.constant([[1, 2], [3, 4]]), axis=0)).tolist())
heavy = sorted(m for m in ("tensorflow", "torch", "jax") if m in sys.modules)
assert not heavy, heavy
"""


def test_import_has_no_side_effects(_isolated):
    home = _isolated
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME")
    }
    env.update(HOME=str(home))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "numpy [4.0, 6.0]"
    assert list(home.iterdir()) == [], "importing multik must write nothing"
