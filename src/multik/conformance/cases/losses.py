"""Conformance cases of family J: losses."""

from __future__ import annotations

from typing import Any

import numpy as np

from multik.conformance.cases.nn import sigmoid64
from multik.conformance.cases.table import (
    EPSILON,
    FLOAT_NAMES,
    add,
    add_error,
    built,
    f64,
    q,
    rounded,
)
from multik.dtypes import (
    float_compute,
    numpy_dtype,
)
from multik.errors import (
    AxisError,
    InvalidArgumentError,
    ShapeError,
)

# --------------------------------------------------------------------------- losses


def _bounds(output: np.ndarray, eps: float = EPSILON) -> tuple[float, float, float]:
    """eps, the clip bounds [eps, 1 - eps] and eps again, as the loss's compute dtype holds them."""
    compute = numpy_dtype(float_compute(output.dtype.name)).type
    return float(compute(eps)), float(compute(1) - compute(eps)), float(compute(eps))


def _cce(
    target: np.ndarray,
    output: np.ndarray,
    axis: int = -1,
    from_logits: bool = False,
    eps: float = EPSILON,
) -> np.ndarray:
    lo, hi, _ = _bounds(output, eps)
    t, o = f64(target), f64(output)
    if from_logits:
        shifted = o - np.max(o, axis=axis, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    else:
        p = o / np.sum(o, axis=axis, keepdims=True)
        log_p = np.log(np.clip(p, lo, hi))
    return -np.sum(t * log_p, axis=axis)


def _sparse_cce(labels: np.ndarray, output: np.ndarray, from_logits: bool = False) -> np.ndarray:
    lo, hi, _ = _bounds(output)
    o = f64(output)
    if not from_logits:
        o = np.log(np.clip(o, lo, hi))
    shifted = o - np.max(o, axis=-1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, labels.astype(np.int64).reshape(*o.shape[:-1], 1), axis=-1)
    return -picked[..., 0]


def _bce(target: Any, output: np.ndarray, from_logits: bool = False) -> np.ndarray:
    lo, hi, eps = _bounds(output)
    t, o = f64(np.asarray(target)), f64(output)
    if from_logits:
        return np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
    p = np.clip(o, lo, hi)
    return -(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps))


