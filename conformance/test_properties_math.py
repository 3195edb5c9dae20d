"""Property-based conformance of the math family: statistics, any/all, argmax/argmin,
logsumexp, element-wise math, comparisons, clip, pow and the Keras 2.2.4 batch_dot rules.

Each property draws shapes, dtypes, axes and values and checks every backend of
``multik.testing.test_backends()`` against an independent float64 NumPy reference (int64 for
integers), with the helpers and the Hypothesis profile of ``test_properties.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_properties import (
    ALL,
    FLOATS,
    INTS,
    PROFILE,
    accumulated,
    arrays,
    backends,
    check,
    expect_error,
    f64,
    floating,
    promote,
    reduction_axes,
    reduction_inputs,
    run,
    shapes,
    with_specials,
)

import multik
from multik import backend as K
from multik.backends import load_adapter
from multik.backends.primitives import Primitives
from multik.dtypes import numpy_dtype
from multik.errors import DTypeError, InvalidArgumentError, ShapeError

# ------------------------------------------------------------------------- reductions


@backends
@pytest.mark.parametrize("name", ["var", "std"])
@PROFILE
@given(data=st.data())
def test_var_std(backend, name, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    # Integers within ±1000, so that their squares stay far from float32's range.
    x = data.draw(
        arrays(dtype, shape, special=with_specials(data, dtype), ints=(-1000, 1000)), label="x"
    )
    axis = data.draw(reduction_axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    axes = tuple(range(x.ndim)) if axis is None else axis
    axes = tuple(a % x.ndim for a in (axes if isinstance(axes, (list, tuple)) else [axes]))
    op = np.var if name == "var" else np.std
    with np.errstate(all="ignore"):
        expected = op(f64(x), axis=axes, keepdims=keepdims)
        # The two-pass error: eps·√N of the variance, plus that of the mean (squared for var).
        peak = np.max(np.abs(f64(x)), axis=axes, keepdims=keepdims, initial=0)
        scale = peak * peak + np.abs(expected) if name == "var" else peak + np.abs(expected)
    count = math.prod(x.shape[a] for a in axes)
    check(
        run(backend, getattr(K, name), x, axis=axis, keepdims=keepdims),
        expected,
        floating(dtype),
        count,
        scale,
    )


@backends
@pytest.mark.parametrize("name", ["any", "all"])
@PROFILE
@given(data=st.data())
def test_any_all(backend, name, data):
    dtype, x, axis, keepdims, axes = reduction_inputs(data, -1.0, 1.0)
    if dtype in INTS:
        x = (x % 3 == 0).astype(x.dtype)  # zeros, often
    op = np.any if name == "any" else np.all
    expected = op(f64(x) != 0, axis=axes, keepdims=keepdims)
    check(run(backend, getattr(K, name), x, axis=axis, keepdims=keepdims), expected, "bool")


@backends
@pytest.mark.parametrize("name", ["argmax", "argmin"])
@PROFILE
@given(data=st.data())
def test_argmax_argmin(backend, name, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(min_dims=1), label="shape")
    # Few distinct values, so ties are common; NaN and ±inf when specials are drawn.
    x = data.draw(
        arrays(dtype, shape, -2.0, 2.0, with_specials(data, dtype), (-2, 2)).map(
            lambda a: np.round(a) if a.dtype.kind == "f" else a
        ),
        label="x",
    )
    form = data.draw(st.sampled_from(["default", "int"]), label="axis form")
    axis = -1 if form == "default" else data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    kwargs = {} if form == "default" else {"axis": axis}
    fn = getattr(K, name)
    if x.shape[axis] == 0:
        expect_error(backend, ShapeError, fn, x, **kwargs)
        return
    # NumPy returns the first extremum, and the first NaN when there is one.
    expected = (np.argmax if name == "argmax" else np.argmin)(x, axis=axis)
    check(run(backend, fn, x, **kwargs), expected, "int32")


def logaddexp_reduce(x: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """log(sum(exp(x))) over ``axes`` by np.logaddexp, in float64 (-inf for an empty one)."""
    out = f64(x)
    for axis in sorted(axes, reverse=True):
        out = np.logaddexp.reduce(out, axis=axis, keepdims=keepdims)
    return out


@backends
@PROFILE
@given(data=st.data())
def test_logsumexp(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(arrays(dtype, shape, -50.0, 50.0, with_specials(data, dtype)), label="x")
    axis = data.draw(reduction_axes(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    if dtype not in FLOATS:
        expect_error(backend, DTypeError, K.logsumexp, x, axis=axis, keepdims=keepdims)
        return
    axes = tuple(range(x.ndim)) if axis is None else axis
    axes = tuple(a % x.ndim for a in (axes if isinstance(axes, (list, tuple)) else [axes]))
    with np.errstate(all="ignore"):
        expected = logaddexp_reduce(x, axes, keepdims)
        scale = np.maximum(np.abs(expected), 1.0)
    count = math.prod(x.shape[a] for a in axes)
    check(run(backend, K.logsumexp, x, axis=axis, keepdims=keepdims), expected, dtype, count, scale)


# ------------------------------------------------------------------------- element-wise math

#: name -> (float64 reference, whether integer inputs are taken and keep their dtype).
UNARY = {
    "abs": (np.abs, True),
    "sign": (np.sign, True),
    "round": (np.round, True),
    "sqrt": (lambda v: np.sqrt(np.maximum(v, 0)), False),
    "exp": (np.exp, False),
    "log": (np.log, False),
    "sin": (np.sin, False),
    "cos": (np.cos, False),
}


@backends
@pytest.mark.parametrize("name", list(UNARY))
@PROFILE
@given(data=st.data())
def test_unary(backend, name, data):
    reference, ints = UNARY[name]
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(), label="shape")
    x = data.draw(arrays(dtype, shape, -12.0, 12.0, with_specials(data, dtype)), label="x")
    fn = getattr(K, name)
    if dtype == "bool" or (dtype in INTS and not ints):
        expect_error(backend, DTypeError, fn, x)
        return
    source = f64(x) if dtype in FLOATS else x.astype(np.int64)
    with np.errstate(all="ignore"):
        expected = reference(source)
    check(run(backend, fn, x), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_pow(backend, data):
    dtype = data.draw(st.sampled_from(ALL[1:]), label="dtype")
    x = data.draw(arrays(dtype, data.draw(shapes(), label="shape"), -4.0, 4.0, ints=(-4, 4)))
    if dtype in FLOATS:
        a: Any = data.draw(st.sampled_from([2, 3, -1, 0.5, 1 / 3, -2.5, 0]), label="a")
        with np.errstate(all="ignore"):
            expected = np.power(f64(x), float(a))
        result = dtype
    else:
        a = data.draw(st.integers(0, 5), label="a")
        expected = np.power(x.astype(np.int64), a)  # wraps to the dtype, like every product
        result = dtype
    check(run(backend, K.pow, x, a), expected, result)
    if dtype in INTS:
        expect_error(backend, InvalidArgumentError, K.pow, x, -1)


@st.composite
def broadcast_pair(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes that broadcast together (scalar, empty and size-1 axes included)."""
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_side=0, max_side=3))
    return pair.input_shapes


