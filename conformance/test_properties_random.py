"""Property-based conformance of the random functions (family M): Hypothesis draws shapes, float
dtypes, bounds, seeds and dropout levels; on every backend the result has the shape and dtype
asked for, lies in the distribution's range, and repeats for a repeated seed (the helpers and
the Hypothesis profile come from test_properties)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from test_properties import FLOATS, PROFILE, arrays, backends, shapes

import multik
from multik import backend as K


def _draw(backend: str, fn, *args, **kwargs):
    """(dtype, static shape, values) of a draw, and the values of a second draw with the same
    arguments (a seed among them)."""
    with multik.use_backend(backend):
        out = fn(*args, **kwargs)
        return K.dtype(out), tuple(K.int_shape(out)), K.eval(out), K.eval(fn(*args, **kwargs))


@backends
@PROFILE
@given(data=st.data())
def test_draws_have_shape_dtype_range_and_repeat(backend, data):
    shape = data.draw(shapes(max_dims=3, max_side=5))
    dtype = data.draw(st.sampled_from(FLOATS))
    seed = data.draw(st.integers(0, 2**40))
    name = data.draw(st.sampled_from(["uniform", "normal", "truncated", "bernoulli"]))
    if name == "uniform":
        low = data.draw(st.floats(-4, 4))
        high = low + data.draw(st.floats(0.5, 4))
        got = _draw(backend, K.random_uniform, shape, low, high, dtype, seed)
        slack = 1e-2 * max(abs(low), abs(high))  # rounding to float16 or bfloat16
        inside = lambda v: (v >= low - slack) & (v <= high + slack)  # noqa: E731
    elif name == "bernoulli":
        p = data.draw(st.floats(0, 1))
        got = _draw(backend, K.random_bernoulli, shape, p, dtype, seed)
        inside = lambda v: (v == 0) | (v == 1)  # noqa: E731
    else:
        fn = K.random_normal if name == "normal" else K.truncated_normal
        got = _draw(backend, fn, shape, 1.0, 0.5, dtype, seed)
        bound = np.inf if name == "normal" else 1.0 * (1 + 1e-2)
        inside = lambda v: np.abs(v - 1.0) <= bound  # noqa: E731
    got_dtype, got_shape, values, again = got
    assert got_dtype == dtype and got_shape == shape and values.shape == shape
    assert values.dtype == again.dtype and np.array_equal(values, again)
    assert np.all(inside(values.astype(np.float64)))


@backends
@PROFILE
@given(data=st.data())
def test_dropout_keeps_scaled_values_or_zeros(backend, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, max_side=5))
    x = data.draw(arrays("float32", shape, 0.5, 4.0))
    level = data.draw(st.floats(0, 0.9))
    with multik.use_backend(backend):
        out = K.eval(K.dropout(x, level, seed=data.draw(st.integers(0, 1000))))
    assert out.shape == shape and out.dtype == np.float32
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept].astype(np.float64) / (1 - level), rtol=1e-6)
