"""``Adapter``: every K function, written once, composed from the API families' formulas.

A framework adapter subclasses ``Adapter`` and implements the primitives of
``multik.backends.primitives``; the K functions come from the family mixins in
``multik.backends.formulas`` (one module per family of the legacy API), which are written over
those primitives and over the conversion and promotion rules of ``multik.backends.conversion``.
"""

from __future__ import annotations

from multik.backends.formulas.control import ControlFormulas
from multik.backends.formulas.conv import ConvFormulas
from multik.backends.formulas.creation import CreationFormulas
from multik.backends.formulas.ctc import CTCFormulas
from multik.backends.formulas.introspection import IntrospectionFormulas
from multik.backends.formulas.losses import LossFormulas
from multik.backends.formulas.math import MathFormulas
from multik.backends.formulas.nn import NNFormulas
from multik.backends.formulas.random import RandomFormulas
from multik.backends.formulas.shape import ShapeFormulas
from multik.backends.formulas.state import StateFormulas

__all__ = ["Adapter"]


class Adapter(
    CreationFormulas,
    IntrospectionFormulas,
    StateFormulas,
    MathFormulas,
    ShapeFormulas,
    NNFormulas,
    LossFormulas,
    ConvFormulas,
    RandomFormulas,
    ControlFormulas,
    CTCFormulas,
):
    """One backend: the K functions, written once over the primitives a framework provides."""
