"""Which backends a test run covers: ``--multik-backends`` (the pytest plugin), else
``MULTIK_TEST_BACKENDS``, else every installed backend."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence

from multik.backends import BACKENDS, available_backends, canonical_name
from multik.errors import BackendNotFoundError, BackendUnavailableError

__all__ = ["select_backends", "set_run_backends", "test_backends"]

# The backends chosen by the pytest plugin for the running test session (None outside one).
_run_backends: list[str] | None = None


def select_backends(spec: str | None, source: str) -> list[str]:
    """The backends named in ``spec`` (comma-separated; aliases such as ``tf`` allowed), in the
    order given; an empty or missing ``spec`` means every installed backend.

    Every unknown or uninstalled name is reported in one error that names ``source`` (e.g.
    ``--multik-backends``), the valid names and the pip extra that installs a missing framework:
    BackendNotFoundError (a ValueError) if a name is unknown, else BackendUnavailableError.
    """
    names = [n.strip() for n in (spec or "").split(",") if n.strip()]
    installed = available_backends()
    if not names:
        return installed
    chosen: list[str] = []
    unknown: list[str] = []
    missing: list[str] = []
    for name in names:
        try:
            canonical = canonical_name(name)
        except BackendNotFoundError:
            close = difflib.get_close_matches(name.lower(), BACKENDS, n=1, cutoff=0.5)
            unknown.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            continue
        if canonical in chosen or canonical in missing:
            continue
        if canonical in installed:
            chosen.append(canonical)
        else:
            missing.append(canonical)
    if unknown or missing:
        problems = [f"unknown backend {name}" for name in unknown]
        problems += [f"{name!r} is not installed" for name in missing]
        extras = missing or [name for name in BACKENDS if name not in installed]
        install = f'; to install: pip install "multik[{",".join(extras)}]"' if extras else ""
        message = (
            f"{source}={spec}: {'; '.join(problems)}. Valid names: {', '.join(BACKENDS)}; "
            f"installed here: {', '.join(installed) or 'none'}{install}"
        )
        raise (BackendNotFoundError if unknown else BackendUnavailableError)(message)
    return chosen


def test_backends() -> list[str]:
    """The backends a test run covers: those the pytest plugin selected (``--multik-backends``),
    else ``MULTIK_TEST_BACKENDS``, else every installed backend.

    A backend named in either whose framework is missing is an error, not a skip.
    """
    if _run_backends is not None:
        return list(_run_backends)
    return select_backends(os.environ.get("MULTIK_TEST_BACKENDS"), "MULTIK_TEST_BACKENDS")


def set_run_backends(backends: Sequence[str] | None) -> list[str] | None:
    """Make ``backends`` what :func:`test_backends` returns (None: back to the environment);
    returns the previous value, for the pytest plugin to restore when its session ends."""
    global _run_backends
    previous = _run_backends
    _run_backends = None if backends is None else list(backends)
    return previous


test_backends.__test__ = False  # type: ignore[attr-defined]
