"""The K functions' shared formulas, one module per family of the legacy Keras backend API.

Each module holds one mixin class of ``Adapter`` (``multik.backends.adapter``): its methods
validate arguments, apply the dtype rules and compute the result from the primitives, so every
backend gives the same answer. A new function goes into the module of its family.
"""
