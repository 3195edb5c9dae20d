"""docs/deviations.md is exactly what ``python -m multik.conformance.report --deviations``
writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "deviations.md"


def test_deviations_doc_is_generated(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "multik.conformance.report", "--deviations"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert DOC.read_text(encoding="utf-8") == done.stdout, (
        "docs/deviations.md is stale: regenerate it with "
        "python -m multik.conformance.report --deviations > docs/deviations.md"
    )
