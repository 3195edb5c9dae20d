"""The K.function benchmark runs and reports every case of every backend it is asked for (its
timings are never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from multik.testing import test_backends

ROOT = Path(__file__).resolve().parent.parent
#: The cases each backend must report, stated here independently of the harness.
CASES = {
    "numpy": ("forward",),
    "jax": ("forward", "train step"),
    "torch": ("forward", "train step"),
    "tensorflow": ("forward", "train step"),
}
#: Backends whose quick run takes a few seconds; TensorFlow's import and tracing alone take
#: about 10 s, which would bring the test near 30 s.
CHEAP = ("numpy", "jax", "torch")


def test_quick_run_reports_a_row_per_case_and_backend(_isolated):
    backends = ["numpy", *(b for b in test_backends() if b in CHEAP and b != "numpy")]
    env = {**os.environ, "HOME": str(_isolated)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.function", "--quick", "--backends", ",".join(backends)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = done.stdout
    assert "**Machine:**" in report
    per_call = report.split("## Per call")[1].split("\n\n")[1].splitlines()
    first = report.split("## First call")[1].split("\n\n")[1].splitlines()
    expected = [(b, case) for b in backends for case in CASES[b]]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in per_call[2:]]
    assert [(row[0], row[1]) for row in rows] == expected
    for row in rows:
        assert len(row) == 6, row
        raw, multik = (float(cell.replace(",", "")) for cell in row[2:4])
        assert raw > 0 and multik > 0, row
        assert row[4].endswith("×") and row[5].endswith("%"), row
    first_rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in first[2:]]
    assert [(row[0], row[1]) for row in first_rows] == expected
    for row in first_rows:
        assert all(float(cell.replace(",", "")) >= 0 for cell in row[2:]), row
