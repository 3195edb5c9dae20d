"""Property-based conformance of family H and of identity, arange and size: Hypothesis draws
shapes, dtypes, axes, counts and values, and each backend must match a NumPy reference (the
helpers, strategies and example counts are those of ``test_properties``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
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
    expect_error,
    promote,
    run,
    shapes,
    with_specials,
)

from multik import backend as K
from multik.conformance.cases.shape import bilinear_reference
from multik.errors import AxisError, ShapeError

NUMBERS = tuple(d for d in ALL if d != "bool")


def draw_array(data: st.DataObject, dtype: str, shape: tuple[int, ...], label: str) -> np.ndarray:
    """An array of ``dtype`` and ``shape``, floats sometimes with NaN and ±inf."""
    return data.draw(arrays(dtype, shape, special=with_specials(data, dtype)), label=label)


def axis_form(data: st.DataObject, axis: int, ndim: int) -> int:
    """``axis`` as it is, or as its negative form."""
    return data.draw(st.sampled_from([axis, axis - ndim]), label="axis form")


# ------------------------------------------------------------------------- joining


@backends
@PROFILE
@given(data=st.data())
def test_concatenate(backend, data):
    shape = data.draw(shapes(min_dims=1), label="shape")
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    dtypes = data.draw(st.lists(st.sampled_from(ALL), min_size=1, max_size=3), label="dtypes")
    parts = []
    for i, dtype in enumerate(dtypes):
        sides = list(shape)
        sides[axis] = data.draw(st.integers(0, 3), label=f"length {i}")
        parts.append(draw_array(data, dtype, tuple(sides), f"x{i}"))
    result = dtypes[0]
    for dtype in dtypes[1:]:
        result = promote(result, dtype)
    expected = np.concatenate(
        [p.astype(np.float64 if result in FLOATS else p.dtype) for p in parts], axis
    )
    form = axis_form(data, axis, len(shape))
    check(run(backend, K.concatenate, parts, form), expected, result)


@backends
@PROFILE
@given(data=st.data())
def test_stack(backend, data):
    shape = data.draw(shapes(), label="shape")
    dtypes = data.draw(st.lists(st.sampled_from(ALL), min_size=1, max_size=3), label="dtypes")
    parts = [draw_array(data, d, shape, f"x{i}") for i, d in enumerate(dtypes)]
    result = dtypes[0]
    for dtype in dtypes[1:]:
        result = promote(result, dtype)
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    expected = np.stack(
        [p.astype(np.float64 if result in FLOATS else p.dtype) for p in parts], axis
    )
    check(run(backend, K.stack, parts, axis), expected, result)


@backends
@PROFILE
@given(data=st.data())
def test_concatenate_mismatch_raises(backend, data):
    shape = data.draw(shapes(min_dims=2), label="shape")
    axis = data.draw(st.integers(0, len(shape) - 1), label="axis")
    other = list(shape)
    off = data.draw(st.sampled_from([i for i in range(len(shape)) if i != axis]), label="off")
    other[off] += data.draw(st.integers(1, 2), label="extra")
    x, y = np.zeros(shape, np.float32), np.zeros(other, np.float32)
    expect_error(backend, ShapeError, K.concatenate, [x, y], axis)


# ------------------------------------------------------------------------- flattening, repetition


@backends
@PROFILE
@given(data=st.data())
def test_flatten_and_batch_flatten(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(), label="shape"), "x")
    check(run(backend, K.flatten, x), x.reshape(-1), dtype)
    rows = x.shape[0] if x.ndim else 1
    check(run(backend, K.batch_flatten, x), x.reshape(rows, math.prod(x.shape[1:])), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_repeat(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(2, 2), label="shape"), "x")
    n = data.draw(st.integers(0, 3), label="n")
    check(run(backend, K.repeat, x, n), np.repeat(x[:, None], n, 1), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_repeat_elements(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(min_dims=1), label="shape"), "x")
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    rep = data.draw(st.integers(0, 3), label="rep")
    expected = np.repeat(x, rep, axis)
    check(run(backend, K.repeat_elements, x, rep, axis_form(data, axis, x.ndim)), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_tile(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(max_dims=3), label="shape"), "x")
    n = data.draw(st.lists(st.integers(0, 3), max_size=x.ndim), label="n")
    if len(n) == 1 and data.draw(st.booleans(), label="n as int"):
        n = n[0]
    elif data.draw(st.booleans(), label="n as tuple"):
        n = tuple(n)
    check(run(backend, K.tile, x, n), np.tile(x, n), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_tile_too_many_counts_raises(backend, data):
    x = data.draw(arrays("float32", data.draw(shapes(max_dims=3), label="shape")), label="x")
    n = data.draw(st.lists(st.integers(1, 2), min_size=x.ndim + 1, max_size=x.ndim + 2))
    expect_error(backend, ShapeError, K.tile, x, n)


# ------------------------------------------------------------------------- reversing, slicing


@backends
@PROFILE
@given(data=st.data())
def test_reverse(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(), label="shape"), "x")
    axes = data.draw(st.lists(st.integers(0, max(x.ndim - 1, 0)), unique=True), label="axes")
    axes = [axis_form(data, a, x.ndim) for a in axes] if x.ndim else []
    if len(axes) == 1 and data.draw(st.booleans(), label="axes as int"):
        check(run(backend, K.reverse, x, axes[0]), np.flip(x, axes[0]), dtype)
    else:
        check(run(backend, K.reverse, x, axes), np.flip(x, tuple(axes)), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_reverse_repeated_axis_raises(backend, data):
    x = data.draw(arrays("float32", data.draw(shapes(min_dims=1), label="shape")), label="x")
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    expect_error(backend, AxisError, K.reverse, x, [axis, axis - x.ndim])


@backends
@PROFILE
@given(data=st.data())
def test_slice(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(), label="shape"), "x")
    start, size, index = [], [], []
    for dim in x.shape:
        begin = data.draw(st.integers(0, dim), label="start")
        extent = data.draw(st.integers(-1, dim - begin), label="size")
        start.append(begin)
        size.append(extent)
        index.append(np.s_[begin:] if extent == -1 else np.s_[begin : begin + extent])
    check(run(backend, K.slice, x, start, size), np.asarray(x[tuple(index)]), dtype)


# ------------------------------------------------------------------------- gathering


@backends
@PROFILE
@given(data=st.data())
def test_gather(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    reference = draw_array(data, dtype, data.draw(shapes(min_dims=1), label="shape"), "reference")
    index_dtype = data.draw(st.sampled_from(INTS), label="index dtype")
    rows = reference.shape[0]
    # An empty reference only takes empty indices.
    index_shape = data.draw(
        shapes(max_dims=2) if rows else shapes(1, 2, max_side=0), label="index shape"
    )
    indices = data.draw(arrays(index_dtype, index_shape, ints=(0, max(rows - 1, 0))), "indices")
    expected = reference[indices.astype(np.int64)]
    check(run(backend, K.gather, reference, indices), expected, dtype)


# ------------------------------------------------------------------------- padding and resizing


def spatial_shape(data: st.DataObject, spatial: int, data_format: str) -> tuple[int, ...]:
    """A (batch, spatial..., channels) or (batch, channels, spatial...) shape."""
    sides = st.integers(0, 3)
    batch, channels = data.draw(sides, label="batch"), data.draw(sides, label="channels")
    space = tuple(data.draw(st.lists(sides, min_size=spatial, max_size=spatial), label="space"))
    if data_format == "channels_first":
        return (batch, channels, *space)
    return (batch, *space, channels)


def spatial_axes(spatial: int, data_format: str) -> tuple[int, ...]:
    start = 2 if data_format == "channels_first" else 1
    return tuple(range(start, start + spatial))


@backends
@pytest.mark.parametrize("spatial", [2, 3])
@PROFILE
@given(data=st.data())
def test_spatial_padding(backend, spatial, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    data_format = data.draw(st.sampled_from(["channels_last", "channels_first"]), label="format")
    x = draw_array(data, dtype, spatial_shape(data, spatial, data_format), "x")
    pair = st.tuples(st.integers(0, 2), st.integers(0, 2))
    padding = data.draw(st.lists(pair, min_size=spatial, max_size=spatial), label="padding")
    widths = [(0, 0)] * x.ndim
    for axis, p in zip(spatial_axes(spatial, data_format), padding):
        widths[axis] = p
    function = K.spatial_2d_padding if spatial == 2 else K.spatial_3d_padding
    check(run(backend, function, x, padding, data_format), np.pad(x, widths), dtype)


def nearest(x: np.ndarray, axes: tuple[int, ...], factors: list[int]) -> np.ndarray:
    for axis, factor in zip(axes, factors):
        x = np.repeat(x, factor, axis)
    return x


@backends
@PROFILE
@given(data=st.data())
def test_resize_images(backend, data):
    data_format = data.draw(st.sampled_from(["channels_last", "channels_first"]), label="format")
    shape = spatial_shape(data, 2, data_format)
    factors = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=2), label="factors")
    axes = spatial_axes(2, data_format)
    if data.draw(st.booleans(), label="bilinear"):
        dtype = data.draw(st.sampled_from(NUMBERS), label="dtype")
        x = draw_array(data, dtype, shape, "x")
        expected: Any = bilinear_reference(x.astype(np.float32), tuple(factors), axes)
        result = run(backend, K.resize_images, x, *factors, data_format, "bilinear")
        check(result, expected.astype(np.float64), "float32")
    else:
        dtype = data.draw(st.sampled_from(NUMBERS), label="dtype")
        x = draw_array(data, dtype, shape, "x")
        result = run(backend, K.resize_images, x, *factors, data_format)
        check(result, nearest(x, axes, factors), dtype)


@backends
@PROFILE
@given(data=st.data())
def test_resize_volumes(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    data_format = data.draw(st.sampled_from(["channels_last", "channels_first"]), label="format")
    x = draw_array(data, dtype, spatial_shape(data, 3, data_format), "x")
    factors = data.draw(st.lists(st.integers(1, 3), min_size=3, max_size=3), label="factors")
    expected = nearest(x, spatial_axes(3, data_format), factors)
    check(run(backend, K.resize_volumes, x, *factors, data_format), expected, dtype)


# ------------------------------------------------------------------------- identity, arange, size


@backends
@PROFILE
@given(data=st.data())
def test_identity_and_size(backend, data):
    dtype = data.draw(st.sampled_from(ALL), label="dtype")
    x = draw_array(data, dtype, data.draw(shapes(), label="shape"), "x")
    check(run(backend, K.identity, x), x, dtype)
    check(run(backend, K.size, x), np.array(x.size), "int32")


@backends
@PROFILE
@given(data=st.data())
def test_arange(backend, data):
    step = data.draw(st.integers(-4, 4).filter(bool), label="step")
    start = data.draw(st.integers(-20, 20), label="start")
    stop = start + step * data.draw(st.integers(0, 12), label="count")
    dtype = data.draw(st.sampled_from(["default", *NUMBERS]), label="dtype")
    single = data.draw(st.booleans(), label="single argument")
    args = (start,) if single else (start, stop, step)
    expected = np.arange(max(start, 0)) if single else np.arange(start, stop, step)
    if dtype == "default":
        check(run(backend, K.arange, *args), expected, "int32")
    else:
        check(run(backend, K.arange, *args, dtype=dtype), expected, dtype)


@backends
@PROFILE
@given(data=st.data())
def test_arange_floats(backend, data):
    quarter = st.integers(-40, 40).map(lambda i: i / 4)
    start = data.draw(quarter, label="start")
    step = data.draw(quarter.filter(bool), label="step")
    count = data.draw(st.integers(0, 12), label="count")
    stop = start + step * (count - 0.5) if count else start  # half a step past the last value
    expected = start + step * np.arange(count)
    check(run(backend, K.arange, start, stop, step), expected, "float32")
