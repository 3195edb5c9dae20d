"""Conformance cases of family I: activations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from multik.conformance.cases.table import (
    FLOAT_NAMES,
    add,
    add_error,
    built,
    f64,
    q,
    rounded,
)
from multik.errors import (
    AxisError,
)

# --------------------------------------------------------------------------- activations


def sigmoid64(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0, x)


_ELEMENTWISE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "sigmoid": sigmoid64,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
}
_ACT_VALUES = [-20.0, -3.0, -2.5, -1.0, -0.25, -1e-8, 0.0, 0.3, 1.0, 2.5, 3.0, 20.0]


def _activation(
    function: str,
    x: Any,
    expected: np.ndarray,
    dtype: str,
    label: str,
    tags: frozenset[str] = frozenset(),
    **kwargs: Any,
) -> None:
    add(
        f"{function}-{label}",
        function,
        x,
        kwargs=kwargs,
        expected=rounded(expected, dtype),
        dtype=dtype,
        tags=tags,
    )


def _activations() -> None:
    with np.errstate(all="ignore"):
        for function, formula in _ELEMENTWISE.items():
            for dtype in FLOAT_NAMES:
                x = q(_ACT_VALUES, dtype)
                _activation(
                    function,
                    x,
                    formula(f64(x)),
                    dtype,
                    dtype,
                )
            x = q([-3, -1, 0, 2, 5], "int32")
            result = "int32" if function == "relu" else "float32"
            tags = frozenset() if function == "relu" else frozenset({"int-activation"})
            _activation(function, x, formula(f64(x)), result, "int32", tags=tags)
            special = q([np.nan, np.inf, -np.inf, -0.0], "float32")
            _activation(
                function,
                special,
                formula(f64(special)),
                "float32",
                "float32-nan-inf",
            )
            _activation(
                function,
                q(np.zeros((0, 3)), "float32"),
                np.zeros((0, 3)),
                "float32",
                "float32-empty",
            )
            _activation(
                function, q(2.0, "float64"), formula(np.float64(2.0)), "float64", "float64-scalar"
            )
        relu = np.array([-3, -1, 0, 0.5, 1, 2, 7])
        _activation(
            "relu",
            q(relu, "float32"),
            np.array([-0.38, -0.18, -0.08, -0.03, 1, 2, 5]),
            "float32",
            "golden-alpha-max-threshold",
            alpha=0.1,
            max_value=5,
            threshold=0.8,
        )
        for dtype in built(("float16", "bfloat16", "float64")):
            _activation(
                "relu",
                q(relu, dtype),
                np.where(relu > 0.8, np.minimum(relu, 5), 0.1 * (relu - 0.8)),
                dtype,
                f"{dtype}-alpha-max-threshold",
                alpha=0.1,
                max_value=5,
                threshold=0.8,
            )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 0, relu, 0.1 * relu),
            "float32",
            "leaky",
            alpha=0.1,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.clip(relu, 0, 6),
            "float32",
            "relu6",
            max_value=6,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 1, relu, 0),
            "float32",
            "threshold-strict",
            threshold=1.0,
        )
        _activation(
            "relu",
            q([1.0, 0.5, 2.0], "float32"),
            np.array([0.0, -0.05, 2.0]),
            "float32",
            "threshold-at-1",
            alpha=0.1,
            max_value=6,
            threshold=1.0,
        )
        _activation(
            "relu",
            q(relu, "float32"),
            np.where(relu > 0, 0, 0.1 * relu),
            "float32",
            "max-value-0",
            alpha=0.1,
            max_value=0.0,
        )
        _activation(
            "relu",
            q(-0.25, "float16"),
            np.float64(0),
            "float16",
            "float16-threshold-below-0-max-value-0",
            alpha=0.0,
            max_value=0,
            threshold=-0.5,
        )
        nan = q([np.nan, -1, 0.25, 1, 3, 8], "float32")
        _activation(
            "relu",
            nan,
            np.array([np.nan, 0, 0, 1, 3, 8]),
            "float32",
            "float32-nan-threshold",
            threshold=0.5,
        )
        _activation(
            "relu",
            nan,
            np.array([np.nan, -0.15, -0.025, 1, 3, 6]),
            "float32",
            "float32-nan-alpha-max-threshold",
            alpha=0.1,
            max_value=6.0,
            threshold=0.5,
        )
        _activation(
            "relu",
            q([-3, 4, 9], "int32"),
            np.array([0, 4, 6]),
            "int32",
            "int32-max-value",
            max_value=6,
        )
        infinities = q([-np.inf, np.inf, -1, 2], "float32")
        _activation(
            "relu",
            infinities,
            np.array([0, np.inf, 0, 2]),
            "float32",
            "float32-inf-threshold",
            tags=frozenset({"relu-inf-threshold"}),
            threshold=0.5,
        )
        _activation(
            "relu",
            infinities,
            np.array([-np.inf, 6, -0.15, 2]),
            "float32",
            "float32-inf-alpha-max-threshold",
            tags=frozenset({"relu-inf-threshold"}),
            alpha=0.1,
            max_value=6.0,
            threshold=0.5,
        )
        _activation(
            "hard_sigmoid",
            q([2.5, -2.5, 3.0, -3.0, 0.0], "float32"),
            np.array([1, 0, 1, 0, 0.5]),
            "float32",
            "golden-saturates",
        )
        x = q([-1.0, -1e-8, 2.0], "float32")
        _activation(
            "elu",
            x,
            np.where(f64(x) > 0, f64(x), 0.5 * np.expm1(f64(x))),
            "float32",
            "alpha0.5",
            alpha=0.5,
        )
        _activation(
            "softplus",
            q([-100.0, 100.0, 1e4], "float32"),
            np.array([np.exp(-100.0), 100.0, 1e4]),
            "float32",
            "large",
        )

    def softmax(x: np.ndarray, axis: Any = -1) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            shifted = x - np.max(x, axis=axis, keepdims=True)
            e = np.exp(shifted)
            return e / np.sum(e, axis=axis, keepdims=True)

    for dtype in FLOAT_NAMES:
        x = q([[1, 2, 3], [-1, 0, 5.5]], dtype)
        add(
            f"softmax-{dtype}",
            "softmax",
            x,
            expected=rounded(softmax(f64(x)), dtype),
            dtype=dtype,
            terms=3,
        )
    x = q(np.sin(np.arange(24)).reshape(2, 3, 4) * 4, "float32")
    add(
        "softmax-float32-axis1",
        "softmax",
        x,
        kwargs={"axis": 1},
        expected=rounded(softmax(f64(x), 1), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        "softmax-float32-axis0",
        "softmax",
        x,
        0,
        expected=rounded(softmax(f64(x), 0), "float32"),
        dtype="float32",
        terms=2,
    )
    add(
        "softmax-float32-1d",
        "softmax",
        q([1, 2, 3], "float32"),
        expected=rounded(softmax(np.array([1.0, 2, 3])), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-1d"}),
    )
    add(
        "softmax-float32-large",
        "softmax",
        q([[1e4, 0, -1e4]], "float32"),
        expected=np.array([[1, 0, 0]], np.float32),
        dtype="float32",
        terms=3,
    )
    add(
        "softmax-float32-inf-row",
        "softmax",
        q([[np.inf, 0, 1], [1, 2, 3]], "float32"),
        expected=rounded(np.array([[np.nan] * 3, softmax(np.array([1.0, 2, 3]))]), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-nonfinite"}),
    )
    add(
        "softmax-float32-nan-row",
        "softmax",
        q([[np.nan, 0, 1]], "float32"),
        expected=np.full((1, 3), np.nan, np.float32),
        dtype="float32",
        terms=3,
        tags=frozenset({"softmax-nonfinite"}),
    )
    add(
        "softmax-float32-all-minus-inf",
        "softmax",
        q([[-np.inf, -np.inf]], "float32"),
        expected=np.full((1, 2), np.nan, np.float32),
        dtype="float32",
        terms=2,
    )
    add(
        "softmax-int32-gives-floatx",
        "softmax",
        q([[1, 2, 3]], "int32"),
        expected=rounded(softmax(np.array([[1.0, 2, 3]])), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"int-activation"}),
    )
    add_error("softmax-axis-out-of-range", "softmax", AxisError, q([[1, 2]], "float32"), 2)


def build() -> None:
    """Add this family's cases to the table."""
    _activations()
