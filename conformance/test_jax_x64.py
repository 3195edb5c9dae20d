"""With JAX's 64-bit mode off, 64-bit requests on the jax backend raise DTypeError (a subprocess,
since this session runs with x64 on)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from multik.testing import test_backends

SCRIPT = """
import numpy as np
import multik
from multik import backend as K
from multik.errors import DTypeError
failures = []
calls = {
    "variable float64": lambda: K.variable([1.0], dtype="float64"),
    "cast to int64": lambda: K.cast(K.constant([1.0]), "int64"),
    "zeros int64": lambda: K.zeros((2,), dtype="int64"),
    "float64 array": lambda: K.sum(np.ones(2, np.float64)),
}
with multik.use_backend("jax"):
    for name, call in calls.items():
        try:
            call()
        except DTypeError as exc:
            if "JAX_ENABLE_X64" not in str(exc):
                failures.append(f"{name}: message lacks the fix: {exc}")
        else:
            failures.append(f"{name}: no DTypeError")
print("\\n".join(failures) or "ok")
"""


@pytest.mark.skipif("jax" not in test_backends(), reason="jax is not among the tested backends")
def test_64bit_without_x64_raises(tmp_path):
    env = {**os.environ, "JAX_ENABLE_X64": "0", "HOME": str(tmp_path)}
    env.pop("KERAS_HOME", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "ok", done.stdout


LABELS_SCRIPT = """
import numpy as np
import multik
from multik import backend as K
from multik.errors import DTypeError
labels = np.array([0, 2])  # NumPy's default integer: int64
p = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], "float32")
with multik.use_backend("jax"):
    assert K.dtype(K.one_hot(labels, 3)) == "float32"
    np.testing.assert_array_equal(K.eval(K.one_hot(labels, 3)), np.eye(3, dtype="f4")[[0, 2]])
    np.testing.assert_array_equal(K.eval(K.cast(np.arange(3), "float32")), [0.0, 1.0, 2.0])
    loss = K.eval(K.sparse_categorical_crossentropy(labels, p))
    np.testing.assert_allclose(loss, -np.log([0.2, 0.8]), rtol=1e-6)
    gathered = K.batch_gather(np.array([5.0, 6.0, 7.0], "f4"), labels)
    np.testing.assert_array_equal(K.eval(gathered), [5, 7])
    try:
        K.one_hot(np.array([2**40]), 3)
    except DTypeError as exc:
        assert "1099511627776" in str(exc) and "JAX_ENABLE_X64" in str(exc), exc
    else:
        raise AssertionError("an int64 index beyond int32 was accepted")
print("ok")
"""


@pytest.mark.skipif("jax" not in test_backends(), reason="jax is not among the tested backends")
def test_numpy_int64_labels_work_without_x64(tmp_path):
    env = {**os.environ, "JAX_ENABLE_X64": "0", "HOME": str(tmp_path)}
    env.pop("KERAS_HOME", None)
    done = subprocess.run(
        [sys.executable, "-c", LABELS_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "ok", done.stdout