def _softmax64(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _losses() -> None:
    cce = "categorical_crossentropy"
    target = q([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], "float32")
    probs = [[0, 1, 0], [0.5, 0.3, 0], [1, 0, 0], [0.2, 0.2, 0.6]]
    for dtype in FLOAT_NAMES:
        t, p = q(target, dtype), q(probs, dtype)
        add(
            f"{cce}-{dtype}-exact-0-1-unnormalised",
            cce,
            t,
            p,
            expected=rounded(_cce(t, p), dtype),
            dtype=dtype,
            terms=3,
        )
    logits = q([[1e4, 0, -1e4], [1, 2, 3], [0, 0, 0]], "float32")
    t3 = target[:3]
    add(
        f"{cce}-float32-logits-1e4",
        cce,
        t3,
        logits,
        kwargs={"from_logits": True},
        expected=rounded(_cce(t3, logits, from_logits=True), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        f"{cce}-float64-logits",
        cce,
        q(t3, "float64"),
        q(logits, "float64"),
        kwargs={"from_logits": True},
        expected=_cce(t3, logits, from_logits=True),
        dtype="float64",
        terms=3,
    )
    tt = q(target.T, "float32")
    pt = q(np.array(probs, np.float32).T, "float32")
    add(
        f"{cce}-float32-axis0",
        cce,
        tt,
        pt,
        kwargs={"axis": 0},
        expected=rounded(_cce(tt, pt, axis=0), "float32"),
        dtype="float32",
        terms=3,
    )
    t3d = q(np.eye(3)[[0, 2, 1, 1]].reshape(2, 2, 3), "float32")
    p3d = q(np.abs(np.sin(np.arange(12))).reshape(2, 2, 3) + 0.1, "float32")
    add(
        f"{cce}-float32-3d",
        cce,
        t3d,
        p3d,
        expected=rounded(_cce(t3d, p3d), "float32"),
        dtype="float32",
        terms=3,
    )
    z = q([[1e4, 0, -1e4]], "float32")
    e2 = q([[0, 0, 1]], "float32")
    add(
        f"{cce}-of-K.softmax-no-cached-logits",
        cce,
        e2,
        z,
        call=lambda k, t, logits: k.categorical_crossentropy(t, k.softmax(logits)),
        expected=rounded(_cce(e2, rounded(_softmax64(f64(z)), "float32")), "float32"),
        dtype="float32",
        terms=3,
        tags=frozenset({"no-cached-logits"}),
    )
    add(
        f"{cce}-epsilon-1e-3",
        cce,
        e2,
        q([[1, 0, 0]], "float32"),
        expected=rounded(_cce(e2, q([[1, 0, 0]], "float32"), eps=1e-3), "float32"),
        dtype="float32",
        terms=3,
        epsilon=1e-3,
    )
    add_error(f"{cce}-shape-mismatch", cce, ShapeError, target, q(probs, "float32")[:, :2])
    add_error(
        f"{cce}-axis-out-of-range", cce, AxisError, target, q(probs, "float32"), kwargs={"axis": 2}
    )

    scce = "sparse_categorical_crossentropy"
    p = q([[0, 0.3, 0.3], [0.5, 0.3, 0], [0.1, 0.8, 0.1]], "float32")
    for label_dtype in ("int32", "int64", "uint8"):
        labels = q([0, 0, 1], label_dtype)
        add(
            f"{scce}-float32-{label_dtype}-labels",
            scce,
            labels,
            p,
            expected=rounded(_sparse_cce(labels, p), "float32"),
            dtype="float32",
            terms=3,
        )
    for dtype in built(("float16", "bfloat16", "float64")):
        labels = q([0, 0, 1], "int32")
        add(
            f"{scce}-{dtype}",
            scce,
            labels,
            q(p, dtype),
            expected=rounded(_sparse_cce(labels, q(p, dtype)), dtype),
            dtype=dtype,
            terms=3,
        )
    labels = q([2, 0, 1], "int64")
    add(
        f"{scce}-float32-logits-1e4",
        scce,
        labels,
        logits,
        kwargs={"from_logits": True},
        expected=rounded(_sparse_cce(labels, logits, from_logits=True), "float32"),
        dtype="float32",
        terms=3,
    )
    deep = q(np.abs(np.cos(np.arange(24))).reshape(2, 4, 3) + 0.05, "float32")
    deep_labels = q(np.arange(8).reshape(2, 4) % 3, "int32")
    add(
        f"{scce}-float32-rank3",
        scce,
        deep_labels,
        deep,
        expected=rounded(_sparse_cce(deep_labels, deep), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        f"{scce}-float32-labels-with-trailing-1",
        scce,
        deep_labels.reshape(2, 4, 1),
        deep,
        expected=rounded(_sparse_cce(deep_labels, deep), "float32"),
        dtype="float32",
        terms=3,
    )
    add_error(
        f"{scce}-label-out-of-range",
        scce,
        InvalidArgumentError,
        q([3, 0, 1], "int32"),
        p,
        eager_only="the label range is data-dependent, checked only when the labels hold values",
    )
    add_error(
        f"{scce}-label-negative",
        scce,
        InvalidArgumentError,
        q([-1, 0, 1], "int32"),
        p,
        eager_only="the label range is data-dependent, checked only when the labels hold values",
    )
    add_error(f"{scce}-label-count", scce, ShapeError, q([0, 1], "int32"), p)

    bce = "binary_crossentropy"
    pairs_t = [1, 0, 1, 0, 1, 0.3]
    pairs_p = [0, 1, 1, 0, 0.5, 0.9]
    for dtype in FLOAT_NAMES:
        t, o = q(pairs_t, dtype), q(pairs_p, dtype)
        add(
            f"{bce}-{dtype}-exact-0-1",
            bce,
            t,
            o,
            expected=rounded(_bce(t, o), dtype),
            dtype=dtype,
        )
    add(
        f"{bce}-golden-(1,0)",
        bce,
        q([1.0], "float32"),
        q([0.0], "float32"),
        expected=np.array([15.424949], np.float32),
        dtype="float32",
    )
    zl = q([[1e4, -1e4, 30, 0]], "float32")
    tl = q([[0, 0, 0.3, 1]], "float32")
    add(
        f"{bce}-float32-logits",
        bce,
        tl,
        zl,
        kwargs={"from_logits": True},
        expected=rounded(_bce(tl, zl, True), "float32"),
        dtype="float32",
    )
    zs = q([[-100.0, 30.0]], "float32")
    ts = q([[1.0, 0.3]], "float32")
    add(
        f"{bce}-of-K.sigmoid-no-cached-logits",
        bce,
        ts,
        zs,
        call=lambda k, t, logits: k.binary_crossentropy(t, k.sigmoid(logits)),
        expected=rounded(_bce(ts, rounded(sigmoid64(f64(zs)), "float32")), "float32"),
        dtype="float32",
        tags=frozenset({"no-cached-logits"}),
    )
    add(
        f"{bce}-int-target",
        bce,
        q([1, 0], "int32"),
        q([0.25, 0.75], "float32"),
        expected=rounded(_bce(np.array([1, 0]), q([0.25, 0.75], "float32")), "float32"),
        dtype="float32",
    )


# --------------------------------------------------------------------------- focal losses


def _cfce(
    target: np.ndarray,
    output: np.ndarray,
    alpha: Any = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    axis: int = -1,
    eps: float = EPSILON,
) -> np.ndarray:
    """sum(alpha * (1 - p)**gamma * -t * log(p), axis), p renormalised and clipped."""
    lo, hi, _ = _bounds(output, eps)
    t, o = f64(target), f64(output)
    if from_logits:
        e = np.exp(o - np.max(o, axis=axis, keepdims=True))
        o = e / np.sum(e, axis=axis, keepdims=True)
    p = np.clip(o / np.sum(o, axis=axis, keepdims=True), lo, hi)
    return np.sum(np.asarray(alpha) * (1 - p) ** gamma * -t * np.log(p), axis=axis)


def _bfce(
    target: Any,
    output: np.ndarray,
    balance: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
) -> np.ndarray:
    """(1 - p_t)**gamma * bce, p_t from the unclipped probability; alpha-weighted if asked."""
    t, o = f64(np.asarray(target)), f64(output)
    p = sigmoid64(o) if from_logits else o
    p_t = t * p + (1 - t) * (1 - p)
    loss = (1 - p_t) ** gamma * _bce(target, output, from_logits)
    return (t * alpha + (1 - t) * (1 - alpha)) * loss if balance else loss


def _focal_losses() -> None:
    cfce = "categorical_focal_crossentropy"
    target = q([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], "float32")
    probs = [[0, 1, 0], [0.5, 0.3, 0], [1, 0, 0], [0.2, 0.2, 0.6]]
    for dtype in FLOAT_NAMES:
        t, p = q(target, dtype), q(probs, dtype)
        add(
            f"{cfce}-{dtype}-exact-0-1-unnormalised",
            cfce,
            t,
            p,
            expected=rounded(_cfce(t, p), dtype),
            dtype=dtype,
            terms=3,
        )
    logits = q([[1e4, 0, -1e4], [1, 2, 3], [0, 0, 0]], "float32")
    soft = q([[0.2, 0.3, 0.5], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2]], "float32")
    t3 = target[:3]
    for label, options in (
        ("logits-1e4", {"from_logits": True}),
        ("alpha-per-class", {"alpha": [0.1, 0.5, 0.9]}),
        ("gamma-0", {"gamma": 0.0}),
        ("gamma-1.5-alpha-1", {"gamma": 1.5, "alpha": 1.0}),
    ):
        output = logits if options.get("from_logits") else soft
        add(
            f"{cfce}-float32-{label}",
            cfce,
            t3,
            output,
            kwargs=options,
            expected=rounded(_cfce(t3, output, **options), "float32"),
            dtype="float32",
            terms=3,
        )
    add(
        f"{cfce}-float64-logits",
        cfce,
        q(t3, "float64"),
        q(logits, "float64"),
        kwargs={"from_logits": True},
        expected=_cfce(t3, q(logits, "float64"), from_logits=True),
        dtype="float64",
        terms=3,
    )
    tt, st = q(t3.T, "float32"), q(soft.T, "float32")
    add(
        f"{cfce}-float32-axis0",
        cfce,
        tt,
        st,
        kwargs={"axis": 0},
        expected=rounded(_cfce(tt, st, axis=0), "float32"),
        dtype="float32",
        terms=3,
    )
    t3d = q(np.eye(3)[[0, 2, 1, 1]].reshape(2, 2, 3), "float32")
    p3d = q(np.abs(np.sin(np.arange(12))).reshape(2, 2, 3) + 0.1, "float32")
    add(
        f"{cfce}-float32-3d",
        cfce,
        t3d,
        p3d,
        expected=rounded(_cfce(t3d, p3d), "float32"),
        dtype="float32",
        terms=3,
    )
    e2 = q([[0, 0, 1]], "float32")
    add(
        f"{cfce}-epsilon-1e-3",
        cfce,
        e2,
        q([[1, 0, 0]], "float32"),
        expected=rounded(_cfce(e2, q([[1, 0, 0]], "float32"), eps=1e-3), "float32"),
        dtype="float32",
        terms=3,
        epsilon=1e-3,
    )
    z = q([[1e4, 0, -1e4]], "float32")
    # tf_keras switches to the logits cached by K.softmax here too, and applies the softmax
    # again: the same probabilities, so no difference shows.
    add(
        f"{cfce}-of-K.softmax",
        cfce,
        e2,
        z,
        call=lambda k, t, logits: k.categorical_focal_crossentropy(t, k.softmax(logits)),
        expected=rounded(_cfce(e2, rounded(_softmax64(f64(z)), "float32")), "float32"),
        dtype="float32",
        terms=3,
    )
    add(
        f"{cfce}-float32-empty-batch",
        cfce,
        q(np.zeros((0, 3)), "float32"),
        q(np.zeros((0, 3)), "float32"),
        expected=np.zeros(0, np.float32),
        dtype="float32",
    )
    add_error(f"{cfce}-shape-mismatch", cfce, ShapeError, target, q(probs, "float32")[:, :2])
    add_error(
        f"{cfce}-axis-out-of-range",
        cfce,
        AxisError,
        target,
        q(probs, "float32"),
        kwargs={"axis": 2},
    )
    add_error(
        f"{cfce}-alpha-per-class-wrong-length",
        cfce,
        ShapeError,
        t3,
        soft,
        kwargs={"alpha": [0.5, 0.5]},
    )

    bfce = "binary_focal_crossentropy"
    pairs_t = [1, 0, 1, 0, 1, 0.3]
    pairs_p = [0, 1, 1, 0, 0.5, 0.9]
    for dtype in FLOAT_NAMES:
        t, o = q(pairs_t, dtype), q(pairs_p, dtype)
        add(
            f"{bfce}-{dtype}-exact-0-1",
            bfce,
            t,
            o,
            expected=rounded(_bfce(t, o), dtype),
            dtype=dtype,
            tags=frozenset({"half-f32-compute"}) if dtype == "bfloat16" else frozenset(),
        )
    tl = q([[0, 0, 0.3, 1], [1, 1, 0, 0.5]], "float32")
    zl = q([[1e4, -1e4, 30, 0], [2, -3, 0.5, -0.25]], "float32")
    ol = q([[0.9, 0.1, 0.3, 0.6], [0.2, 0.7, 0.5, 1]], "float32")
    for label, options in (
        ("logits", {"from_logits": True}),
        ("balanced", {"apply_class_balancing": True}),
        (
            "balanced-logits-alpha-0.6",
            {"apply_class_balancing": True, "alpha": 0.6, "from_logits": True},
        ),
        ("gamma-0-is-bce", {"gamma": 0.0}),
        ("gamma-3.5", {"gamma": 3.5}),
    ):
        output = zl if options.get("from_logits") else ol
        balance = options.get("apply_class_balancing", False)
        reference = {k: v for k, v in options.items() if k != "apply_class_balancing"}
        add(
            f"{bfce}-float32-{label}",
            bfce,
            tl,
            output,
            kwargs=options,
            expected=rounded(_bfce(tl, output, balance, **reference), "float32"),
            dtype="float32",
        )
    add(
        f"{bfce}-float64-balanced-logits",
        bfce,
        q(tl, "float64"),
        q(zl, "float64"),
        True,
        kwargs={"from_logits": True},
        expected=_bfce(tl, q(zl, "float64"), True, from_logits=True),
        dtype="float64",
    )
    zs = q([[-100.0, 30.0]], "float32")
    ts = q([[1.0, 0.3]], "float32")
    add(
        f"{bfce}-of-K.sigmoid-no-cached-logits",
        bfce,
        ts,
        zs,
        call=lambda k, t, logits: k.binary_focal_crossentropy(t, k.sigmoid(logits)),
        expected=rounded(_bfce(ts, rounded(sigmoid64(f64(zs)), "float32")), "float32"),
        dtype="float32",
        tags=frozenset({"no-cached-logits"}),
    )
    add(
        f"{bfce}-int-target",
        bfce,
        q([1, 0], "int32"),
        q([0.25, 0.75], "float32"),
        expected=rounded(_bfce(np.array([1, 0]), q([0.25, 0.75], "float32")), "float32"),
        dtype="float32",
        tags=frozenset({"converts-dtype"}),
    )
    add(
        f"{bfce}-float32-empty",
        bfce,
        q(np.zeros((0, 3)), "float32"),
        q(np.zeros((0, 3)), "float32"),
        expected=np.zeros((0, 3), np.float32),
        dtype="float32",
    )


def build() -> None:
    """Add this family's cases to the table."""
    _losses()
    _focal_losses()
