"""Conformance cases of family N: control flow (``switch``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik.conformance.cases.table import (
    add,
    add_error,
    built,
    exact,
    q,
    rounded,
    sample,
)
from multik.dtypes import result_type
from multik.errors import ShapeError

_RANK1 = frozenset({"switch-rank1"})
_HOST = frozenset({"switch-host-condition"})


def _select(condition: Any, then: np.ndarray, alt: np.ndarray) -> np.ndarray:
    """The reference: the condition, true where nonzero, with size-1 axes appended up to the
    branches' rank (leading-axis alignment), selecting element-wise."""
    c = np.asarray(condition) != 0
    c = c.reshape(c.shape + (1,) * (np.ndim(then) - c.ndim))
    return np.where(c, exact(then), exact(alt))


def _case(
    label: str,
    condition: Any,
    then: np.ndarray,
    alt: np.ndarray,
    tags: frozenset[str] = frozenset(),
    **options: Any,
) -> None:
    dtype = result_type(then.dtype.name, alt.dtype.name)
    add(
        f"switch-{label}",
        "switch",
        condition,
        then,
        alt,
        expected=rounded(_select(condition, then, alt), dtype),
        dtype=dtype,
        tags=tags,
        **options,
    )


def _scalar_conditions() -> None:
    then, alt = sample((2, 3), "float32"), -sample((2, 3), "float32") - 1
    for label, condition in (
        ("bool-true", q(True, "bool")),
        ("bool-false", q(False, "bool")),
        ("int32-2", q(2, "int32")),
        ("float32-0", q(0.0, "float32")),
        ("float32-nan", q(np.nan, "float32")),
    ):
        _case(f"scalar-{label}", condition, then, alt)
    _case("scalar-python-true", True, then, alt, _HOST)
    _case("scalar-python-int-0", 0, then, alt, _HOST)
    for label, condition in (("true", q(True, "bool")), ("false", q(False, "bool"))):
        add(
            f"switch-scalar-{label}-callables",
            "switch",
            condition,
            then,
            alt,
            call=lambda k, c, a, b: k.switch(c, lambda: a, lambda: b),
            expected=rounded(_select(condition, then, alt), "float32"),
            dtype="float32",
        )
    # With a value, the condition picks a branch as it is, whatever the other one's shape (a
    # traced condition selects element-wise, which needs branches that broadcast).
    short = q([7.0, 8.0], "float32")
    add(
        "switch-scalar-picks-branch-of-its-own-shape",
        "switch",
        q(True, "bool"),
        short,
        then,
        expected=short,
        dtype="float32",
        eager_only="a condition with a value picks the branch as it is; a traced one selects "
        "element-wise and needs branches that broadcast",
    )


def _tensor_conditions() -> None:
    then, alt = sample((2, 3), "float32"), -sample((2, 3), "float32") - 1
    mask = q([[True, False, True], [False, False, True]], "bool")
    _case("bool-same-shape", mask, then, alt)
    _case("int32-condition", q([[2, 0, -1], [0, 0, 5]], "int32"), then, alt)
    _case("float32-condition-nan-true", q([[np.nan, 0, 0.5], [0, -0.0, 1]], "float32"), then, alt)
    _case("condition-broadcasts", q([[True, False, True]], "bool"), then, alt)
    deep, deep_alt = sample((2, 3, 4), "float32"), -sample((2, 3, 4), "float32")
    _case("rank2-condition-rank3-branches", mask, deep, deep_alt)
    _case("rank2-size1-condition-rank3-branches", q([[True], [False]], "bool"), deep, deep_alt)
    _case("rank2-leading-1-rank3-branches", q([[True, False, True]], "bool"), deep, deep_alt)
    _case("else-of-lower-rank", mask, deep, q([1.0, 2.0, 3.0, 4.0], "float32"))
    _case("else-scalar-tensor", mask, deep, q(-1.0, "float32"))
    _case("rank1-same-rank", q([True, False, True], "bool"), then[0], alt[0])
    _case("rank1-leading-axis-2x3", q([True, False], "bool"), then, alt, _RANK1)
    square, square_alt = sample((2, 2), "float32"), -sample((2, 2), "float32")
    _case("rank1-leading-axis-square", q([True, False], "bool"), square, square_alt, _RANK1)
    # Keras 2.2.4's own case: a (4,) condition choosing samples of (4, 3, 2) branches.
    _case(
        "rank1-keras224",
        q([True, False, False, True], "bool"),
        sample((4, 3, 2), "float32"),
        -sample((4, 3, 2), "float32"),
        _RANK1,
    )
    for dtype in ("int32", "bool", "float16", "float64", *built(("bfloat16",))):
        _case(f"{dtype}-branches", mask, sample((2, 3), dtype), sample((2, 3), dtype)[::-1])
    _case(
        "mixed-dtype-branches-promote",
        mask,
        sample((2, 3), "int32"),
        sample((2, 3), "float32"),
        frozenset({"converts-dtype"}),
    )
    x16 = sample((3,), "float16")
    add(
        "switch-python-number-branch-is-weak",
        "switch",
        q([True, False, True], "bool"),
        x16,
        0.5,
        expected=rounded(np.where([True, False, True], x16.astype(np.float64), 0.5), "float16"),
        dtype="float16",
    )
    _case("empty", q(np.zeros(0), "bool"), q(np.zeros(0), "float32"), q(np.ones(0), "float32"))
    add(
        "switch-tensor-condition-callables",
        "switch",
        mask,
        then,
        alt,
        call=lambda k, c, a, b: k.switch(c, lambda: a, lambda: b),
        expected=rounded(_select(mask, then, alt), "float32"),
        dtype="float32",
    )
    add_error("switch-condition-rank-above-branches", "switch", ShapeError, mask, then[0], alt[0])
    add_error(
        "switch-rank2-condition-does-not-broadcast",
        "switch",
        ShapeError,
        mask,
        sample((2, 5, 4), "float32"),
        sample((2, 5, 4), "float32"),
    )


def build() -> None:
    """Add this family's cases to the table."""
    _scalar_conditions()
    _tensor_conditions()
