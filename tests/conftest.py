"""Test isolation: every test gets its own HOME and KERAS_HOME and no backend env vars.

Importing TensorFlow, tf_keras or Keras writes ``~/.keras/keras.json``, which multik reads; so no
test may see the real home directory or what an earlier test left behind.
"""

from __future__ import annotations

import pytest

from multik.testing import isolated_config


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    with isolated_config(tmp_path, monkeypatch) as home:
        yield home