COMPARISONS = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "maximum": np.maximum,
    "minimum": np.minimum,
}


@backends
@pytest.mark.parametrize("name", list(COMPARISONS))
@PROFILE
@given(data=st.data())
def test_comparison(backend, name, data):
    dx = data.draw(st.sampled_from(ALL), label="x dtype")
    dy = data.draw(st.one_of(st.just(dx), st.sampled_from(ALL)), label="y dtype")
    xs, ys = data.draw(broadcast_pair(), label="shapes")
    specials = with_specials(data, dx) or with_specials(data, dy)
    x = data.draw(arrays(dx, xs, -3.0, 3.0, specials, (-3, 3)), label="x")
    y = data.draw(arrays(dy, ys, -3.0, 3.0, specials, (-3, 3)), label="y")
    dtype = promote(dx, dy)
    exact = [f64(v) if dtype in FLOATS else v.astype(np.int64) for v in (x, y)]
    with np.errstate(invalid="ignore"):
        expected = COMPARISONS[name](*exact)
    result = dtype if name in ("maximum", "minimum") else "bool"
    check(run(backend, getattr(K, name), x, y), expected, result)


@backends
@PROFILE
@given(data=st.data())
def test_clip(backend, data):
    dtype = data.draw(st.sampled_from(ALL[1:]), label="dtype")
    x = data.draw(
        arrays(dtype, data.draw(shapes(), label="shape"), special=with_specials(data, dtype)),
        label="x",
    )
    bound = st.one_of(st.none(), st.integers(-5, 5))
    if dtype in FLOATS:
        bound = st.one_of(bound, st.floats(-5, 5))
    lo, hi = data.draw(bound, label="min_value"), data.draw(bound, label="max_value")
    low = -math.inf if lo is None else lo
    high = math.inf if hi is None else hi
    if lo is not None and hi is not None and high < low:
        high = low  # Keras: max_value becomes min_value
    if dtype in FLOATS:
        # The bounds as x's dtype holds them, as tf.clip_by_value converts them.
        low, high = (float(np.asarray(b).astype(x.dtype)) for b in (low, high))
        source: np.ndarray = f64(x)
    else:
        info = np.iinfo(dtype)
        low, high = (min(max(b, info.min), info.max) for b in (low, high))
        source = x.astype(np.int64)
    expected = np.maximum(np.minimum(source, high), low)
    check(run(backend, K.clip, x, lo, hi), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_clip_tensor_bounds(backend, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    xs, bs = data.draw(broadcast_pair().filter(lambda p: np.broadcast_shapes(*p) == p[0]))
    x = data.draw(arrays(dtype, xs, special=with_specials(data, dtype)), label="x")
    lo = data.draw(arrays(dtype, bs, -5.0, 5.0), label="min_value")
    hi = data.draw(arrays(dtype, bs, -5.0, 5.0), label="max_value")
    # tf.clip_by_value's order: the minimum with max_value first, so min_value wins if larger.
    expected = np.maximum(np.minimum(f64(x), f64(hi)), f64(lo))
    check(run(backend, K.clip, x, lo, hi), expected, dtype)


# ------------------------------------------------------------------------- batch_dot rules


@backends
@PROFILE
@given(data=st.data())
def test_batch_dot_224_batched_matmul(backend, data):
    """With the 2.2.4 rules, operands of equal rank >= 3 are batched matrix products over all
    the leading axes: x's last axis (else its next-to-last) contracts with y's next-to-last
    (or its last when axes[1] names it)."""
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    rank = data.draw(st.integers(3, 5), label="rank")
    side = st.integers(0, 3)
    lead = tuple(data.draw(st.lists(side, min_size=rank - 2, max_size=rank - 2)))
    n, k, m = data.draw(side), data.draw(side), data.draw(side)
    x_last = data.draw(st.booleans(), label="x contracts its last axis")
    y_last = data.draw(st.booleans(), label="y contracts its last axis")
    x = data.draw(arrays(dtype, (*lead, n, k) if x_last else (*lead, k, n), ints=(-100, 100)))
    y = data.draw(arrays(dtype, (*lead, m, k) if y_last else (*lead, k, m), ints=(-100, 100)))
    axes = (rank - 1 if x_last else rank - 2, rank - 1 if y_last else rank - 2)
    result = accumulated(dtype)
    source = [f64(v) if result in FLOATS else v.astype(np.int64) for v in (x, y)]
    a = source[0] if x_last else np.swapaxes(source[0], -1, -2)
    b = np.swapaxes(source[1], -1, -2) if y_last else source[1]
    scale = np.abs(a) @ np.abs(b) if result in FLOATS else None
    with multik.use_batch_dot_rules("2.2.4"):
        check(run(backend, K.batch_dot, x, y, axes=axes), a @ b, result, max(k, 1), scale)


@backends
@PROFILE
@given(data=st.data())
def test_batch_dot_rules_agree_on_3d(backend, data):
    """For 3-D operands the two rule sets give the same product over any axes from 1 on."""
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    ax, ay = data.draw(st.integers(1, 2), label="x axis"), data.draw(st.integers(1, 2))
    xs, ys = [2, 3, 4], [2, 5, 6]
    xs[ax] = ys[ay] = 4
    x = data.draw(arrays(dtype, tuple(xs)), label="x")
    y = data.draw(arrays(dtype, tuple(ys)), label="y")
    new = run(backend, K.batch_dot, x, y, axes=(ax, ay))
    with multik.use_batch_dot_rules("2.2.4"):
        old = run(backend, K.batch_dot, x, y, axes=(ax, ay))
    assert new[:2] == old[:2]
    check(old, new[2].astype(np.float64), dtype, 4, np.max(np.abs(new[2]), initial=1.0))


# ------------------------------------------------------------------------- primitives, aliasing


@PROFILE
@given(data=st.data())
def test_default_arg_extrema_match_numpy(data):
    """The default _argmax/_argmin of Primitives (for a framework without a native call), run
    on NumPy arrays, give NumPy's first extremum or first NaN."""
    adapter = load_adapter("numpy")
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    shape = data.draw(shapes(min_dims=1).filter(lambda s: 0 not in s), label="shape")
    x = data.draw(arrays(dtype, shape, -2.0, 2.0, with_specials(data, dtype), (-2, 2)), label="x")
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    np.testing.assert_array_equal(Primitives._argmax(adapter, x, axis), np.argmax(x, axis))
    np.testing.assert_array_equal(Primitives._argmin(adapter, x, axis), np.argmin(x, axis))


IDENTITIES = [
    ("abs", lambda x: K.abs(x), "uint8"),
    ("round", lambda x: K.round(x), "int32"),
    ("max", lambda x: K.max(x, axis=()), "float32"),
    ("min", lambda x: K.min(x, axis=[]), "int8"),
    ("sum", lambda x: K.sum(x, axis=()), "int32"),
    ("prod", lambda x: K.prod(x, axis=()), "float16"),
    ("mean", lambda x: K.mean(x, axis=()), "float64"),
    ("any", lambda x: K.any(x, axis=()), "bool"),
    ("logsumexp", lambda x: K.logsumexp(x, axis=()), "float32"),
]


@backends
@pytest.mark.parametrize(("name", "fn", "dtype"), IDENTITIES, ids=[i[0] for i in IDENTITIES])
def test_results_never_alias_numpy_inputs(backend, name, fn, dtype):
    """Calls whose result equals their input still return new memory: writing to the caller's
    NumPy array afterwards leaves the result alone (NumPy and PyTorch wrap arrays in place)."""
    x = np.ones((2, 3), dtype=numpy_dtype(dtype))
    with multik.use_backend(backend):
        out = fn(x)
        x[...] = 0
        assert K.eval(out).astype(np.float64).tolist() == [[1.0] * 3] * 2
