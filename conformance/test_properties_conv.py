"""Property-based conformance of family L: Hypothesis draws layouts, paddings, strides, dilations,
window and input sizes, dtypes and values for the convolutions and poolings, and checks every
backend against the naive float64 references of ``multik.conformance.cases.conv``.

Also: the transposed convolution is the adjoint of the convolution (checked without any
reference), bad arguments raise the same error with the same message on every backend, and a
graph built on a placeholder of unknown batch size has an unknown batch and runs at any batch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_properties import BACKENDS, FLOATS, PROFILE, arrays, check, expect_error, f64, run

import multik
from multik import backend as K
from multik.conformance.cases.conv import (
    conv_reference,
    depthwise_reference,
    local_reference,
    pool_reference,
    transpose_reference,
)
from multik.errors import InvalidArgumentError, ShapeError

backends = pytest.mark.parametrize("backend", BACKENDS)
LAST, FIRST = "channels_last", "channels_first"


# ------------------------------------------------------------------------- strategies


def layout(data: st.DataObject, batch: int, sizes: tuple[int, ...], channels: int) -> tuple:
    """A data_format and the input shape it gives."""
    data_format = data.draw(st.sampled_from([LAST, FIRST]), label="data_format")
    if data_format == LAST:
        return data_format, (batch, *sizes, channels)
    return data_format, (batch, channels, *sizes)


def steps(data: st.DataObject, rank: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Strides and dilation, never both above 1 (no framework computes that)."""
    strides = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    if max(strides) > 1:
        return strides, (1,) * rank
    dilation = data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank))
    return strides, tuple(dilation)


def floats(data: st.DataObject, shape: tuple[int, ...], dtype: str, label: str) -> np.ndarray:
    return data.draw(arrays(dtype, shape, -2.0, 2.0), label=label)


def kwargs_for(strides: tuple, padding: str, data_format: str, dilation: tuple) -> dict:
    return {
        "strides": strides,
        "padding": padding,
        "data_format": data_format,
        "dilation_rate": dilation,
    }


def scale_of(x: np.ndarray, kernel: np.ndarray) -> float:
    """A bound on the size of the accumulated terms: the largest |x| times the largest |w|."""
    return float(np.max(np.abs(f64(x)), initial=1.0) * np.max(np.abs(f64(kernel)), initial=1.0))


# ------------------------------------------------------------------------- convolutions


@backends
@pytest.mark.parametrize("rank", [1, 2, 3])
@PROFILE
@given(data=st.data())
def test_conv(backend, rank, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    sizes = tuple(data.draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    c_in, c_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    data_format, shape = layout(data, data.draw(st.integers(1, 2)), sizes, c_in)
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    padding = data.draw(st.sampled_from(paddings), label="padding")
    strides, dilation = steps(data, rank)
    x = floats(data, shape, dtype, "x")
    kernel = floats(data, (*window, c_in, c_out), dtype, "kernel")
    expected = conv_reference(x, kernel, strides, padding, dilation, data_format)
    terms = math.prod(window) * c_in
    function = getattr(K, {1: "conv1d", 2: "conv2d", 3: "conv3d"}[rank])
    result = run(
        backend, function, x, kernel, **kwargs_for(strides, padding, data_format, dilation)
    )
    check(result, expected, dtype, terms, scale_of(x, kernel) * terms)


@backends
@PROFILE
@given(data=st.data())
def test_depthwise_and_separable(backend, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    sizes = tuple(data.draw(st.lists(st.integers(1, 6), min_size=2, max_size=2)))
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=2, max_size=2)))
    channels, mult, c_out = (data.draw(st.integers(1, 3)) for _ in range(3))
    data_format, shape = layout(data, 2, sizes, channels)
    padding = data.draw(st.sampled_from(["valid", "same"]), label="padding")
    strides, dilation = steps(data, 2)
    x = floats(data, shape, dtype, "x")
    depthwise = floats(data, (*window, channels, mult), dtype, "depthwise")
    pointwise = floats(data, (1, 1, channels * mult, c_out), dtype, "pointwise")
    kwargs = kwargs_for(strides, padding, data_format, dilation)
    middle = depthwise_reference(x, depthwise, strides, padding, dilation, data_format)
    terms = math.prod(window)
    scale = scale_of(x, depthwise) * terms
    check(run(backend, K.depthwise_conv2d, x, depthwise, **kwargs), middle, dtype, terms, scale)
    expected = conv_reference(middle, pointwise, (1, 1), "valid", (1, 1), data_format)
    terms *= channels * mult
    scale *= float(np.max(np.abs(f64(pointwise)), initial=1.0)) * channels * mult
    result = run(backend, K.separable_conv2d, x, depthwise, pointwise, **kwargs)
    check(result, expected, dtype, terms, scale)


