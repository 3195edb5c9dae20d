"""Property-based conformance of the normalisation ops, in_top_k, the focal losses and switch.

Hypothesis draws shapes, dtypes, axes, data formats and values; each backend must give the
independent float64 NumPy reference written here (integers and bools exactly, floats within the
tolerance table), with the dtype the rules give. The helpers and the Hypothesis profile are
those of ``test_properties``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from test_properties import (
    ALL,
    FLOATS,
    INTS,
    PROFILE,
    arrays,
    backends,
    check,
    clip_bounds,
    expect_error,
    f64,
    floating,
    loss_inputs,
    normalized,
    promote,
    reduction_axes,
    run,
    shapes,
    with_specials,
)

from multik import backend as K
from multik.errors import ShapeError

# ------------------------------------------------------------------------- l2_normalize


@backends
@PROFILE
@given(data=st.data())
def test_l2_normalize(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(
        arrays(dtype, shape, special=with_specials(data, dtype), ints=(-100, 100)), label="x"
    )
    axis = data.draw(st.one_of(st.just("default"), reduction_axes(x.ndim)), label="axis")
    axes = normalized(None if axis == "default" else axis, x.ndim)
    v = f64(x)
    with np.errstate(all="ignore"):
        total = np.sum(v * v, axis=axes, keepdims=True)
        expected = v / np.sqrt(np.maximum(total, 1e-12))
    args = (x,) if axis == "default" else (x, axis)
    count = math.prod(x.shape[a] for a in axes)
    check(run(backend, K.l2_normalize, *args), expected, floating(dtype), count, 1.0)


# ------------------------------------------------------------------------- bias_add


@backends
@PROFILE
@given(data=st.data())
def test_bias_add(backend, data):
    dtype = data.draw(st.sampled_from((*INTS, *FLOATS)), label="dtype")
    rank = data.draw(st.integers(2, 5), label="rank")
    shape = data.draw(shapes(rank, rank), label="shape")
    data_format = data.draw(st.sampled_from(["channels_last", "channels_first"]), label="format")
    channel = 1 if data_format == "channels_first" else rank - 1
    full = rank >= 3 and data.draw(st.booleans(), label="bias of rank ndim-1")
    if full:
        # Given channels last; channels_first moves its last axis first by a reshape.
        layout = shape[1:] if data_format == "channels_last" else (*shape[2:], shape[1])
        bias = data.draw(arrays(dtype, layout, ints=(-50, 50)), label="bias")
        placed = bias.reshape((1, *shape[1:]))
    else:
        bias = data.draw(arrays(dtype, (shape[channel],), ints=(-50, 50)), label="bias")
        placed = bias.reshape([shape[channel] if i == channel else 1 for i in range(rank)])
    x = data.draw(arrays(dtype, shape, ints=(-50, 50)), label="x")
    exact = (lambda a: a.astype(np.int64)) if dtype in INTS else f64
    expected = exact(x) + exact(placed)
    check(run(backend, K.bias_add, x, bias, data_format), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_bias_add_wrong_channels_raises(backend, data):
    shape = data.draw(shapes(2, 4, 4).filter(lambda s: min(s) > 0), label="shape")
    data_format = data.draw(st.sampled_from(["channels_last", "channels_first"]), label="format")
    channel = shape[1] if data_format == "channels_first" else shape[-1]
    bias = np.ones(channel + data.draw(st.integers(1, 3), label="extra"), np.float32)
    expect_error(backend, ShapeError, K.bias_add, np.ones(shape, np.float32), bias, data_format)


# ------------------------------------------------------------------------- batch normalisation


def batch_norm(x: Any, mean: Any, var: Any, beta: Any, gamma: Any, eps: float) -> np.ndarray:
    out = (f64(x) - f64(mean)) / np.sqrt(f64(var) + eps)
    if gamma is not None:
        out = out * f64(gamma)
    if beta is not None:
        out = out + f64(beta)
    return out


@backends
@PROFILE
@given(data=st.data())
def test_batch_normalization(backend, data):
    dtype = data.draw(st.sampled_from((*FLOATS, "int32")), label="dtype")
    shape = data.draw(shapes(1, 4), label="shape")
    x = data.draw(arrays(dtype, shape, ints=(-20, 20)), label="x")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    vector = len(shape) > 1 and data.draw(st.booleans(), label="rank-1 statistics")
    size = shape[axis]
    stats_shape = (
        (size,)
        if vector
        else tuple(size if i == axis % len(shape) else 1 for i in range(len(shape)))
    )
    placed = tuple(size if i == axis % len(shape) else 1 for i in range(len(shape)))
    mean = data.draw(arrays("float32", stats_shape, -5, 5), label="mean")
    var = data.draw(arrays("float32", stats_shape, 0.01, 10), label="var")
    beta, gamma = (
        data.draw(st.one_of(st.none(), arrays("float32", stats_shape, -5, 5)), label=name)
        for name in ("beta", "gamma")
    )
    eps = data.draw(st.sampled_from([1e-3, 0.1]), label="epsilon")

    def at_axis(s: Any) -> Any:
        return None if s is None else s.reshape(placed)

    expected = batch_norm(x, at_axis(mean), at_axis(var), at_axis(beta), at_axis(gamma), eps)
    # The rounding of x - mean, magnified by 1 / sqrt(var + eps) and gamma, plus beta's.
    spread = (np.abs(f64(x)) + np.abs(f64(at_axis(mean)))) / np.sqrt(f64(at_axis(var)) + eps)
    if gamma is not None:
        spread = spread * np.abs(f64(at_axis(gamma)))
    if beta is not None:
        spread = spread + np.abs(f64(at_axis(beta)))
    result = run(backend, K.batch_normalization, x, mean, var, beta, gamma, axis, eps)
    check(result, expected, floating(dtype), 4, spread)


@backends
@PROFILE
@given(data=st.data())
def test_normalize_batch_in_training(backend, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    shape = data.draw(shapes(1, 4).filter(lambda s: min(s) > 0), label="shape")
    x = data.draw(arrays(dtype, shape, -5, 5), label="x")
    ndim = len(shape)
    axes = data.draw(st.lists(st.integers(0, ndim - 1), unique=True), label="axes")
    reduced = tuple(sorted(axes))
    regular = reduced == tuple(range(ndim - 1))
    stats_shape = tuple(1 if i in reduced else d for i, d in enumerate(shape))
    kept = tuple(d for i, d in enumerate(shape) if i not in reduced)
    # The "every axis but the last" pattern broadcasts gamma/beta; any other reshapes them.
    param_shape = (shape[-1],) if regular and ndim > 1 else kept
    beta, gamma = (
        data.draw(st.one_of(st.none(), arrays("float32", param_shape, -2, 2)), label=name)
        for name in ("beta", "gamma")
    )
    v = f64(x)
    mean = np.mean(v, axis=reduced, keepdims=True)
    var = np.mean((v - mean) ** 2, axis=reduced, keepdims=True)

    def placed(p: Any) -> Any:
        return p if p is None or regular else p.reshape(stats_shape)

    normed = batch_norm(x, mean, var, placed(beta), placed(gamma), 1e-3)
    count = math.prod(shape[a] for a in reduced)
    scale = np.max(np.abs(v)) + 1
    for index, expected in enumerate((normed, mean.reshape(kept), var.reshape(kept))):
        result = run(
            backend,
            lambda *a, i=index: K.normalize_batch_in_training(*a)[i],
            x,
            gamma,
            beta,
            axes,
        )
        spread = scale / np.sqrt(var + 1e-3) * 4 if index == 0 else scale**index
        check(result, expected, dtype, count, spread)


# ------------------------------------------------------------------------- in_top_k


@backends
@PROFILE
@given(data=st.data())
def test_in_top_k(backend, data):
    dtype = data.draw(st.sampled_from(("float32", "float16", "float64", "int32")), label="dtype")
    batch = data.draw(st.integers(0, 5), label="batch")
    classes = data.draw(st.integers(0, 6), label="classes")
    # Few distinct scores, so ties are common; NaN and infinities now and then.
    scores = st.sampled_from([0.0, 1.0, 2.0, 3.0])
    if dtype != "int32" and data.draw(st.booleans(), label="specials"):
        scores = st.one_of(scores, st.sampled_from([math.nan, math.inf, -math.inf]))
    predictions = np.array(
        data.draw(st.lists(scores, min_size=batch * classes, max_size=batch * classes)),
        dtype=np.float64,
    ).reshape(batch, classes)
    predictions = predictions.astype(dtype)
    target_dtype = data.draw(st.sampled_from(["int32", "int64", "uint8"]), label="target dtype")
    low = 0 if target_dtype == "uint8" else -1
    targets = np.array(
        data.draw(st.lists(st.integers(low, classes), min_size=batch, max_size=batch)),
        dtype=target_dtype,
    )
    k = data.draw(st.integers(-1, classes + 1), label="k")
    expected = []
    for row, target in zip(f64(predictions), targets.astype(np.int64)):
        inside = 0 <= target < classes and bool(np.all(np.isfinite(row)))
        expected.append(inside and int(np.sum(row > row[target])) < k)
    check(run(backend, K.in_top_k, predictions, targets, k), np.array(expected, bool), "bool")


# ------------------------------------------------------------------------- focal losses


@backends
@PROFILE
@given(data=st.data())
def test_categorical_focal_crossentropy(backend, data):
    from_logits = data.draw(st.booleans(), label="from_logits")
    shape = data.draw(shapes(1, 3).filter(lambda s: min(s) > 0), label="shape")
    target, output, dtype = loss_inputs(data, shape, from_logits)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    gamma = data.draw(st.sampled_from([0.0, 1.0, 2.0, 2.5]), label="gamma")
    alpha = data.draw(st.sampled_from([0.25, 1.0]), label="alpha")
    t, o = f64(target), f64(output)
    with np.errstate(all="ignore"):
        if from_logits:
            e = np.exp(o - np.max(o, axis=axis, keepdims=True))
            o = e / np.sum(e, axis=axis, keepdims=True)
        lo, hi = clip_bounds(dtype)
        p = np.clip(o / np.sum(o, axis=axis, keepdims=True), lo, hi)
        terms = alpha * (1 - p) ** gamma * -t * np.log(p)
        expected = np.sum(terms, axis=axis)
    result = run(
        backend,
        K.categorical_focal_crossentropy,
        target,
        output,
        alpha=alpha,
        gamma=gamma,
        from_logits=from_logits,
        axis=axis,
    )
    check(result, expected, floating(dtype), shape[axis], np.sum(np.abs(terms), axis=axis) + 1)


@backends
@PROFILE
@given(data=st.data())
def test_binary_focal_crossentropy(backend, data):
    from_logits = data.draw(st.booleans(), label="from_logits")
    shape = data.draw(shapes(max_dims=3), label="shape")
    target, output, dtype = loss_inputs(data, shape, from_logits)
    balance = data.draw(st.booleans(), label="apply_class_balancing")
    gamma = data.draw(st.sampled_from([0.0, 1.0, 2.0, 2.5]), label="gamma")
    alpha = data.draw(st.sampled_from([0.25, 0.6]), label="alpha")
    t, o = f64(target), f64(output)
    with np.errstate(all="ignore"):
        if from_logits:
            p = 1 / (1 + np.exp(-o))
            bce = np.maximum(o, 0) - o * t + np.log1p(np.exp(-np.abs(o)))
        else:
            lo, hi = clip_bounds(dtype)
            p, clipped = o, np.clip(o, lo, hi)
            bce = -(t * np.log(clipped + lo) + (1 - t) * np.log(1 - clipped + lo))
        expected = (1 - (t * p + (1 - t) * (1 - p))) ** gamma * bce
        if balance:
            expected = (t * alpha + (1 - t) * (1 - alpha)) * expected
    result = run(
        backend,
        K.binary_focal_crossentropy,
        target,
        output,
        balance,
        alpha,
        gamma,
        from_logits,
    )
    check(result, expected, floating(dtype), 1, None)


# ------------------------------------------------------------------------- switch


@backends
@PROFILE
@given(data=st.data())
def test_switch(backend, data):
    shape = data.draw(shapes(0, 4), label="branch shape")
    rank = data.draw(st.integers(0, len(shape)), label="condition rank")
    # The condition lines up with the leading axes; any of its axes may be 1 (broadcast).
    c_shape = tuple(
        d if data.draw(st.booleans(), label=f"keep axis {i}") else 1
        for i, d in enumerate(shape[:rank])
    )
    c_dtype = data.draw(st.sampled_from(["bool", "int32", "float32"]), label="condition dtype")
    condition = data.draw(arrays(c_dtype, c_shape, -1, 1, ints=(-1, 1)), label="condition")
    then_dtype, else_dtype = (
        data.draw(st.sampled_from(ALL), label=f"{name} dtype") for name in ("then", "else")
    )
    then = data.draw(arrays(then_dtype, shape, ints=(-50, 50)), label="then")
    alt = data.draw(arrays(else_dtype, shape, ints=(-50, 50)), label="else")
    dtype = promote(then_dtype, else_dtype)
    picked = np.asarray(condition) != 0
    picked = picked.reshape(c_shape + (1,) * (len(shape) - rank))
    exact = (lambda a: a.astype(np.int64)) if dtype in (*INTS, "bool") else f64
    expected = np.where(picked, exact(then), exact(alt))
    if rank == 0:  # a scalar with a value picks a branch, as it is
        chosen = then if picked else alt
        expected = chosen.astype(np.int64) if chosen.dtype.kind in "biu" else f64(chosen)
        dtype = chosen.dtype.name
    check(run(backend, K.switch, condition, then, alt), expected, dtype)
