"""Helpers for testing code that uses multik: isolation from the user's Keras config, the list
of backends a test run covers, and the cross-backend assertion ``assert_backends_agree``.

The pytest plugin (``multik.testing.pytest_plugin``, loaded wherever multik is installed) adds
the ``K`` fixture and the ``--multik-backends`` option on top of these.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from multik import config, session
from multik.testing.agree import assert_backends_agree
from multik.testing.selection import select_backends, test_backends

__all__ = ["assert_backends_agree", "isolated_config", "select_backends", "test_backends"]

_ENV_VARS = ("MULTIK_BACKEND", "KERAS_BACKEND", "KERAS_HOME")


@contextlib.contextmanager
def isolated_config(tmp_path: Path, monkeypatch: Any) -> Iterator[Path]:
    """Point HOME and KERAS_HOME at a fresh folder, clear the backend env vars, reset multik.

    ``monkeypatch`` is pytest's fixture; everything is restored when the block ends, and
    ``K.clear_session()`` leaves the graph mode a placeholder may have turned on.
    """
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in _ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    config.reload()
    try:
        yield home
    finally:
        session.clear_session()
        config.reload()