@backends
@pytest.mark.parametrize("rank", [2, 3])
@PROFILE
@given(data=st.data())
def test_conv_transpose(backend, rank, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    inputs = tuple(data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    c_in, c_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    padding = data.draw(st.sampled_from(["valid", "same"]), label="padding")
    strides, dilation = steps(data, rank)
    if rank == 3:  # conv3d_transpose has no dilation_rate
        dilation = (1,) * rank
    # Any output size that the strides map back to the input: `stride` choices per axis.
    sizes = tuple(
        (n - 1) * s
        + (1 if padding == "same" else (k - 1) * d + 1)
        + data.draw(st.integers(0, s - 1))
        for n, k, s, d in zip(inputs, window, strides, dilation)
    )
    data_format, shape = layout(data, 2, inputs, c_in)
    output_shape = (2, *sizes, c_out) if data_format == LAST else (2, c_out, *sizes)
    x = floats(data, shape, dtype, "x")
    kernel = floats(data, (*window, c_out, c_in), dtype, "kernel")
    expected = transpose_reference(x, kernel, output_shape, strides, padding, dilation, data_format)
    kwargs: dict[str, Any] = {"strides": strides, "padding": padding, "data_format": data_format}
    if rank == 2:
        kwargs["dilation_rate"] = dilation
    function = K.conv2d_transpose if rank == 2 else K.conv3d_transpose
    terms = math.prod(window) * c_in
    result = run(backend, function, x, kernel, output_shape, **kwargs)
    check(result, expected, dtype, terms, scale_of(x, kernel) * terms)


@backends
@PROFILE
@given(data=st.data())
def test_transpose_is_the_adjoint(backend, data):
    """<conv2d(u, w), v> == <u, conv2d_transpose(v, w)> for every padding, stride, dilation."""
    sizes = tuple(data.draw(st.lists(st.integers(1, 7), min_size=2, max_size=2)))
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=2, max_size=2)))
    padding = data.draw(st.sampled_from(["valid", "same"]), label="padding")
    strides, dilation = steps(data, 2)
    data_format, shape = layout(data, 2, sizes, 2)
    u = floats(data, shape, "float64", "u")
    w = floats(data, (*window, 2, 3), "float64", "w")
    kwargs = kwargs_for(strides, padding, data_format, dilation)
    with multik.use_backend(backend):
        forward = K.eval(K.conv2d(u, w, **kwargs))
        assume(forward.size > 0)
        v = np.random.default_rng(0).standard_normal(forward.shape)
        back = K.eval(K.conv2d_transpose(v, w, shape, **kwargs))
    assert back.shape == shape
    np.testing.assert_allclose(np.sum(forward * v), np.sum(u * back), rtol=1e-10, atol=1e-10)


