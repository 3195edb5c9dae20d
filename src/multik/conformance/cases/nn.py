"""Conformance cases of families I and K: activations, softmax, normalisation and in_top_k."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from multik.conformance.cases.table import (
    FLOAT_NAMES,
    add,
    add_error,
    axis_text,
    built,
    exact,
    f64,
    q,
    rounded,
    sample,
)
from multik.errors import (
    AxisError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
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


# --------------------------------------------------------------------------- l2_normalize


def _l2(x: np.ndarray, axis: Any = None) -> np.ndarray:
    """x / sqrt(max(sum(x**2, axis), 1e-12)) in float64."""
    v = f64(x)
    axes = tuple(axis) if isinstance(axis, list) else axis
    with np.errstate(invalid="ignore"):
        return v / np.sqrt(np.maximum(np.sum(v * v, axis=axes, keepdims=True), 1e-12))


def _l2_normalize() -> None:
    base = [[3.0, -4.0, 0.5], [1.0, 1.0, -1.0]]
    for dtype in FLOAT_NAMES:
        x = q(base, dtype)
        add(
            f"l2_normalize-{dtype}",
            "l2_normalize",
            x,
            expected=rounded(_l2(x), dtype),
            dtype=dtype,
            terms=6,
        )
    x = q(np.sin(np.arange(24)).reshape(2, 3, 4) * 3, "float32")
    for axis in (-1, 0, 1, [0, 2], (1, 2), ()):
        add(
            f"l2_normalize-float32-axis{axis_text(axis)}",
            "l2_normalize",
            x,
            kwargs={"axis": axis},
            expected=rounded(_l2(x, axis), "float32"),
            dtype="float32",
            terms=12,
        )
    small = q([[0.0, 0.0], [1e-7, 0.0], [3.0, 4.0]], "float32")
    add(
        "l2_normalize-float32-floor",
        "l2_normalize",
        small,
        -1,
        expected=rounded(_l2(small, -1), "float32"),
        dtype="float32",
        terms=2,
    )
    special = q([[np.inf, 1.0], [np.nan, 1.0], [-np.inf, np.inf]], "float32")
    add(
        "l2_normalize-float32-nan-inf",
        "l2_normalize",
        special,
        -1,
        expected=rounded(_l2(special, -1), "float32"),
        dtype="float32",
        terms=2,
    )
    add(
        "l2_normalize-float32-empty",
        "l2_normalize",
        q(np.zeros((0, 3)), "float32"),
        -1,
        expected=np.zeros((0, 3), np.float32),
        dtype="float32",
    )
    add(
        "l2_normalize-float64-scalar",
        "l2_normalize",
        q(-3.0, "float64"),
        expected=rounded(-1.0, "float64"),
        dtype="float64",
    )
    big = q([300.0, 400.0], "float16")
    add(
        "l2_normalize-float16-squares-overflow-16-bits",
        "l2_normalize",
        big,
        expected=rounded(_l2(big), "float16"),
        dtype="float16",
        terms=2,
        tags=frozenset({"half-f32-compute"}),
    )
    ints = q([[3, 4], [0, -2]], "int32")
    add(
        "l2_normalize-int32-gives-floatx",
        "l2_normalize",
        ints,
        -1,
        expected=rounded(_l2(ints, -1), "float32"),
        dtype="float32",
        terms=2,
        tags=frozenset({"int-normalize"}),
    )
    add_error("l2_normalize-axis-out-of-range", "l2_normalize", AxisError, x, 3)


# --------------------------------------------------------------------------- bias_add


def _bias_add() -> None:
    shapes = {2: (2, 3), 3: (2, 3, 4), 4: (2, 3, 2, 4), 5: (1, 2, 3, 2, 4)}
    for rank, shape in shapes.items():
        for data_format in ("channels_last", "channels_first"):
            x = sample(shape, "float32")
            channel = shape[1] if data_format == "channels_first" else shape[-1]
            bias = q(np.arange(channel) * 1.5 - 2, "float32")
            where = [1] * rank
            where[1 if data_format == "channels_first" else -1] = channel
            add(
                f"bias_add-float32-{rank}d-vector-{data_format}",
                "bias_add",
                x,
                bias,
                data_format,
                expected=rounded(f64(x) + f64(bias).reshape(where), "float32"),
                dtype="float32",
            )
            if rank < 3:
                continue
            # A bias of rank ndim(x) - 1 is given channels last; channels_first moves its
            # last axis first with a reshape (not a transpose), as Keras does.
            last = shape[1:] if data_format == "channels_last" else (*shape[2:], shape[1])
            full = q(np.cos(np.arange(math.prod(last))).reshape(last), "float32")
            moved = f64(full).reshape((1, *shape[1:]))
            add(
                f"bias_add-float32-{rank}d-rank{rank - 1}-{data_format}",
                "bias_add",
                x,
                full,
                kwargs={"data_format": data_format},
                expected=rounded(f64(x) + moved, "float32"),
                dtype="float32",
            )
    x, bias = sample((2, 3), "float32"), q([1.0, -2.0, 0.5], "float32")
    add(
        "bias_add-float32-default-format",
        "bias_add",
        x,
        bias,
        expected=rounded(f64(x) + f64(bias), "float32"),
        dtype="float32",
    )
    add(
        "bias_add-float32-format-any-case",
        "bias_add",
        x,
        bias,
        "Channels_Last",
        expected=rounded(f64(x) + f64(bias), "float32"),
        dtype="float32",
        tags=frozenset({"data-format-case"}),
    )
    add(
        "bias_add-float32-broadcast-bias",
        "bias_add",
        sample((2, 3, 4), "float32"),
        q(np.arange(4.0).reshape(1, 4), "float32"),
        expected=rounded(f64(sample((2, 3, 4), "float32")) + np.arange(4.0), "float32"),
        dtype="float32",
    )
    for dtype in ("float16", "float64", "int32", *built(("bfloat16",))):
        x, bias = sample((2, 3), dtype), q([1, -2, 3], dtype)
        add(
            f"bias_add-{dtype}",
            "bias_add",
            x,
            bias,
            expected=rounded(exact(x) + exact(bias), dtype),
            dtype=dtype,
        )
    add(
        "bias_add-float32-int32-bias-promotes",
        "bias_add",
        sample((2, 3), "float32"),
        q([1, -2, 3], "int32"),
        expected=rounded(f64(sample((2, 3), "float32")) + np.array([1, -2, 3]), "float32"),
        dtype="float32",
        tags=frozenset({"converts-dtype"}),
    )
    add(
        "bias_add-float32-empty-batch",
        "bias_add",
        q(np.zeros((0, 3)), "float32"),
        q([1, 2, 3], "float32"),
        expected=np.zeros((0, 3), np.float32),
        dtype="float32",
    )
    x3 = sample((2, 3, 4), "float32")
    add_error(
        "bias_add-bad-data-format",
        "bias_add",
        InvalidArgumentError,
        x3,
        q([1, 2, 3, 4], "float32"),
        "channels_middle",
    )
    add_error("bias_add-vector-wrong-size", "bias_add", ShapeError, x3, q([1, 2, 3], "float32"))
    add_error(
        "bias_add-vector-wrong-size-channels-first",
        "bias_add",
        ShapeError,
        x3,
        q([1, 2, 3, 4], "float32"),
        "channels_first",
    )
    add_error("bias_add-scalar-bias", "bias_add", ShapeError, x3, q(1.0, "float32"))
    add_error(
        "bias_add-bias-rank-between",
        "bias_add",
        ShapeError,
        sample((2, 3, 2, 4), "float32"),
        q(np.ones((2, 4)), "float32"),
    )
    add_error(
        "bias_add-rank-1-x", "bias_add", ShapeError, q([1, 2], "float32"), q([1, 2], "float32")
    )
    add_error(
        "bias_add-full-bias-mismatch", "bias_add", ShapeError, x3, q(np.ones((4, 3)), "float32")
    )
    add_error(
        "bias_add-full-bias-rank-6-x",
        "bias_add",
        ShapeError,
        q(np.ones((1, 2, 1, 1, 1, 2)), "float32"),
        q(np.ones((2, 1, 1, 1, 2)), "float32"),
    )


# --------------------------------------------------------------------------- batch normalisation


def _bn(x: np.ndarray, mean: Any, var: Any, beta: Any, gamma: Any, eps: float = 1e-3) -> Any:
    """(x - mean) / sqrt(var + eps) * gamma + beta in float64 (None: no beta / gamma)."""
    with np.errstate(invalid="ignore"):
        out = (f64(x) - f64(mean)) / np.sqrt(f64(var) + eps)
    if gamma is not None:
        out = out * f64(gamma)
    if beta is not None:
        out = out + f64(beta)
    return out


def _stats(n: int, dtype: str = "float32") -> list[np.ndarray]:
    """mean, var, beta, gamma vectors of length n (var > 0)."""
    i = np.arange(n)
    return [
        q(i * 0.25 - 0.5, dtype),
        q(i * 0.5 + 0.75, dtype),
        q(1.0 - i * 0.125, dtype),
        q(i * 0.5 + 0.5, dtype),
    ]


def _batch_normalization() -> None:
    bn = "batch_normalization"
    for dtype in FLOAT_NAMES:
        x = sample((4, 3), dtype)
        stats = _stats(3, dtype)
        add(f"{bn}-{dtype}-2d", bn, x, *stats, expected=rounded(_bn(x, *stats), dtype), dtype=dtype)
    x, (mean, var, beta, gamma) = sample((4, 3), "float32"), _stats(3)
    add(
        f"{bn}-float32-no-beta-gamma",
        bn,
        x,
        mean,
        var,
        None,
        None,
        expected=rounded(_bn(x, mean, var, None, None), "float32"),
        dtype="float32",
    )
    add(
        f"{bn}-float32-no-gamma",
        bn,
        x,
        mean,
        var,
        beta,
        None,
        expected=rounded(_bn(x, mean, var, beta, None), "float32"),
        dtype="float32",
    )
    add(
        f"{bn}-float32-epsilon",
        bn,
        x,
        mean,
        var,
        beta,
        gamma,
        -1,
        0.25,
        expected=rounded(_bn(x, mean, var, beta, gamma, 0.25), "float32"),
        dtype="float32",
    )
    add(
        f"{bn}-float32-python-stats",
        bn,
        x,
        0.5,
        2.0,
        1.0,
        3.0,
        expected=rounded(_bn(x, 0.5, 2.0, 1.0, 3.0), "float32"),
        dtype="float32",
    )
    add(
        f"{bn}-float32-negative-var-nan",
        bn,
        x,
        mean,
        -var,
        beta,
        gamma,
        expected=rounded(_bn(x, mean, -var, beta, gamma), "float32"),
        dtype="float32",
    )
    x16 = sample((4, 3), "float16")
    add(
        f"{bn}-float16-x-float32-stats",
        bn,
        x16,
        mean,
        var,
        beta,
        gamma,
        expected=rounded(_bn(x16, mean, var, beta, gamma), "float16"),
        dtype="float16",
    )
    for axis in (-1, 3, 1, -3):
        channels = 3 if axis in (1, -3) else 5
        x4 = q(np.sin(np.arange(2 * 3 * 4 * 5)).reshape(2, 3, 4, 5), "float32")
        stats = _stats(channels)
        where = (1, channels, 1, 1) if channels == 3 else (channels,)
        add(
            f"{bn}-float32-4d-axis{axis}-vectors",
            bn,
            x4,
            *stats,
            axis,
            expected=rounded(_bn(x4, *[s.reshape(where) for s in stats]), "float32"),
            dtype="float32",
        )
    x4 = q(np.sin(np.arange(2 * 3 * 4 * 5)).reshape(2, 3, 4, 5), "float32")
    shaped = [st.reshape(1, 1, 1, 5) for st in _stats(5)]
    add(
        f"{bn}-float32-4d-axis-1-broadcast-shaped",
        bn,
        x4,
        *shaped,
        expected=rounded(_bn(x4, *shaped), "float32"),
        dtype="float32",
    )
    shaped = [st.reshape(1, 3, 1, 1) for st in _stats(3)]
    add(
        f"{bn}-float32-4d-axis1-broadcast-shaped",
        bn,
        x4,
        *shaped,
        1,
        expected=rounded(_bn(x4, *shaped), "float32"),
        dtype="float32",
        tags=frozenset({"batchnorm-axis"}),
    )
    x3 = q(np.cos(np.arange(2 * 4 * 3)).reshape(2, 4, 3), "float32")
    shaped = [st.reshape(1, 4, 1) for st in _stats(4)]
    add(
        f"{bn}-float32-3d-axis1-broadcast-shaped",
        bn,
        x3,
        *shaped,
        1,
        expected=rounded(_bn(x3, *shaped), "float32"),
        dtype="float32",
    )
    add(
        f"{bn}-float32-3d-axis1-vectors",
        bn,
        x3,
        *_stats(4),
        1,
        expected=rounded(_bn(x3, *shaped), "float32"),
        dtype="float32",
        tags=frozenset({"batchnorm-axis"}),
    )
    ints = q([[1, 2, 3], [4, 5, 6]], "int32")
    add(
        f"{bn}-int32-gives-floatx",
        bn,
        ints,
        mean,
        var,
        beta,
        gamma,
        expected=rounded(_bn(ints, mean, var, beta, gamma), "float32"),
        dtype="float32",
        tags=frozenset({"int-normalize"}),
    )
    add(
        f"{bn}-float64-scalar-x",
        bn,
        q(2.0, "float64"),
        q(0.5, "float64"),
        q(4.0, "float64"),
        None,
        None,
        expected=rounded(_bn(np.float64(2.0), 0.5, 4.0, None, None), "float64"),
        dtype="float64",
    )
    add_error(f"{bn}-vector-wrong-size", bn, ShapeError, x, *_stats(4))
    add_error(f"{bn}-4d-axis1-vector-wrong-size", bn, ShapeError, x4, *_stats(5), 1)
    add_error(
        f"{bn}-stats-do-not-broadcast",
        bn,
        ShapeError,
        x3,
        *[st.reshape(1, 3, 1) for st in _stats(3)],
        1,
    )
    add_error(
        f"{bn}-4d-axis-out-of-range",
        bn,
        AxisError,
        x4,
        *_stats(5),
        7,
        tags=frozenset({"batchnorm-axis"}),
    )


def _moments(x: np.ndarray, axes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The float64 batch mean and (biased) variance over ``axes``, keeping them as size 1."""
    v = f64(x)
    with np.errstate(invalid="ignore"):
        mean = np.mean(v, axis=axes, keepdims=True)
        return mean, np.mean((v - mean) ** 2, axis=axes, keepdims=True)


