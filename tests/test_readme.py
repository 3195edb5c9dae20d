"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


def test_command_1_runs_where_an_old_keras_json_names_a_missing_framework(
    _isolated, hide_frameworks
):
    # The usual state of a former Keras user's machine: keras.json names tensorflow, and
    # command 1 installs NumPy only. Its steps after the install must still succeed.
    (_isolated / ".keras").mkdir()
    (_isolated / ".keras" / "keras.json").write_text('{"backend": "tensorflow"}')
    install, _ = readme_commands()
    steps = [step.strip() for step in install.split("&&")]
    pip_install = next(step for step in steps if "pip install" in step)
    run = " && ".join(steps[steps.index(pip_install) + 1 :])
    bin_dir = os.path.dirname(sys.executable)
    env = {**os.environ, "HOME": str(_isolated), **hide_frameworks("tensorflow", "torch", "jax")}
    out = subprocess.run(
        ["bash", "-c", run.replace(".venv/bin/", f"{bin_dir}/")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "backend:           tensorflow\n" in out.stdout
    assert "framework missing: needs the 'tensorflow' package" in out.stdout
    assert "numpy float32 [[5.0], [25.0]]" in out.stdout
