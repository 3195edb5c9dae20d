"""Family O, connectionist temporal classification."""

from __future__ import annotations

from multik.backends.conversion import Conversion


class CTCFormulas(Conversion):
    """Family O, connectionist temporal classification."""
