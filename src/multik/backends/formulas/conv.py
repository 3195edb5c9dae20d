"""Family L, convolution and pooling."""

from __future__ import annotations

from multik.backends.conversion import Conversion


class ConvFormulas(Conversion):
    """Family L, convolution and pooling."""
