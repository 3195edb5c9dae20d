"""Conformance cases of family M: random numbers and dropout.

Random numbers differ from one framework to the next, so each case computes something that
does not depend on the numbers drawn: ``r - r`` (zeros: the shape and dtype), the fraction of
draws inside the distribution's range (1), ``r * (1 - r)`` for 0/1 draws (zeros), the
difference of two draws with one seed (zeros). The statistical checks (mean and standard
deviation) are in conformance/test_random.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from multik.conformance.cases.table import FLOAT_NAMES, add, add_error, q, rounded
from multik.errors import DTypeError, InvalidArgumentError, ShapeError

#: The number of draws of the range checks.
_DRAWS = (40, 50)


def _inside(k: Any, r: Any, low: float, high: float, closed: bool = False) -> Any:
    """The fraction of ``r`` in [low, high) (in [low, high] if ``closed``), in float32."""
    above = k.cast(r >= low, "float32")
    below = k.cast(r <= high if closed else r < high, "float32")
    return k.mean(above * below)


def build() -> None:
    """Add this family's cases to the table."""
    shape_only = q(np.zeros(_DRAWS), "float32")
    for dtype in FLOAT_NAMES:
        for name, kwargs in (
            ("random_uniform", {"minval": -2.0, "maxval": 3.0}),
            ("random_normal", {"mean": 1.0, "stddev": 2.0}),
            ("truncated_normal", {"mean": 1.0, "stddev": 2.0}),
            ("random_bernoulli", {"p": 0.3}),
            ("random_binomial", {"p": 0.3}),
        ):
            add(
                f"{name}-{dtype}-shape-dtype",
                name,
                (3, 4),
                call=lambda k, s, name=name, dtype=dtype, kw=kwargs: _zeros(
                    k, getattr(k, name)(s, dtype=dtype, **kw)
                ),
                expected=rounded(np.zeros((3, 4)), dtype),
                dtype=dtype,
            )
        add(
            f"dropout-{dtype}-shape-dtype",
            "dropout",
            q(np.ones((3, 4)), dtype),
            call=lambda k, x: _zeros(k, k.dropout(x, 0.5)),
            expected=rounded(np.zeros((3, 4)), dtype),
            dtype=dtype,
        )
    ranges = (
        ("random_uniform", {"minval": -2.0, "maxval": 3.0}, -2.0, 3.0, True),
        ("truncated_normal", {"mean": 1.0, "stddev": 2.0}, -3.0, 5.0, True),
        ("random_uniform", {}, 0.0, 1.0, False),
    )
    for name, kwargs, low, high, closed in ranges:
        label = "-".join(f"{key}-{value:g}" for key, value in kwargs.items()) or "default"
        add(
            f"{name}-range-{label}",
            name,
            shape_only,
            call=lambda k, x, name=name, kw=kwargs, lo=low, hi=high, c=closed: _inside(
                k, getattr(k, name)(k.int_shape(x), **kw), lo, hi, c
            ),
            expected=rounded(1.0, "float32"),
            dtype="float32",
        )
    add(
        "random_uniform-int32-range",
        "random_uniform",
        shape_only,
        call=lambda k, x: _inside(
            k,
            k.cast(k.random_uniform(k.int_shape(x), 2, 7, dtype="int32"), "float32"),
            2.0,
            6.0,
            True,
        ),
        expected=rounded(1.0, "float32"),
        dtype="float32",
    )
    for name in ("random_bernoulli", "random_binomial"):
        add(
            f"{name}-zero-or-one",
            name,
            shape_only,
            call=lambda k, x, name=name: (lambda r: r * (1.0 - r))(
                getattr(k, name)(k.int_shape(x), 0.5)
            ),
            expected=rounded(np.zeros(_DRAWS), "float32"),
            dtype="float32",
        )
        for p in (0.0, 1.0):
            add(
                f"{name}-p-{p:g}",
                name,
                shape_only,
                call=lambda k, x, name=name, p=p: getattr(k, name)(k.int_shape(x), p),
                expected=rounded(np.full(_DRAWS, p), "float32"),
                dtype="float32",
            )
    _shape_forms()
    _seeds()
    _dropout()
    _variables()
    _errors()


def _zeros(k: Any, r: Any) -> Any:
    """``r - r``: zeros of ``r``'s shape and dtype, whatever numbers were drawn."""
    return r - r


def _shape_forms() -> None:
    """The shape argument: an int, an empty shape, a scalar shape (``K.shape(x)`` of a symbolic
    tensor: conformance/test_random.py)."""
    add(
        "random_uniform-shape-int",
        "random_uniform",
        7,
        call=lambda k, n: _zeros(k, k.random_uniform(n)),
        expected=rounded(np.zeros(7), "float32"),
        dtype="float32",
        legacy="tf_keras needs a shape tuple; multik also takes an int, as K.zeros does",
    )
    add(
        "random_uniform-empty",
        "random_uniform",
        (0, 3),
        call=lambda k, s: _zeros(k, k.random_uniform(s)),
        expected=rounded(np.zeros((0, 3)), "float32"),
        dtype="float32",
    )
    add(
        "random_normal-scalar",
        "random_normal",
        (),
        call=lambda k, s: _zeros(k, k.random_normal(s)),
        expected=rounded(np.zeros(()), "float32"),
        dtype="float32",
    )
    add(
        "random_uniform-floatx-float64",
        "random_uniform",
        (2,),
        call=lambda k, s: _zeros(k, k.random_uniform(s)),
        expected=rounded(np.zeros(2), "float64"),
        dtype="float64",
        floatx="float64",
    )


