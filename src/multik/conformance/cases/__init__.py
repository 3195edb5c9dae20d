"""The conformance case tables, one module per family of the legacy API.

``table`` defines a case (``Case``) and the helpers that build them; each family module adds
its cases in ``build()``. Expected values are independent of multik (float64 NumPy expressions
or hand-checked literals). This package assembles every case, in a stable order, in ``CASES``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from multik.conformance.cases import (
    control,
    conv,
    creation,
    ctc,
    introspection,
    losses,
    math,
    nn,
    random,
    shape,
)
from multik.conformance.cases.math import SMALL_INTS
from multik.conformance.cases.table import (
    BFLOAT16_MISSING,
    TABLE,
    Case,
    Foreign,
    add_error,
    q,
)
from multik.errors import BackendMismatchError

__all__ = ["BFLOAT16_MISSING", "CASES", "Case", "Foreign", "cases_by_function"]

#: The family modules whose ``build()`` adds cases, in the order of the legacy API's families.
FAMILIES = (creation, introspection, math, shape, nn, losses, conv, random, control, ctc)


# --------------------------------------------------------------------------- foreign tensors


def _foreign() -> None:
    x = Foreign(q([[1, 2], [3, 4]], "float32"))
    reason = "the input is a tensor of another framework"
    for function, extra in (
        ("sum", ()),
        ("dot", (q([[1], [1]], "float32"),)),
        ("cast", ("int32",)),
        ("softmax", ()),
        ("square", ()),
    ):
        add_error(
            f"{function}-foreign-tensor", function, BackendMismatchError, x, *extra, legacy=reason
        )


with np.errstate(all="ignore"), warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    for family in FAMILIES:
        family.build()
    _foreign()


_PYTHON_LISTS = "tf_keras needs tensors here; multik also takes Python lists"
#: Case id -> the tf_keras deviation tag (deviations.py) that covers it, beyond the builders' tags.
_LEGACY_TAGS = {
    "cast-unsupported-dtype": "dtype-universe",
    "one_hot-int16-2d": "index-dtypes",
    "one_hot-zero-classes": "index-dtypes",
    "batch_gather-float32-int8-indices-1d": "index-dtypes",
    "batch_gather-float32-uint8-indices-1d": "index-dtypes",
    "variable-name-kept": "variable-name",
    "variable-of-float64-array-default-floatx": "converts-dtype",
    "int_shape-variable": "converts-dtype",
    "constant-float-to-int32-truncates": "converts-dtype",
    "dot-int32-x-float32-promotes": "converts-dtype",
    "binary_crossentropy-int-target": "converts-dtype",
    "cumsum-float16-f16-4096-axisdefault": "half-f32-compute",
    "binary_crossentropy-bfloat16-exact-0-1": "half-f32-compute",
}
_LEGACY_SKIP = {"dot-python-lists": _PYTHON_LISTS, "batch_dot-golden": _PYTHON_LISTS}
_LOSSES = (
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "categorical_focal_crossentropy",
    "binary_focal_crossentropy",
)


def _legacy_tags(case: Case) -> Case:
    tags = set(case.tags)
    if case.id in _LEGACY_TAGS:
        tags.add(_LEGACY_TAGS[case.id])
    if case.function in ("max", "min") and case.id.startswith(f"{case.function}-bool-"):
        tags.add("bool-extremum")
    if case.function in ("dot", "batch_dot") and any(f"-{d}-" in case.id for d in SMALL_INTS):
        tags.add("small-int-accumulator")
    if case.function in _LOSSES and "-float16" in case.id:
        tags.add("half-f32-compute")
    return replace(case, tags=frozenset(tags), legacy=_LEGACY_SKIP.get(case.id, case.legacy))


#: Every case, in a stable order; ids are unique.
CASES: tuple[Case, ...] = tuple(_legacy_tags(c) for c in TABLE)
if len({c.id for c in CASES}) != len(CASES):  # pragma: no cover - a table bug, caught at import
    raise AssertionError("duplicate conformance case ids")


def cases_by_function() -> dict[str, list[Case]]:
    """The cases grouped by K function name, in table order."""
    out: dict[str, list[Case]] = {}
    for case in CASES:
        out.setdefault(case.function, []).append(case)
    return out
