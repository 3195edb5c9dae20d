"""Rules of family H and of identity/arange that the case tables cannot express, on every
backend under test: results never share memory with the caller's NumPy inputs, data_format
None reads K.image_data_format(), and arange and batch_flatten in graphs with unknown
dimensions; and the shape primitives' defaults, which a new adapter inherits."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.backends.numpy import NumpyAdapter
from multik.backends.primitives import Primitives
from multik.errors import InvalidArgumentError
from multik.testing import test_backends


@pytest.fixture(params=test_backends())
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


def _image() -> np.ndarray:
    return np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2)


#: K calls on one NumPy input whose results could be views of it on NumPy or PyTorch.
CALLS = {
    "flatten": K.flatten,
    "batch_flatten": K.batch_flatten,
    "reverse-none": lambda x: K.reverse(x, []),
    "reverse": lambda x: K.reverse(x, 1),
    "slice-all": lambda x: K.slice(x, (0, 0, 0, 0), (-1, -1, -1, -1)),
    "slice": lambda x: K.slice(x, (1, 0, 0, 0), (1, 3, 4, 2)),
    "identity": K.identity,
    "to_dense": K.to_dense,
    "concatenate-one": lambda x: K.concatenate([x]),
    "stack-one": lambda x: K.stack([x]),
    "tile-ones": lambda x: K.tile(x, 1),
    "repeat_elements-once": lambda x: K.repeat_elements(x, 1, 0),
    "gather": lambda x: K.gather(x, [0, 1]),
    "spatial_2d_padding-zero": lambda x: K.spatial_2d_padding(x, ((0, 0), (0, 0))),
    "resize_images-once": lambda x: K.resize_images(x, 1, 1, "channels_last"),
    "resize_images-bilinear-once": lambda x: K.resize_images(x, 1, 1, "channels_last", "bilinear"),
}


@pytest.mark.parametrize("name", CALLS)
def test_results_never_share_memory_with_numpy_inputs(backend, name):
    x = _image()
    result = CALLS[name](x)
    before = np.array(K.eval(result), copy=True)
    x[...] = -7
    assert np.array_equal(K.eval(result), before), f"{name} on {backend} views its input"


def test_identity_copies_native_tensors(backend):
    x = K.constant([1.0, 2.0])
    y = K.identity(x)
    assert y is not x
    np.testing.assert_array_equal(K.eval(y), [1.0, 2.0])


@pytest.fixture
def channels_first():
    K.set_image_data_format("channels_first")
    yield
    K.set_image_data_format("channels_last")


def test_data_format_none_reads_image_data_format(backend, channels_first):
    x = np.ones((1, 2, 3, 4), np.float32)
    assert K.int_shape(K.spatial_2d_padding(x)) == (1, 2, 5, 6)
    assert K.int_shape(K.resize_images(x, 2, 3, None)) == (1, 2, 6, 12)
    assert K.int_shape(K.spatial_3d_padding(x[..., None], ((0, 0), (1, 0), (0, 2)))) == (
        1,
        2,
        3,
        5,
        3,
    )
    assert K.int_shape(K.resize_volumes(x[..., None], 1, 2, 3, None)) == (1, 2, 3, 8, 3)


def test_arange_of_a_shape_entry_runs_in_a_graph(backend):
    x = K.placeholder((None, 3))
    positions = K.arange(K.shape(x)[0])
    assert K.int_shape(positions) == (None,)
    assert K.dtype(positions) == "int32"
    run = K.function([x], [positions * 2])
    np.testing.assert_array_equal(run([np.zeros((4, 3))])[0], [0, 2, 4, 6])
    np.testing.assert_array_equal(run([np.zeros((2, 3))])[0], [0, 2])


def test_arange_of_a_placeholder_value_raises(backend):
    start = K.placeholder((), dtype="int32")
    with pytest.raises(InvalidArgumentError, match="gets its value only when the graph runs"):
        K.arange(start)
    with pytest.raises(InvalidArgumentError, match="gets its value only when the graph runs"):
        K.arange(0, K.sum(start), 1)


def test_arange_of_a_variable_in_graph_mode_raises(backend):
    limit = K.variable(3, dtype="int32")
    K.placeholder((2,))  # graph mode: Variables are read when the graph runs
    with pytest.raises(InvalidArgumentError, match="gets its value only when the graph runs"):
        K.arange(limit)


def test_batch_flatten_keeps_an_unknown_batch(backend):
    x = K.placeholder((None, 2, 5))
    flat = K.batch_flatten(x)
    assert K.int_shape(flat) == (None, 10)
    value = np.arange(30, dtype=np.float32).reshape(3, 2, 5)
    np.testing.assert_array_equal(K.function([x], [flat])([value])[0], value.reshape(3, 10))


@pytest.mark.parametrize("axis", [0, 1])
def test_repeat_elements_keeps_unknown_dimensions_unknown(backend, axis):
    shape = [2, 3]
    shape[axis] = None
    y = K.repeat_elements(K.placeholder(tuple(shape)), 3, axis)
    assert K.int_shape(y) == tuple(shape)


class _Defaults(NumpyAdapter):
    """The numpy adapter with the shape primitives' defaults instead of NumPy's kernels."""

    _concatenate = Primitives._concatenate
    _tile = Primitives._tile
    _repeat = Primitives._repeat
    _flip = Primitives._flip


@pytest.mark.parametrize("dtype", ["bool", "int8", "float32"])
def test_shape_primitive_defaults_match_the_native_kernels(dtype):
    adapter = _Defaults()
    values = [[-0.0, 1.5, np.nan], [2, -3, 0.25]] if dtype == "float32" else [[0, 1, 1], [2, 0, 5]]
    x = np.array(values).astype(dtype)
    y = np.arange(4).reshape(2, 2).astype(dtype)
    same = np.testing.assert_array_equal
    same(adapter._concatenate([x, y, x[:, :0]], 1), np.concatenate([x, y], 1))
    same(adapter._concatenate([x, x[:1]], 0), np.concatenate([x, x[:1]], 0))
    assert np.signbit(adapter._concatenate([x, y], 1)[0, 0]) == np.signbit(x[0, 0])
    for reps in [(2, 3), (0, 2), (1, 1)]:
        same(adapter._tile(x, reps), np.tile(x, reps))
    for rep, axis in [(3, 0), (0, 1), (1, 1)]:
        same(adapter._repeat(x, rep, axis), np.repeat(x, rep, axis))
    for axes in [(), (0,), (0, 1)]:
        same(adapter._flip(x, axes), np.flip(x, axes))
