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
        assert len(row) == 9, row
        raw, multik = (float(cell.replace(",", "")) for cell in row[2:4])
        assert raw > 0 and multik > 0, row
        assert row[4].endswith("×") and row[7].endswith("%"), row
    first_rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in first[2:]]
    assert [(row[0], row[1]) for row in first_rows] == expected
    for row in first_rows:
        assert all(float(cell.replace(",", "")) >= 0 for cell in row[2:4]), row


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


#: The convolution and pooling rows each backend must report, stated independently of the harness.
CONV_CASES = (
    "conv2d channels_last",
    "conv2d channels_first",
    "pool2d max channels_last",
    "pool2d max channels_first",
    "pool2d avg channels_last",
)


def test_conv_quick_run_on_numpy_reports_every_case(_isolated):
    report = quick_report("benchmarks.conv", ["numpy"], _isolated, 120)
    table = report.split("| backend | case | reference ms")[1].split("\n\n")[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:]
    ]
    assert [(row[0], row[1]) for row in rows] == [("numpy", case) for case in CONV_CASES]
    for row in rows:
        assert len(row) == 7, row
        assert float(row[2].split()[1]) > 0 and float(row[3]) > 0, row
        assert row[4].endswith("×") and row[-1].startswith(("yes", "**no**")), row


def test_a_section_survives_the_page_it_is_written_into(tmp_path):
    from benchmarks.overhead import write_page

    page = tmp_path / "performance.md"
    write_page(page, "# Page\n\nfirst\n")
    write_page(page, "## Conv\n\nold\n", "benchmarks.conv")
    write_page(page, "## Conv\n\nnew\n", "benchmarks.conv")
    write_page(page, "# Page\n\nsecond\n")
    text = page.read_text()
    assert text.startswith("# Page\n\nsecond\n")
    assert "new" in text and "old" not in text and "first" not in text
    assert text.count("<!-- section generated by benchmarks.conv -->") == 1
