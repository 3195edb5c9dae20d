"""Legacy fidelity on every backend: results never alias the caller's arrays or a Variable's
storage, and the caller's NumPy arrays and lists next to a tensor take its dtype, as in tf_keras."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.testing import test_backends

VIEWS = {
    "constant": lambda x: K.constant(x),
    "cast to its own dtype": lambda x: K.cast(x, "float32"),
    "reshape": lambda x: K.reshape(x, (3, 2)),
    "transpose": K.transpose,
    "permute_dimensions": lambda x: K.permute_dimensions(x, (1, 0)),
    "expand_dims": lambda x: K.expand_dims(x, 0),
    "squeeze": lambda x: K.squeeze(K.expand_dims(x, 0), 0),
    "stop_gradient": K.stop_gradient,
}


@pytest.fixture(params=test_backends())
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param


def _writable(result):
    """The result as a NumPy array that writes through to its memory where the framework allows."""
    if isinstance(result, np.ndarray):
        return result
    try:
        return result.numpy()  # a torch tensor's own memory
    except (AttributeError, TypeError, RuntimeError):
        return None


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_results_never_alias_the_callers_array(backend, name):
    caller = np.arange(6, dtype="float32").reshape(2, 3)
    result = VIEWS[name](caller)
    caller[0, 0] = 100.0  # the caller keeps using its array
    assert K.eval(result).flat[0] == 0.0
    memory = _writable(result)
    if memory is not None and memory.flags.writeable:
        memory.flat[0] = -1.0  # and legacy code writes to results in place (x -= mean)
        assert caller[0, 0] == 100.0


@pytest.mark.parametrize("name", ["reshape", "transpose", "expand_dims", "stop_gradient"])
def test_results_never_alias_a_variables_storage(backend, name):
    v = K.variable(np.arange(6, dtype="float32").reshape(2, 3))
    for result in (VIEWS[name](v), v[0]):
        memory = _writable(result)
        if memory is not None and memory.flags.writeable:
            memory.flat[0] = 100.0
        assert K.get_value(v)[0, 0] == 0.0


def test_eval_and_get_value_give_fresh_arrays(backend):
    v = K.variable([[1.0, 2.0]])
    c = K.constant([[3.0, 4.0]])
    for value, read in ((v, K.get_value), (v, K.eval), (c, K.eval)):
        first = read(value)
        first[0, 0] = 99.0
        assert read(value)[0, 0] != 99.0


def test_numpy_arrays_and_lists_take_the_tensors_dtype(backend):
    v = K.variable([1.0, 4.0])
    for result in (
        v / np.array([2.0]),
        np.array([2.0]) * v,
        v.__add__([1, 2]),
        v - np.float64(1.0),
    ):
        assert K.dtype(result) == "float32"
    np.testing.assert_array_equal(K.eval(v / np.array([2.0])), np.float32([0.5, 2.0]))
    ints = K.variable([1, 2], dtype="int8")
    assert K.dtype(ints + np.array([1, 2])) == "int8"
    assert K.dtype(ints + np.array([0.5, 0.5])) == K.floatx()  # tf_keras raises; weak float
    assert K.dtype(ints / np.array([2, 2])) == K.floatx()


def test_static_shapes_broadcast_unknown_dimensions(backend):
    y = K.square(K.variable(np.ones((4, 2)))) + K.placeholder(ndim=2)
    assert K.int_shape(y) == (4, 2)
    x = K.placeholder(ndim=2)
    f = K.function([x], [K.variable(np.ones((4, 2))) * x])
    np.testing.assert_array_equal(f([np.full((1, 2), 3.0, "f4")])[0], np.full((4, 2), 3.0))
    K.clear_session()


def test_broadcast_mismatches_raise_one_shape_error(backend):
    from multik.errors import ShapeError

    v = K.variable(np.zeros((2, 3)))
    with pytest.raises(ShapeError, match=r"\(2, 3\) and \(3, 2\)"):
        v + np.ones((3, 2), "f4")
    with pytest.raises(ShapeError, match=r"\(2, 3\) and \(3, 2\)"):
        _ = v < np.ones((3, 2), "f4")


def test_slices_with_fed_bounds(backend):
    x = K.placeholder((None, 10))
    stop = K.placeholder((), dtype="int32")
    part = x[:, 2:stop]
    assert K.int_shape(part) == (None, None)
    f = K.function([x, stop], [part, K.sum(part, axis=1)])
    values = np.arange(20, dtype="float32").reshape(2, 10)
    for bound in (5, 7):
        sliced, total = f([values, np.int32(bound)])
        np.testing.assert_array_equal(sliced, values[:, 2:bound])
        np.testing.assert_allclose(total, values[:, 2:bound].sum(axis=1))
    K.clear_session()


def test_placeholder_of_unknown_rank(backend):
    p = K.placeholder(shape=None)
    doubled = p * 2
    assert K.ndim(p) is None and K.int_shape(p) is None and K.int_shape(doubled) is None
    f = K.function([p], [doubled])
    np.testing.assert_array_equal(f([np.ones((2, 3), "f4")])[0], np.full((2, 3), 2.0))
    np.testing.assert_array_equal(f([np.ones(4, "f4")])[0], np.full(4, 2.0))
    K.clear_session()


@pytest.mark.parametrize("name", ["softmax", "relu", "square", "sum", "identity", "abs"])
def test_results_on_empty_arrays_are_new_arrays(backend, name):
    x = np.zeros((0, 3), np.float32)
    fn = getattr(K, name)
    result = fn(x, axis=0) if name == "sum" else fn(x)
    assert result is not x, f"K.{name} on {backend} returns the caller's empty array"


@pytest.mark.parametrize(
    "name",
    ["sum", "mean", "softmax", "logsumexp", "dot", "batch_dot"],
)
def test_results_do_not_depend_on_the_callers_memory_layout(backend, name):
    rng = np.random.default_rng(7)
    c = rng.standard_normal((3, 5, 67)).astype(np.float32)
    f = np.asfortranarray(c)
    calls = {
        "sum": K.sum,
        "mean": lambda x: K.mean(x, axis=1),
        "softmax": K.softmax,
        "logsumexp": lambda x: K.logsumexp(x, axis=-1),
        "dot": lambda x: K.dot(K.reshape(x, (15, 67)), K.constant(c[0].T)),
        "batch_dot": lambda x: K.batch_dot(x, K.constant(np.swapaxes(c, 1, 2))),
    }
    np.testing.assert_array_equal(K.eval(calls[name](f)), K.eval(calls[name](c)))