def _batch_cases(
    label: str,
    x: np.ndarray,
    gamma: Any,
    beta: Any,
    axes: Any,
    dtype: str = "float32",
    tags: frozenset[str] = frozenset(),
    var_tags: frozenset[str] = frozenset(),
    **options: Any,
) -> None:
    """One case per result (normed, mean, var) of normalize_batch_in_training."""
    function = "normalize_batch_in_training"
    reduced = tuple(sorted(a % x.ndim for a in axes))
    mean, var = _moments(x, reduced)
    kept = tuple(d for i, d in enumerate(x.shape) if i not in reduced)
    stats_shape = mean.shape
    regular = reduced == tuple(range(x.ndim - 1))

    def shaped(p: Any) -> Any:
        return p if p is None or regular else f64(p).reshape(stats_shape)

    normed = _bn(x, mean, var, shaped(beta), shaped(gamma), options.get("epsilon_arg", 1e-3))
    eps_args = (options["epsilon_arg"],) if "epsilon_arg" in options else ()
    for index, (part, value) in enumerate(
        (("normed", normed), ("mean", mean.reshape(kept)), ("var", var.reshape(kept)))
    ):
        add(
            f"{function}-{label}-{part}",
            function,
            x,
            gamma,
            beta,
            axes,
            *eps_args,
            call=lambda k, *args, i=index: k.normalize_batch_in_training(*args)[i],
            expected=rounded(value, dtype),
            dtype=dtype,
            terms=math.prod(x.shape[a] for a in reduced) if part != "normed" else 1,
            tags=tags | (var_tags if part == "var" else frozenset()),
        )


