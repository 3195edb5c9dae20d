"""K functions of family M: random numbers and dropout."""

from __future__ import annotations

__all__: list[str] = []
