"""Every input form and every bad input gives one answer on every backend (the findings of a
differential fuzz run, each reduced to its rule): reflected operators, labels, indexing, byte
order, big Python floats, dtype names, shapes given as arrays, bad shapes, unusual dtypes."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.conformance.cases import BFLOAT16_MISSING
from multik.errors import DTypeError, IndexRangeError, InvalidArgumentError, ShapeError
from multik.testing import test_backends


@pytest.fixture(params=test_backends())
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param


def native(backend: str, array: np.ndarray):
    """``array`` as the framework's own tensor, built without multik."""
    if backend == "numpy":
        return np.array(array)
    if backend == "tensorflow":
        return importlib.import_module("tensorflow").constant(array)
    if backend == "torch":
        return importlib.import_module("torch").tensor(array)
    return importlib.import_module("jax.numpy").asarray(array)


def test_reflected_operators_promote_as_forward_ones(backend):
    v = K.variable([0.5, 1.5, 2.7])
    ints = native(backend, np.array([1, 2, 3], "int32"))
    expected = np.float32([0.5, 3.0, 8.1])
    for result in (ints * v, v * ints):
        assert K.dtype(result) == "float32"
        np.testing.assert_allclose(K.eval(result), expected, rtol=1e-6)
    power = native(backend, np.array([2], "int32")) ** K.variable([-2.0])
    np.testing.assert_allclose(K.eval(power), [0.25])


@pytest.mark.skipif(bool(BFLOAT16_MISSING), reason=BFLOAT16_MISSING)
def test_reflected_operator_of_a_bfloat16_variable(backend):
    ints = native(backend, np.array([1], "uint8"))
    assert K.dtype(ints + K.variable([1.5], "bfloat16")) == "bfloat16"


@pytest.mark.parametrize(
    "labels", [np.array([np.nan], "float32"), np.array([2**32 + 1], "int64"), np.array([-1])]
)
def test_sparse_labels_outside_the_classes_raise(backend, labels):
    with pytest.raises(InvalidArgumentError, match="labels"):
        K.sparse_categorical_crossentropy(labels, np.array([[0.2, 0.8]], "float32"))


def test_sparse_crossentropy_of_a_rank1_output_keeps_the_label_axis(backend):
    loss = K.sparse_categorical_crossentropy(np.array([1]), np.array([0.2, 0.8], "float32"))
    assert K.int_shape(loss) == (1,)
    np.testing.assert_allclose(K.eval(loss), [-np.log(0.8)], rtol=1e-6)


def test_variable_indexing(backend):
    v = K.variable([1.0, 2.0, 3.0])
    with pytest.raises(IndexRangeError, match="index 5 is out of range for axis 0 of size 3"):
        v[5]
    first = v[0]
    assert K.int_shape(first) == () and float(K.eval(first)) == 1.0
    assert not isinstance(first, np.generic)
    assert [float(K.eval(x)) for x in v] == [1.0, 2.0, 3.0]  # iteration stops at IndexError


@pytest.mark.parametrize(
    "form",
    [
        np.array([1, 2, 3], ">i4"),
        np.array([3, 2, 1], "<i4")[::-1],
        np.asfortranarray(np.array([[1, 2], [3, 0]], "int32")),
    ],
    ids=["big-endian", "negative-strides", "fortran"],
)
def test_array_layouts(backend, form):
    assert int(K.eval(K.sum(form))) == 6
    assert float(K.eval(K.mean(form))) == pytest.approx(form.mean())
    read_only = np.array(form)
    read_only.flags.writeable = False
    assert int(K.eval(K.sum(read_only))) == 6


def test_python_floats_beyond_float32_overflow_to_inf(backend):
    np.testing.assert_array_equal(K.eval(K.variable([1, 2], "int8") * 1e39), [np.inf, np.inf])
    np.testing.assert_array_equal(K.eval(K.relu(K.constant([1.0, 2.0]), max_value=1e39)), [1, 2])


def test_softmax_of_a_scalar(backend):
    assert float(K.eval(K.softmax(np.array(1.5, "float32"), axis=None))) == 1.0


def test_relu_of_integers_keeps_the_integer_dtype(backend):
    out = K.relu(np.array([-3, 2, 9], "int32"), alpha=1, max_value=6)
    assert K.dtype(out) == "int32"
    np.testing.assert_array_equal(K.eval(out), [-3, 2, 6])
    with pytest.raises(DTypeError):
        K.relu(np.array([True, False]))


def test_binary_crossentropy_shapes(backend):
    with pytest.raises(ShapeError):
        K.binary_crossentropy(np.ones(2, "f4"), np.full(3, 0.5, "f4"))
    with pytest.raises(ShapeError, match="same shape"):
        K.binary_crossentropy(np.ones((2, 1), "f4"), np.zeros((2, 3), "f4"), from_logits=True)


@pytest.mark.parametrize("size", [(2,), (1, 2, 3)])
def test_eye_of_a_bad_shape(backend, size):
    with pytest.raises(ShapeError, match="eye takes"):
        K.eye(size)


@pytest.mark.parametrize(
    "call",
    [
        lambda: K.constant([[1, 2, 3], [4, 5]]),
        lambda: K.variable([[1, 2, 3], [4, 5]]),
        lambda: K.set_value(K.variable(np.zeros((2, 3))), [[1, 2, 3], [4, 5]]),
    ],
    ids=["constant", "variable", "set_value"],
)
def test_ragged_lists(backend, call):
    with pytest.raises(InvalidArgumentError, match="cannot convert"):
        call()


def test_operators_on_unusual_dtypes(backend):
    np.testing.assert_array_equal(K.eval(-K.variable([2], "uint8")), [254])
    np.testing.assert_array_equal(K.eval(abs(K.variable([True, False], "bool"))), [True, False])
    with pytest.raises(DTypeError):
        K.variable([True], "bool") ** K.variable([True], "bool")
    with pytest.raises(DTypeError):
        -K.variable([True], "bool")


def test_batch_gather_from_an_empty_axis_compiled(backend):
    x = K.placeholder((2, 0))
    with pytest.raises(InvalidArgumentError, match="empty axis"):
        K.batch_gather(x, np.zeros((2, 1), "int32"))
    K.clear_session()


def test_lenient_forms_tf_keras_accepts(backend):
    for name, expected in (("float", "float32"), ("double", "float64"), ("half", "float16")):
        assert K.dtype(K.cast(K.constant([1]), name)) == expected
    with pytest.raises(DTypeError, match="needs a dtype"):
        K.cast(K.constant([1]), None)
    np.testing.assert_array_equal(K.eval(K.sum(K.constant([[1, 2]]), axis=np.array(0))), [1, 2])
    assert K.int_shape(K.zeros(np.array([2, 3]))) == (2, 3)
    assert K.int_shape(K.ones(np.array([2]))) == (2,)
