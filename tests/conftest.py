"""Test isolation: every test gets its own HOME and KERAS_HOME and no backend env vars.

Importing TensorFlow, tf_keras or Keras writes ``~/.keras/keras.json``, which multik reads; so no
test may see the real home directory or what an earlier test left behind. ``hide_frameworks``
runs a subprocess as if some frameworks were not installed.
"""

from __future__ import annotations

import os

import pytest

from multik.testing import isolated_config


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    with isolated_config(tmp_path, monkeypatch) as home:
        yield home


_HIDE = """\
# Written by the hide_frameworks fixture: these frameworks look uninstalled to this process, as
# in an install without them: importing one raises ModuleNotFoundError and
# importlib.util.find_spec returns None (a None entry in sys.modules means "not importable").
import sys

sys.modules.update(dict.fromkeys({names!r}, None))
"""


@pytest.fixture
def hide_frameworks(tmp_path):
    """A function of framework names giving the environment variables under which a
    subprocess sees those frameworks as not installed (through a ``sitecustomize`` module)."""

    def env(*names: str) -> dict[str, str]:
        folder = tmp_path / "hide_frameworks"
        folder.mkdir(exist_ok=True)
        (folder / "sitecustomize.py").write_text(_HIDE.format(names=names))
        path = [str(folder), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        return {"PYTHONPATH": os.pathsep.join(path)}

    return env