def _normalize_batch_in_training() -> None:
    for dtype in FLOAT_NAMES:
        x = q(np.sin(np.arange(15)).reshape(5, 3) * 2, dtype)
        _, _, beta, gamma = _stats(3, dtype)
        _batch_cases(f"{dtype}-2d", x, gamma, beta, [0], dtype)
    x3 = q(np.cos(np.arange(24) * 0.7).reshape(2, 3, 4) * 3, "float32")
    _, _, beta4, gamma4 = _stats(4)
    _, _, beta3, gamma3 = _stats(3)
    _batch_cases("float32-3d-axes01", x3, gamma4, beta4, [0, 1])
    _batch_cases("float32-3d-axes10-tuple", x3, gamma4, beta4, (1, 0))
    _batch_cases("float32-3d-no-gamma-beta", x3, None, None, [0, 1])
    _batch_cases("float32-3d-axes02-broadcast", x3, gamma3, beta3, [0, 2])
    _batch_cases("float32-3d-axes02-shaped", x3, gamma3.reshape(1, 3, 1), beta3, [0, 2])
    _batch_cases("float32-3d-axis2-broadcast", x3, q(np.ones((2, 3)), "float32"), None, [2])
    _batch_cases("float32-3d-all-axes", x3, None, None, [0, 1, 2])
    _batch_cases("float32-3d-no-axes", x3, None, None, [])
    _batch_cases(
        "float32-3d-negative-axes",
        x3,
        gamma4,
        beta4,
        [-3, -2],
        tags=frozenset({"normalize-batch-fused"}),
    )
    _batch_cases("float32-3d-epsilon", x3, gamma4, beta4, [0, 1], epsilon_arg=0.5)
    x4 = q(np.sin(np.arange(2 * 3 * 4 * 5) * 1.3).reshape(2, 3, 4, 5), "float32")
    _, _, beta5, gamma5 = _stats(5)
    _batch_cases("float32-4d-channels-first", x4, gamma3, beta3, [0, 2, 3])
    _batch_cases(
        "float32-4d-channels-last",
        x4,
        gamma5,
        beta5,
        [0, 1, 2],
        var_tags=frozenset({"normalize-batch-fused"}),
    )
    _batch_cases("float64-3d", q(x3, "float64"), q(gamma4, "float64"), None, [0, 1], "float64")
    _batch_cases("float32-empty-batch", q(np.zeros((0, 3)), "float32"), None, None, [0])
    _batch_cases(
        "int32-gives-floatx",
        q([[1, 2], [3, 5], [4, 4]], "int32"),
        None,
        None,
        [0],
        tags=frozenset({"int-normalize"}),
    )
    function = "normalize_batch_in_training"
    for label, args, error in (
        ("int-axes", (x3, None, None, 0), AxisError),
        ("axis-out-of-range", (x3, None, None, [0, 3]), AxisError),
        ("repeated-axis", (x3, None, None, [0, 0]), AxisError),
        ("gamma-wrong-size-broadcast", (x3, gamma4, None, [0, 2]), ShapeError),
        ("gamma-wrong-size-regular", (x3, gamma3, None, [0, 1]), ShapeError),
    ):
        add_error(
            f"{function}-{label}",
            function,
            error,
            *args,
            call=lambda k, *a: k.normalize_batch_in_training(*a)[0],
        )


