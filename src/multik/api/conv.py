"""K functions of family L: convolution and pooling."""

from __future__ import annotations

__all__: list[str] = []