def _seeds() -> None:
    """An int seed gives the same numbers each time (tf_keras's eager ops do not repeat)."""
    for name, kwargs in (
        ("random_uniform", {}),
        ("random_normal", {}),
        ("truncated_normal", {}),
        ("random_bernoulli", {"p": 0.5}),
    ):
        add(
            f"{name}-seed-repeats",
            name,
            (30,),
            call=lambda k, s, name=name, kw=kwargs: (
                getattr(k, name)(s, seed=1234, **kw) - getattr(k, name)(s, seed=1234, **kw)
            ),
            expected=rounded(np.zeros(30), "float32"),
            dtype="float32",
            tags=frozenset({"seed-repeats"}),
        )
    add(
        "dropout-seed-repeats",
        "dropout",
        q(np.ones((30,)), "float32"),
        call=lambda k, x: k.dropout(x, 0.5, seed=99) - k.dropout(x, 0.5, seed=99),
        expected=rounded(np.zeros(30), "float32"),
        dtype="float32",
        tags=frozenset({"seed-repeats"}),
    )


def _dropout() -> None:
    ones = q(np.ones((6, 8)), "float32")
    values = q(np.arange(48).reshape(6, 8) * 0.25 - 3, "float32")
    add(
        "dropout-level-0-identity",
        "dropout",
        values,
        call=lambda k, x: k.dropout(x, 0.0),
        expected=rounded(values.astype(np.float64), "float32"),
        dtype="float32",
    )
    for level, scale in ((0.5, 2.0), (0.2, 1.25), (0.75, 4.0)):
        add(
            f"dropout-level-{level:g}-values",
            "dropout",
            ones,
            call=lambda k, x, level=level, scale=scale: (lambda r: r * (r - scale))(
                k.dropout(x, level)
            ),
            expected=rounded(np.zeros((6, 8)), "float32"),
            dtype="float32",
        )
    add(
        "dropout-noise-shape-columns",
        "dropout",
        ones,
        call=lambda k, x: (lambda r: r - r[0:1])(k.dropout(x, 0.5, noise_shape=(1, 8))),
        expected=rounded(np.zeros((6, 8)), "float32"),
        dtype="float32",
    )
    add(
        "dropout-noise-shape-rows",
        "dropout",
        ones,
        call=lambda k, x: (lambda r: r - r[:, 0:1])(k.dropout(x, 0.5, noise_shape=[6, 1])),
        expected=rounded(np.zeros((6, 8)), "float32"),
        dtype="float32",
    )
    add(
        "dropout-noise-shape-full",
        "dropout",
        ones,
        call=lambda k, x: (lambda r: r * (r - 2.0))(k.dropout(x, 0.5, noise_shape=(6, 8))),
        expected=rounded(np.zeros((6, 8)), "float32"),
        dtype="float32",
    )


def _variables() -> None:
    for name, args, low, high in (
        ("random_uniform_variable", (-1.0, 2.0), -1.0, 2.0),
        ("random_normal_variable", (0.5, 0.0), 0.5, 0.5),
    ):
        add(
            f"{name}-range",
            name,
            (5, 6),
            *args,
            call=lambda k, s, a, b, name=name, lo=low, hi=high: _inside(
                k, getattr(k, name)(s, a, b) * 1.0, lo, hi, True
            ),
            expected=rounded(1.0, "float32"),
            dtype="float32",
            eager_only="a random Variable is created outside any compiled function",
        )
        add(
            f"{name}-float64-shape-dtype",
            name,
            (2, 3),
            *args,
            call=lambda k, s, a, b, name=name: _zeros(
                k, getattr(k, name)(s, a, b, dtype="float64") * 1.0
            ),
            expected=rounded(np.zeros((2, 3)), "float64"),
            dtype="float64",
            eager_only="a random Variable is created outside any compiled function",
        )


def _errors() -> None:
    x = q(np.ones((3, 4)), "float32")
    for level in (-0.5, 1.0, 1.5):
        add_error(f"dropout-level-{level:g}", "dropout", InvalidArgumentError, x, level)
    add_error("dropout-int-input", "dropout", DTypeError, q(np.ones((3, 4)), "int32"), 0.5)
    add_error(
        "dropout-noise-shape-mismatch",
        "dropout",
        ShapeError,
        x,
        0.5,
        kwargs={"noise_shape": (3, 5)},
    )
    for name in ("random_normal", "truncated_normal"):
        add_error(f"{name}-int-dtype", name, DTypeError, (2, 3), kwargs={"dtype": "int32"})
