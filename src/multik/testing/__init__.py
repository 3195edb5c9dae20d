"""Helpers for testing code that uses multik: isolation from the user's Keras config, and the
list of backends a test run covers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from multik import config, session
from multik.backends import BACKENDS, available_backends
from multik.errors import BackendUnavailableError

__all__ = ["isolated_config", "test_backends"]

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


def test_backends() -> list[str]:
    """The backends a test run covers: ``MULTIK_TEST_BACKENDS``, else all installed.

    A backend named in ``MULTIK_TEST_BACKENDS`` whose framework is missing is an error, not a skip.
    """
    wanted = os.environ.get("MULTIK_TEST_BACKENDS", "").strip()
    if not wanted:
        return available_backends()
    names = [name.strip() for name in wanted.split(",") if name.strip()]
    installed = set(available_backends())
    for name in names:
        if name not in BACKENDS:
            raise ValueError(f"MULTIK_TEST_BACKENDS names unknown backend {name!r}")
        if name not in installed:
            raise BackendUnavailableError(
                f"MULTIK_TEST_BACKENDS asks for {name!r}, whose framework is not installed; "
                f'pip install "multik[{name}]"'
            )
    return names


test_backends.__test__ = False  # type: ignore[attr-defined]
