"""``multik port``: find the legacy Keras backend in Python files, say what multik covers of
what they use, and rewrite their imports to ``multik.backend``.

``multik.port.scan.scan_source`` reports on one file, ``multik.port.rewrite.rewrite_source``
rewrites one; both parse with libcst (the ``port`` extra: ``pip install "multik[port]"``).
"""

from __future__ import annotations

import importlib

from multik.errors import MultikError

__all__ = ["PortError", "require_libcst"]


class PortError(MultikError):
    """A ``multik port`` usage error: a missing path, no Python files, or libcst not installed."""


def require_libcst() -> None:
    """Raise PortError naming the extra to install when libcst cannot be imported."""
    try:
        importlib.import_module("libcst")
    except ImportError as exc:
        raise PortError(
            "multik port parses Python with libcst, which is not installed; install it with: "
            'pip install "multik[port]"'
        ) from exc
