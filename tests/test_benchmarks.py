"""The speed benchmark harness runs and reports every function (its timings are never asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_quick_run_on_numpy_reports_every_function(_isolated):
    env = {**os.environ, "HOME": str(_isolated)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.overhead", "--quick", "--backends", "numpy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert "**Machine:**" in report
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