@backends
@pytest.mark.parametrize("rank", [1, 2])
@PROFILE
@given(data=st.data())
def test_local_conv(backend, rank, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    strides = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    out = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    sizes = tuple(
        (o - 1) * s + k + data.draw(st.integers(0, 2)) for o, s, k in zip(out, strides, window)
    )
    channels, filters = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    data_format, shape = layout(data, 2, sizes, channels)
    x = floats(data, shape, dtype, "x")
    features = math.prod(window) * channels
    kernel = floats(data, (math.prod(out), features, filters), dtype, "kernel")
    expected = local_reference(x, kernel, window, strides, out, data_format)
    if rank == 1:
        result = run(backend, K.local_conv1d, x, kernel, window, strides, data_format)
    else:
        result = run(backend, K.local_conv2d, x, kernel, window, strides, out, data_format)
    check(result, expected, dtype, features, scale_of(x, kernel) * features)


# ------------------------------------------------------------------------- pooling


@backends
@pytest.mark.parametrize("rank", [2, 3])
@PROFILE
@given(data=st.data())
def test_pool(backend, rank, data):
    dtype = data.draw(st.sampled_from(FLOATS), label="dtype")
    sizes = tuple(data.draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    strides = tuple(data.draw(st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
    data_format, shape = layout(data, data.draw(st.integers(1, 2)), sizes, 2)
    padding = data.draw(st.sampled_from(["valid", "same"]), label="padding")
    mode = data.draw(st.sampled_from(["max", "avg"]), label="mode")
    x = data.draw(arrays(dtype, shape, -10.0, 10.0, special=True), label="x")
    with np.errstate(invalid="ignore"):
        expected = pool_reference(x, window, strides, padding, mode, data_format)
    terms = math.prod(window) if mode == "avg" else 1
    kwargs = {"strides": strides, "padding": padding, "data_format": data_format, "pool_mode": mode}
    function = K.pool2d if rank == 2 else K.pool3d
    scale = float(np.max(np.abs(f64(x)[np.isfinite(f64(x))]), initial=1.0))
    check(run(backend, function, x, window, **kwargs), expected, dtype, terms, scale)


# ------------------------------------------------------------------------- bad arguments


@backends
@PROFILE
@given(data=st.data())
def test_bad_arguments_raise_one_error(backend, data):
    x = np.ones((1, 5, 5, 2), np.float32)
    kernel = np.ones((2, 2, 2, 3), np.float32)
    bad = data.draw(
        st.sampled_from(
            [
                ("data_format", "channels_middle", InvalidArgumentError),
                ("data_format", "NHWC", InvalidArgumentError),
                ("padding", "SAME", InvalidArgumentError),
                ("padding", "causal", InvalidArgumentError),
                ("strides", (1, 0), InvalidArgumentError),
                ("strides", (1, 1, 1), InvalidArgumentError),
                ("dilation_rate", 1.5, InvalidArgumentError),
                ("kernel", np.ones((2, 2, 3, 3), np.float32), ShapeError),
                ("kernel", np.ones((2, 2, 3), np.float32), ShapeError),
            ]
        ),
        label="bad",
    )
    name, value, error = bad
    if name == "kernel":
        expect_error(backend, error, K.conv2d, x, value)
    else:
        expect_error(backend, error, K.conv2d, x, kernel, **{name: value})
        if name != "dilation_rate":
            pool_value = "twice" if value == "causal" else value
            expect_error(backend, error, K.pool2d, x, (2, 2), **{name: pool_value})


# ------------------------------------------------------------------------- unknown batch size


def _symbolic_cases() -> list[tuple[str, Any, tuple, dict]]:
    """(name, K call on the input, input's static shape without batch, reference)."""
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal((3, 2, 3, 4))
    depthwise, pointwise = rng.standard_normal((3, 3, 3, 2)), rng.standard_normal((1, 1, 6, 2))
    transposed = rng.standard_normal((3, 3, 4, 3))
    local = rng.standard_normal((15, 18, 2))
    same = {"padding": "same"}
    return [
        (
            "conv2d",
            lambda x: K.conv2d(x, kernel, (2, 1), **same),
            lambda x: conv_reference(x, kernel, (2, 1), "same", (1, 1), LAST),
        ),
        (
            "conv1d-causal",
            lambda x: K.conv1d(x[:, 0], kernel[0], padding="causal"),
            lambda x: conv_reference(x[:, 0], kernel[0], (1,), "causal", (1,), LAST),
        ),
        (
            "depthwise_conv2d",
            lambda x: K.depthwise_conv2d(x, depthwise, **same),
            lambda x: depthwise_reference(x, depthwise, (1, 1), "same", (1, 1), LAST),
        ),
        (
            "separable_conv2d",
            lambda x: K.separable_conv2d(x, depthwise, pointwise),
            lambda x: conv_reference(
                depthwise_reference(x, depthwise, (1, 1), "valid", (1, 1), LAST),
                pointwise,
                (1, 1),
                "valid",
                (1, 1),
                LAST,
            ),
        ),
        (
            "conv2d_transpose",
            lambda x: K.conv2d_transpose(x, transposed, (None, 10, 12, 4), (2, 2), **same),
            lambda x: transpose_reference(
                x, transposed, (len(x), 10, 12, 4), (2, 2), "same", (1, 1), LAST
            ),
        ),
        (
            "local_conv2d",
            lambda x: K.local_conv2d(x, local, (3, 2), (1, 1), (3, 5)),
            lambda x: local_reference(x, local, (3, 2), (1, 1), (3, 5), LAST),
        ),
        (
            "pool2d",
            lambda x: K.pool2d(x, (3, 2), (2, 2), "same", pool_mode="avg"),
            lambda x: pool_reference(x, (3, 2), (2, 2), "same", "avg", LAST),
        ),
    ]


@backends
@pytest.mark.parametrize(
    "name, call, reference", _symbolic_cases(), ids=[c[0] for c in _symbolic_cases()]
)
def test_unknown_batch(backend, name, call, reference):
    """A placeholder (None, 5, 6, 3) gives a result of unknown batch; K.function runs it at
    batch sizes 1 and 3 with the reference's values."""
    with multik.use_backend(backend):
        try:
            placeholder = K.placeholder((None, 5, 6, 3), dtype="float64")
            out = call(placeholder)
            assert K.int_shape(out)[0] is None, K.int_shape(out)
            function = K.function([placeholder], [out])
            for batch in (1, 3):
                x = np.random.default_rng(batch).standard_normal((batch, 5, 6, 3))
                got = function([x])[0]
                expected = reference(x)
                assert got.shape == expected.shape
                assert tuple(d for d in K.int_shape(out)[1:]) == expected.shape[1:]
                np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
        finally:
            K.clear_session()


# ------------------------------------------------------------------------- no aliasing


def _host_view(backend: str, result: Any) -> np.ndarray:
    """The memory of a result as NumPy sees it (no copy) where the backend can share it."""
    return result.detach().numpy() if backend == "torch" else np.asarray(result)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b in ("numpy", "torch")])
def test_results_never_alias_the_inputs(backend):
    """Even calls that change nothing (1x1 windows, unit strides) return new memory: writing
    to the result never changes the caller's arrays."""
    x = np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(2, 3, 3, 2)
    identity = np.eye(2, dtype=np.float32).reshape(1, 1, 2, 2)
    depthwise = np.ones((1, 1, 2, 1), np.float32)
    calls = [
        lambda: K.conv2d(x, identity),
        lambda: K.conv2d(x.reshape(2, 2, 3, 3), identity, data_format="channels_first"),
        lambda: K.depthwise_conv2d(x, depthwise),
        lambda: K.separable_conv2d(x, depthwise, identity),
        lambda: K.conv2d_transpose(x, identity, x.shape),
        lambda: K.local_conv2d(x, np.tile(identity.reshape(1, 2, 2), (9, 1, 1)), 1, 1, (3, 3)),
        lambda: K.pool2d(x, (1, 1)),
        lambda: K.pool2d(x, (1, 1), pool_mode="avg", data_format="channels_first"),
        lambda: K.pool2d(x, (1, 1), padding="same", pool_mode="avg"),
        lambda: K.pool3d(x[None], (1, 1, 1)),
    ]
    with multik.use_backend(backend):
        for call in calls:
            out = _host_view(backend, call())
            assert not np.shares_memory(out, x) and not np.shares_memory(out, identity)
