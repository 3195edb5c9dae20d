"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    setup = text.split("## Set-up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n\s*(.+?)\n\s*```", setup)


def test_two_set_up_commands():
    install, test = readme_commands()
    assert "pip install -e ." in install and "multik info" in install
    assert "examples/quickstart.py" in install and (ROOT / "examples" / "quickstart.py").exists()
    assert "pip install -r backends/all.txt -e ." in test


def test_ci_runs_the_readme_test_command():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    install = re.search(r"pip install (-r backends/all\.txt -e \.)", test).group(1)
    run = test.split("&& ")[-1]
    assert f"pip install -q {install}" in ci
    assert run in ci
