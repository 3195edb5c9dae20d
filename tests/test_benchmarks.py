"""The speed benchmarks run and report what they must: every function of ``benchmarks.overhead``
and every case of ``benchmarks.function`` (their timings are never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from multik.testing import test_backends

ROOT = Path(__file__).resolve().parent.parent
#: The functions the speed table must cover (issue 5), stated here independently of the harness.
REQUIRED = (
    "sum",
    "square",
    "relu",
    "dot",
    "batch_dot",
    "one_hot",
    "softmax",
    "categorical_crossentropy",
)
#: The K.function cases each backend must report, stated independently of the harness.
FUNCTION_CASES = {
    "numpy": ("forward",),
    "jax": ("forward", "train step"),
    "torch": ("forward", "train step"),
    "tensorflow": ("forward", "train step"),
}
#: Backends whose quick K.function run takes a few seconds; TensorFlow's import and tracing
#: alone take about 10 s, which would bring the test near 30 s.
CHEAP = ("numpy", "jax", "torch")


def quick_report(module: str, backends: list[str], home: Path, timeout: int) -> str:
    """The Markdown report of ``python -m module --quick`` on ``backends``, run with ``home``."""
    done = subprocess.run(
        [sys.executable, "-m", module, "--quick", "--backends", ",".join(backends)],
        cwd=ROOT,
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "**Machine:**" in done.stdout
    return done.stdout


def test_quick_run_on_numpy_reports_every_function(_isolated):
    report = quick_report("benchmarks.overhead", ["numpy"], _isolated, 60)
    assert "## numpy" in report
    assert "## tensorflow" not in report
    for size in ("small", "large"):
        table = report.split(f"### numpy, {size} ")[1].split("\n\n")[1]
        rows = [line.split(" | ") for line in table.splitlines()[2:]]
        assert [row[0].strip("| `") for row in rows] == list(REQUIRED)
        for row in rows:
            assert len(row) == 10
            assert row[2] != "✗", row
            float(row[1].replace(",", ""))
            float(row[2].replace(",", ""))
            assert row[-1].startswith(("yes", "**no**")), row


def test_function_quick_run_reports_a_row_per_case_and_backend(_isolated):
    backends = ["numpy", *(b for b in test_backends() if b in CHEAP and b != "numpy")]
    report = quick_report("benchmarks.function", backends, _isolated, 120)
    per_call = report.split("## Per call")[1].split("\n\n")[1].splitlines()
    first = report.split("## First call")[1].split("\n\n")[1].splitlines()
    expected = [(b, case) for b in backends for case in FUNCTION_CASES[b]]
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


def test_memory_quick_run_reports_every_function(_isolated):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--quick"],
        cwd=ROOT,
        env={**os.environ, "HOME": str(_isolated)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| `")]
    names = [row.split("`")[1] for row in rows]
    assert {"zeros", "variable", "sigmoid", "softmax"} <= set(names)
    for row in rows:
        assert float(row.split("|")[4].strip().rstrip("x")) > 0, row
