"""K functions of family O: connectionist temporal classification."""

from __future__ import annotations

__all__: list[str] = []
