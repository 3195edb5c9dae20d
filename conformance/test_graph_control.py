"""K.switch and the multi-result normalize_batch_in_training in the symbolic layer, which branch
callables are called, and results that never share memory with the caller's NumPy inputs."""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.testing import test_backends


@pytest.fixture(params=test_backends())
def backend(request):
    with multik.use_backend(request.param):
        yield request.param
        K.clear_session()


def f32(values):
    return np.asarray(values, dtype=np.float32)


def test_switch_on_the_learning_phase_fed_to_k_function(backend):
    x = K.placeholder((None, 2))
    out = K.switch(K.learning_phase(), lambda: x * 2, lambda: x)
    assert K.int_shape(out) == (None, 2)
    f = K.function([x, K.learning_phase()], [out])
    np.testing.assert_array_equal(f([f32([[1, 2]]), 1])[0], f32([[2, 4]]))
    np.testing.assert_array_equal(f([f32([[1, 2]]), 0])[0], f32([[1, 2]]))
    np.testing.assert_array_equal(K.function([x], [out])([f32([[1, 2]])])[0], f32([[1, 2]]))


def test_switch_on_a_set_learning_phase_picks_a_branch(backend):
    K.set_learning_phase(1)
    picked = K.switch(K.learning_phase(), lambda: K.constant(1.0), lambda: 1 / 0)
    np.testing.assert_array_equal(K.eval(picked), f32(1))
    with K.learning_phase_scope(0):
        np.testing.assert_array_equal(K.eval(K.switch(K.learning_phase(), 1.0, 2.0)), f32(2))


def test_switch_calls_only_the_chosen_callable_when_the_condition_has_a_value(backend):
    called = []

    def branch(name, value):
        def make():
            called.append(name)
            return K.constant(value)

        return make

    out = K.switch(K.cast(K.constant(1.0), "bool"), branch("then", [1.0]), branch("else", [2.0]))
    np.testing.assert_array_equal(K.eval(out), f32([1]))
    assert called == ["then"]
    called.clear()
    flag = K.placeholder((), dtype="bool")
    out = K.switch(flag, branch("then", [1.0]), branch("else", [2.0]))
    assert sorted(called) == ["else", "then"]  # a symbolic condition builds both, once each
    np.testing.assert_array_equal(K.function([flag], [out])([False])[0], f32([2]))


def test_switch_with_a_value_keeps_a_symbolic_or_variable_branch(backend):
    x = K.placeholder((3,))
    assert K.switch(True, x, 0.0) is x
    v = K.variable([1.0, 2.0])
    picked = K.switch(np.bool_(True), v, K.constant([0.0, 0.0]))  # graph mode: read when run
    K.set_value(v, f32([5, 6]))
    np.testing.assert_array_equal(K.eval(picked), f32([5, 6]))


def test_switch_tensor_condition_from_a_placeholder(backend):
    c = K.placeholder((None,), dtype="bool")
    x = K.placeholder((None, 3))
    out = K.switch(c, x, -x)
    assert K.int_shape(out) == (None, 3)
    got = K.function([c, x], [out])([np.array([True, False]), f32([[1, 2, 3], [4, 5, 6]])])[0]
    np.testing.assert_array_equal(got, f32([[1, 2, 3], [-4, -5, -6]]))


def test_normalize_batch_in_training_on_placeholders(backend):
    x = K.placeholder((None, 3, 4))
    normed, mean, var = K.normalize_batch_in_training(x, None, None, [0, 2])
    assert (K.int_shape(normed), K.int_shape(mean), K.int_shape(var)) == ((None, 3, 4), (3,), (3,))
    values = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    got = K.function([x], [normed, mean, var])([values])
    np.testing.assert_allclose(got[1], values.mean(axis=(0, 2)), rtol=1e-6)
    np.testing.assert_allclose(got[2], values.var(axis=(0, 2)), rtol=1e-5)


def test_results_do_not_share_memory_with_numpy_inputs(backend):
    x = np.ones((2, 3), np.float32)
    results = [
        K.switch(True, x, x),
        K.switch(np.ones((2, 3), bool), x, x),
        K.l2_normalize(x, ()),
        K.bias_add(x, np.zeros(3, np.float32)),
        K.batch_normalization(x, 0.0, 1.0, None, None),
        *K.normalize_batch_in_training(x, None, None, []),
    ]
    before = [K.eval(r).copy() for r in results]
    x[...] = 7
    for result, value in zip(results, before):
        np.testing.assert_array_equal(K.eval(result), value)