# --------------------------------------------------------------------------- in_top_k


def _top_k(predictions: np.ndarray, targets: Any, k: int) -> np.ndarray:
    """in_top_k from its definition: fewer than k classes score strictly higher than the
    target, which is in range, in a row of finite scores."""
    out = []
    for row, target in zip(f64(predictions), np.asarray(targets).astype(np.int64)):
        inside = 0 <= target < row.size and bool(np.all(np.isfinite(row)))
        out.append(inside and int(np.sum(row > row[target])) < k)
    return np.array(out, dtype=bool).reshape(len(out))


def _in_top_k() -> None:
    ties = q([[0.5, 0.5, 0.5, 0.1], [0.1, 0.2, 0.3, 0.4], [0.4, 0.1, 0.4, 0.4]], "float32")
    targets = q([2, 0, 1], "int32")
    for k in (-1, 0, 1, 2, 3, 4, 9):
        add(
            f"in_top_k-float32-ties-k{k}",
            "in_top_k",
            ties,
            targets,
            k,
            expected=_top_k(ties, targets, k),
            dtype="bool",
        )
    golden = q([[0.5, 0.5, 0.5, 0.1]], "float32")
    add(
        "in_top_k-golden-tie-counts",
        "in_top_k",
        golden,
        q([2], "int32"),
        1,
        expected=np.array([True]),
        dtype="bool",
    )
    rng = np.random.default_rng(11)
    scores = q(rng.random((20, 10)), "float32")
    labels = q(rng.integers(0, 10, 20), "int64")
    for k in (1, 3, 5):
        add(
            f"in_top_k-float32-random-k{k}",
            "in_top_k",
            scores,
            labels,
            k,
            expected=_top_k(scores, labels, k),
            dtype="bool",
        )
    special = q([[np.nan, 1, 2], [1, np.inf, 2], [-np.inf, 1, 2], [3, 1, 2]], "float32")
    out_of_range = q([2, 1, 2, 3], "int32")
    add(
        "in_top_k-float32-non-finite-and-out-of-range",
        "in_top_k",
        special,
        out_of_range,
        3,
        expected=_top_k(special, out_of_range, 3),
        dtype="bool",
    )
    add(
        "in_top_k-float32-negative-target",
        "in_top_k",
        ties,
        q([-1, 0, 1], "int32"),
        4,
        expected=_top_k(ties, [-1, 0, 1], 4),
        dtype="bool",
    )
    add(
        "in_top_k-float32-empty-batch",
        "in_top_k",
        q(np.zeros((0, 3)), "float32"),
        q(np.zeros(0), "int32"),
        1,
        expected=np.zeros(0, bool),
        dtype="bool",
    )
    add(
        "in_top_k-float32-no-classes",
        "in_top_k",
        q(np.zeros((2, 0)), "float32"),
        q([0, 0], "int32"),
        1,
        expected=np.zeros(2, bool),
        dtype="bool",
    )
    tags = frozenset({"in-top-k-dtypes"})
    for dtype in ("float16", "float64", "int32", *built(("bfloat16",))):
        p = q([[1, 3, 2, 3], [0, -1, 5, 2]], dtype)
        add(
            f"in_top_k-{dtype}-predictions",
            "in_top_k",
            p,
            q([1, 3], "int32"),
            2,
            expected=_top_k(p, [1, 3], 2),
            dtype="bool",
            tags=tags,
        )
    for dtype in ("int8", "uint8", "int16"):
        add(
            f"in_top_k-float32-{dtype}-targets",
            "in_top_k",
            ties,
            q([2, 0, 1], dtype),
            1,
            expected=_top_k(ties, [2, 0, 1], 1),
            dtype="bool",
            tags=tags,
        )
    add_error("in_top_k-float-targets", "in_top_k", DTypeError, ties, q([2, 0, 1], "float32"), 1)
    add_error(
        "in_top_k-bool-predictions",
        "in_top_k",
        DTypeError,
        q([[True, False]], "bool"),
        q([0], "int32"),
        1,
    )
    add_error(
        "in_top_k-1d-predictions", "in_top_k", ShapeError, q([1, 2], "float32"), q([0], "int32"), 1
    )
    add_error("in_top_k-2d-targets", "in_top_k", ShapeError, ties, q([[2], [0], [1]], "int32"), 1)
    add_error("in_top_k-batch-mismatch", "in_top_k", ShapeError, ties, q([2, 0], "int32"), 1)
    add_error("in_top_k-float-k", "in_top_k", InvalidArgumentError, ties, targets, 1.5)


def build() -> None:
    """Add this family's cases to the table."""
    _activations()
    _l2_normalize()
    _bias_add()
    _batch_normalization()
    _normalize_batch_in_training()
    _in_top_k()
