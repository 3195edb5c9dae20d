"""Family M, random numbers and dropout."""

from __future__ import annotations

from multik.backends.conversion import Conversion


class RandomFormulas(Conversion):
    """Family M, random numbers and dropout."""
