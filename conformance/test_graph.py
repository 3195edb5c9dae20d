"""The symbolic layer on every backend under test: placeholders, inference, K.function,
updates, gradients, the learning phase, variable state and the errors of each."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from symbolic_oracle import autodiff_backends

import multik
from multik import backend as K
from multik import graph
from multik.errors import (
    BackendMismatchError,
    DTypeError,
    InvalidArgumentError,
    ShapeError,
    UnsupportedError,
)
from multik.testing import test_backends

BACKENDS = test_backends()
AUTODIFF = autodiff_backends(BACKENDS)


@pytest.fixture(params=BACKENDS)
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


@pytest.fixture(
    params=AUTODIFF
    or [
        pytest.param(
            "none",
            marks=pytest.mark.skip(
                reason="no framework with automatic differentiation is installed"
            ),
        )
    ]
)
def autodiff(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


def f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


# --------------------------------------------------------------------------- placeholders


def test_placeholder_has_shape_dtype_and_name(backend):
    x = K.placeholder((None, 4), name="x")
    assert (K.int_shape(x), K.ndim(x), K.dtype(x), x.name) == ((None, 4), 2, "float32", "x")
    assert K.int_shape(K.placeholder(ndim=3, dtype="int32")) == (None, None, None)
    assert K.dtype(K.placeholder(ndim=1, dtype="int32")) == "int32"
    assert K.is_placeholder(x) and K.is_tensor(x) and not K.is_variable(x)
    assert K.is_keras_tensor(x) is False


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ndim": -1}, InvalidArgumentError),
        ({"shape": (2, -1)}, ShapeError),
        ({"shape": (2, 3), "ndim": 3}, ShapeError),
        ({"shape": (2,), "sparse": True}, UnsupportedError),
        ({"shape": (2,), "dtype": "float8"}, DTypeError),
    ],
)
def test_bad_placeholders_raise(backend, kwargs, error):
    with pytest.raises(error):
        K.placeholder(**kwargs)


def test_unknown_dimensions_take_the_sizes_a_call_needs(backend):
    x = K.placeholder(ndim=2)
    assert K.int_shape(K.dot(x, K.variable(np.ones((3, 4))))) == (None, 4)
    assert K.int_shape(K.squeeze(x, 1)) == (None,)
    assert K.int_shape(K.reshape(K.placeholder((None,)), (2, 2, 3))) == (2, 2, 3)
    assert K.int_shape(K.reshape(K.placeholder((None, 4)), (2, 0, 2))) == (2, 0, 2)
    with pytest.raises(ShapeError, match="tried at 6, 12 and the sizes this call mentions"):
        K.dot(K.placeholder((None, 3)), K.variable(np.ones((5, 2))))


def test_inferred_shapes_follow_graph_mode(backend):
    x = K.placeholder((None, 4))
    w = K.variable(np.ones((4, 3)))
    assert K.int_shape(K.dot(x, w)) == (None, 3)
    assert K.int_shape(K.sum(x, axis=0)) == (4,)
    assert K.int_shape(K.reshape(x, (-1,))) == (None,)
    assert K.int_shape(K.reshape(x, (-1, 2, 2))) == (None, 2, 2)
    # As tf_keras's graph mode: -1 beside an unknown target dimension is unknown.
    assert K.int_shape(K.reshape(x, (K.shape(x)[0], -1, 2))) == (None, None, 2)
    shape = K.shape(x)
    assert (K.int_shape(shape), K.dtype(shape)) == ((2,), "int32")
    assert (K.int_shape(shape[0]), K.dtype(shape[0])) == ((), "int32")
    assert K.int_shape(K.batch_dot(x, x, axes=1)) == (None, 1)
    assert K.dtype(K.cast(x, "int32")) == "int32"


def test_operators_are_symbolic_with_the_eager_dtype_rules(backend):
    x = K.placeholder((None, 3))
    v = K.variable(np.ones((3,)))
    results = {
        "x + v": x + v,
        "v - x": v - x,
        "2 * x": 2 * x,
        "x / 2": x / 2,
        "x ** 2": x**2,
        "-x": -x,
        "abs": abs(x),
        "x @ v": x @ K.variable(np.ones((3, 2))),
        "v @ x.T": K.variable(np.ones((2, 3))) @ K.transpose(x),
        "array + x": np.ones(3, dtype=np.float32) + x,
        "x > 0": x > 0,
        "x[:, 0]": x[:, 0],
    }
    shapes = {name: K.int_shape(t) for name, t in results.items()}
    assert shapes == {
        "x + v": (None, 3),
        "v - x": (None, 3),
        "2 * x": (None, 3),
        "x / 2": (None, 3),
        "x ** 2": (None, 3),
        "-x": (None, 3),
        "abs": (None, 3),
        "x @ v": (None, 2),
        "v @ x.T": (2, None),
        "array + x": (None, 3),
        "x > 0": (None, 3),
        "x[:, 0]": (None,),
    }
    assert K.dtype(results["x > 0"]) == "bool"
    assert K.dtype(K.placeholder((2,), dtype="int8") + 1) == "int8"
    value = K.function([x], [results["v - x"], results["x[:, 0]"]])([f32([[1, 2, 3]])])
    np.testing.assert_array_equal(value[0], f32([[0, -1, -2]]))
    np.testing.assert_array_equal(value[1], f32([1]))


def test_symbolic_tensors_refuse_truth_values_and_arrays(backend):
    x = K.placeholder((2,))
    with pytest.raises(TypeError, match="truth value"):
        bool(x)
    with pytest.raises(InvalidArgumentError, match="symbolic"):
        np.asarray(x)
    with pytest.raises(InvalidArgumentError, match="symbolic"):
        K.variable(x)
    assert len(x) == 2 and [K.int_shape(t) for t in x] == [(), ()]


def test_build_errors_are_the_eager_errors(backend):
    x = K.placeholder((None, 4))
    with pytest.raises(ShapeError, match="cannot dot"):
        K.dot(x, K.variable(np.ones((5, 3))))
    with pytest.raises(ShapeError, match="unknown"):  # 4 is no unknown size: it cannot be 1
        K.squeeze(x, 1)
    with pytest.raises(DTypeError):
        K.one_hot(x, 3)


def test_placeholders_belong_to_their_backend(backend):
    other = next((b for b in BACKENDS if b != backend), None)
    if other is None:
        pytest.skip("needs a second backend under test")
    x = K.placeholder((2,))
    with multik.use_backend(other), pytest.raises(BackendMismatchError):
        K.sum(x)


# --------------------------------------------------------------------------- K.function


def test_function_feeds_in_order_and_converts_to_the_placeholder_dtype(backend):
    x = K.placeholder((None, 2), name="x")
    n = K.placeholder((), dtype="int32", name="n")
    f = K.function([x, n], [x * K.cast(n, "float32"), K.shape(x)])
    scaled, shape = f([np.array([[1, 2]], dtype=np.float64), 3])
    assert scaled.dtype == np.float32 and shape.dtype == np.int32
    np.testing.assert_array_equal(scaled, f32([[3, 6]]))
    np.testing.assert_array_equal(shape, [1, 2])
    single = K.function([x], K.sum(x))(np.ones((3, 2)))
    assert isinstance(single, np.ndarray) and single == 6


def test_function_reshape_by_symbolic_batch_size_runs_compiled_for_each_shape(backend):
    x = K.placeholder((None, 2, 3))
    f = K.function([x], [K.reshape(x, (K.shape(x)[0], -1))])
    for batch in (1, 4):
        data = np.arange(batch * 6, dtype=np.float32).reshape(batch, 2, 3)
        np.testing.assert_array_equal(f([data])[0], data.reshape(batch, 6))


def test_function_may_feed_an_inner_tensor(backend):
    x = K.placeholder((2,), name="x")
    hidden = x * 2
    f = K.function([hidden], [hidden + 1])  # x need not be fed: hidden is
    np.testing.assert_array_equal(f([f32([5, 6])])[0], f32([6, 7]))


def test_function_outputs_may_be_variables_and_inputs(backend):
    x = K.placeholder((2,))
    v = K.variable([5.0, 6.0])
    out_v, out_x = K.function([x], [v, x])([f32([1, 2])])
    np.testing.assert_array_equal(out_v, f32([5, 6]))
    np.testing.assert_array_equal(out_x, f32([1, 2]))


def test_function_is_built_once_and_traced_once_per_input_shape(backend, monkeypatch):
    runs = []
    real_run = graph._Evaluation.run
    monkeypatch.setattr(
        graph._Evaluation,
        "run",
        lambda self, *args: (runs.append(1), real_run(self, *args)),
    )
    x = K.placeholder((None,))
    f = K.function([x], [K.sum(x * 2)])
    for _ in range(3):
        f([f32([1, 2])])
    f([f32([1, 2, 3])])
    # Compiled backends trace once per input shape; torch and numpy run the graph each call.
    expected = 2 if backend in ("jax", "tensorflow") else 4
    assert len(runs) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [([], r"takes 2 input value\(s\), for placeholders \['a', 'b'\]"), ([1, 2, 3], "got 3")],
)
def test_function_rejects_a_wrong_number_of_inputs(backend, values, message):
    a, b = K.placeholder((), name="a"), K.placeholder((), name="b")
    f = K.function([a, b], [a + b])
    with pytest.raises(InvalidArgumentError, match=message):
        f(values)


def test_function_rejects_values_that_contradict_the_placeholder(backend):
    x = K.placeholder((None, 3), name="features")
    f = K.function([x], [x])
    with pytest.raises(ShapeError, match="'features' has shape \\(2, 4\\)"):
        f([np.ones((2, 4))])
    with pytest.raises(ShapeError, match="'features'"):
        f([np.ones(3)])


def test_unfed_placeholders_are_named(backend):
    x, y = K.placeholder((2,), name="x"), K.placeholder((2,), name="labels")
    with pytest.raises(InvalidArgumentError, match="placeholder 'labels' is not fed"):
        K.function([x], [x + y])
    with pytest.raises(InvalidArgumentError, match="placeholders 'labels', 'x' are not fed"):
        K.eval(x * y)


def test_function_rejects_bad_arguments(backend):
    x = K.placeholder((2,))
    with pytest.raises(InvalidArgumentError, match="input 0 is a ndarray"):
        K.function([np.ones(2)], [x])
    with pytest.raises(InvalidArgumentError, match="unexpected arguments"):
        K.function([x], [x], session="s")


def test_eval_of_a_graph_without_placeholders(backend):
    assert K.eval(K.learning_phase()) == np.False_
    x = K.in_train_phase(K.constant([1.0]), K.constant([2.0]))
    np.testing.assert_array_equal(K.eval(x), f32([2]))
    np.testing.assert_array_equal(K.get_value(x * 2), f32([4]))


# --------------------------------------------------------------------------- updates


def test_updates_apply_after_the_outputs(backend):
    x = K.placeholder((2,))
    v = K.variable([1.0, 1.0])
    step = K.variable(0.0)
    f = K.function(
        [x],
        [v * 1],
        updates=[(v, v + x), K.update_add(step, K.sum(x) * 0 + 1)],
    )
    first = f([f32([1, 2])])[0]
    np.testing.assert_array_equal(first, f32([1, 1]))  # the value before the update
    np.testing.assert_array_equal(f([f32([1, 2])])[0], f32([2, 3]))
    np.testing.assert_array_equal(K.get_value(v), f32([3, 5]))
    assert K.get_value(step) == 2


def test_updates_among_the_outputs_apply_too(backend):
    x = K.placeholder(())
    v = K.variable(0.0)
    f = K.function([x], [K.update_add(v, x)])
    assert f([2.0])[0] == 2 and f([2.0])[0] == 4
    assert K.get_value(v) == 4


def test_symbolic_update_functions(backend):
    x = K.placeholder((2,))
    a, b, c, d = (K.variable([1.0, 2.0]) for _ in range(4))
    updates = [
        K.update(a, x),
        K.update_add(b, x),
        K.update_sub(c, x),
        K.moving_average_update(d, x, 0.75),
    ]
    assert all(K.is_tensor(u) for u in updates)
    K.function([x], [], updates=updates)([f32([4, 8])])
    np.testing.assert_array_equal(K.batch_get_value([a, b, c]), [[4, 8], [5, 10], [-3, -6]])
    np.testing.assert_allclose(K.get_value(d), f32([1.75, 3.5]))


def test_eager_updates_apply_at_once(backend):
    v = K.variable([1.0, 2.0])
    assert K.update_add(v, 1.0) is v
    np.testing.assert_array_equal(K.get_value(v), f32([2, 3]))
    K.update_sub(v, [1.0, 1.0])
    K.update(v, K.get_value(v) * 10)
    np.testing.assert_array_equal(K.get_value(v), f32([10, 20]))
    K.moving_average_update(v, [0.0, 0.0], 0.9)
    np.testing.assert_allclose(K.get_value(v), f32([9, 18]))
    K.set_value(v, np.array([7, 8]))
    K.batch_set_value([(v, [3.0, 4.0])])
    np.testing.assert_array_equal(K.get_value(v), f32([3, 4]))
    assert K.count_params(K.variable(np.zeros((3, 4)))) == 12


def test_bad_updates_raise(backend):
    v = K.variable([1.0, 2.0])
    applied = K.update_add(v, 1.0)  # eager: no placeholder exists yet
    x = K.placeholder((2,))
    with pytest.raises(InvalidArgumentError, match="applied at once"):
        K.function([x], [x], updates=[applied])
    with pytest.raises(InvalidArgumentError, match="same Variable twice"):
        K.function([x], [x], updates=[(v, x), (v, x * 2)])
    with pytest.raises(ShapeError, match="cannot update"):
        K.update(v, K.sum(x))
    with pytest.raises(InvalidArgumentError, match="needs a multik Variable"):
        K.update(x, x)
    with pytest.raises(ShapeError):
        K.set_value(v, [1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match="fully known"):
        K.count_params(K.placeholder((None, 2)))


def test_graph_mode_reads_variables_when_the_graph_runs(backend):
    w = K.variable([1.0, 2.0])
    assert not K.is_tensor(K.sum(w)) or not isinstance(K.sum(w), K.SymbolicTensor)
    x = K.placeholder((2,))  # graph mode from here on
    norm = K.sum(K.square(w))
    assert isinstance(norm, K.SymbolicTensor) and isinstance(w * 2, K.SymbolicTensor)
    count = K.variable(0.0)
    tick = K.update_add(count, 1.0)  # pending, as in Keras 2 on TensorFlow 1
    f = K.function([x], [norm + K.sum(x), w[0], -w], updates=[tick, (w, w + x)])
    first = f([f32([1, 1])])
    second = f([f32([1, 1])])
    np.testing.assert_allclose(first[0], 7)
    np.testing.assert_allclose(second[:2], [15, 2])
    np.testing.assert_array_equal(second[2], f32([-2, -3]))
    assert K.get_value(count) == 2 and K.eval(K.sum(w)) == 7
    K.clear_session()
    assert not isinstance(K.sum(w), K.SymbolicTensor)


def test_graph_mode_belongs_to_the_thread_that_made_a_placeholder(backend):
    w = K.variable([1.0, 2.0])
    built, other_thread = threading.Event(), {}

    def build_graph():
        with multik.use_backend(backend):
            K.placeholder((2,))
            other_thread["sum"] = K.sum(w)
            built.set()

    worker = threading.Thread(target=build_graph)
    worker.start()
    worker.join()
    assert built.is_set() and isinstance(other_thread["sum"], K.SymbolicTensor)
    eager = K.sum(w)  # this thread made no placeholder: still eager
    assert not isinstance(eager, K.SymbolicTensor) and float(K.eval(eager)) == 3.0
    K.placeholder((2,))
    assert isinstance(K.sum(w), K.SymbolicTensor)
    K.clear_session()  # ends graph mode for this thread only
    assert not isinstance(K.sum(w), K.SymbolicTensor)


async def _graph_mode_in_task(backend: str, w: multik.Variable) -> bool:
    with multik.use_backend(backend):
        K.placeholder((2,))
        return isinstance(K.sum(w), K.SymbolicTensor)


def test_graph_mode_in_an_asyncio_task_stays_in_the_task(backend):
    import asyncio

    w = K.variable([1.0, 2.0])
    assert asyncio.run(_graph_mode_in_task(backend, w))
    assert not isinstance(K.sum(w), K.SymbolicTensor)


def test_graph_mode_gradients_include_terms_from_variables_alone(autodiff):
    x = K.placeholder((1,))
    w = K.variable([3.0])
    loss = K.sum(x * w) + K.sum(K.square(w))  # the penalty reads only the Variable
    (grad,) = K.gradients(loss, [w])
    np.testing.assert_allclose(K.function([x], [grad])([f32([2])])[0], [2 + 6])


# --------------------------------------------------------------------------- learning phase


def test_learning_phase_is_a_fed_bool_placeholder_by_default(backend):
    phase = K.learning_phase()
    assert (K.int_shape(phase), K.dtype(phase), phase.name) == ((), "bool", "keras_learning_phase")
    assert not K.is_placeholder(phase)
    x = K.placeholder((2,))
    out = K.in_train_phase(x * 2, x)
    assert K.int_shape(out) == (2,)
    f = K.function([x, K.learning_phase()], [out])
    np.testing.assert_array_equal(f([f32([1, 2]), 1])[0], f32([2, 4]))
    np.testing.assert_array_equal(f([f32([1, 2]), 0])[0], f32([1, 2]))
    # Not fed: the default, 0 (test).
    np.testing.assert_array_equal(K.function([x], [out])([f32([1, 2])])[0], f32([1, 2]))
    test_first = K.function([x, K.learning_phase()], [K.in_test_phase(x * 2, x)])
    np.testing.assert_array_equal(test_first([f32([1, 2]), 1])[0], f32([1, 2]))


def test_set_learning_phase_and_scope(backend):
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    assert K.in_train_phase(lambda: "train", lambda: "test") == "train"
    with K.learning_phase_scope(0):
        assert K.in_train_phase("train", "test") == "test"
    assert K.learning_phase() == 1
    assert K.in_train_phase("train", "test", training=0) == "test"
    K.clear_session()
    assert K.is_tensor(K.learning_phase())
    with pytest.raises(InvalidArgumentError, match="0 \\(test\\) or 1 \\(train\\)"):
        K.set_learning_phase(2)
    with pytest.raises(ValueError):
        K.learning_phase_scope(-1).__enter__()


def test_learning_phase_scope_is_thread_local(backend):
    seen = {}
    barrier = threading.Barrier(2)

    def work(value: int) -> None:
        with multik.use_backend(backend), K.learning_phase_scope(value):
            barrier.wait()
            seen[value] = K.learning_phase()

    threads = [threading.Thread(target=work, args=(v,)) for v in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {0: 0, 1: 1}


def test_training_flag_tensor_and_bad_branches(backend):
    flag = K.constant(1.0)
    np.testing.assert_array_equal(
        K.eval(K.in_train_phase(K.constant([1.0]), K.constant([2.0]), training=flag)), f32([1])
    )
    with pytest.raises(ShapeError, match="branch"):
        K.in_train_phase(K.constant([1.0, 2.0]), K.constant([1.0, 2.0, 3.0]), training=flag)
    with pytest.raises(ShapeError, match="scalar"):
        K.in_train_phase(1.0, 2.0, training=K.constant([1.0, 0.0]))
    with pytest.raises(InvalidArgumentError, match="training must be"):
        K.in_train_phase(1.0, 2.0, training=3)


# --------------------------------------------------------------------------- printing & uids


def test_print_tensor_prints_now_or_when_the_graph_runs(backend, capsys):
    value = K.print_tensor(K.constant([1.0, 2.0]), message="eager:")
    np.testing.assert_array_equal(K.eval(value), f32([1, 2]))
    assert capsys.readouterr().out == "eager: [1. 2.]\n"
    x = K.placeholder((None,))
    f = K.function([x], [K.print_tensor(x * 2, message="x2:", summarize=2)])
    assert capsys.readouterr().out == ""
    f([np.arange(6, dtype=np.float32)])
    f([f32([1])])
    assert capsys.readouterr().out == "x2: [ 0.  2. ...  8. 10.]\nx2: [2.]\n"


def test_uids_count_per_prefix_and_reset(backend):
    assert [K.get_uid("dense"), K.get_uid("dense"), K.get_uid("conv"), K.get_uid()] == [1, 2, 1, 1]
    K.reset_uids()
    assert K.get_uid("dense") == 1
    K.clear_session()
    assert K.get_uid("dense") == 1


def test_is_keras_tensor_rejects_non_tensors(backend):
    with pytest.raises(InvalidArgumentError, match="expects a tensor"):
        K.is_keras_tensor([1, 2])
    assert K.is_keras_tensor(K.variable([1.0])) is False


# --------------------------------------------------------------------------- gradients


def test_gradients_of_a_regression_loss(autodiff):
    x, y = K.placeholder((None, 2)), K.placeholder((None, 1))
    w, b = K.variable([[0.5], [-1.0]]), K.variable([0.25])
    loss = K.mean(K.square(K.dot(x, w) + b - y))
    grads = K.gradients(loss, [w, b])
    assert [K.int_shape(g) for g in grads] == [(2, 1), (1,)]
    xs, ys = f32([[1, 2], [3, -1]]), f32([[1], [0]])
    gw, gb = K.function([x, y], grads)([xs, ys])
    residual = xs @ f32([[0.5], [-1.0]]) + 0.25 - ys
    np.testing.assert_allclose(gw, 2 * xs.T @ residual / 2, rtol=1e-6)
    np.testing.assert_allclose(gb, [2 * residual.mean()], rtol=1e-6)


def test_gradients_second_order_and_stop_gradient(autodiff):
    x = K.placeholder((3,))
    (first,) = K.gradients(K.sum(x**3), [x])
    (second,) = K.gradients(K.sum(first), [x])
    (stopped,) = K.gradients(K.sum(K.stop_gradient(x * 2) * x), [x])
    values = K.function([x], [first, second, stopped])([f32([1, 2, 3])])
    np.testing.assert_allclose(values, [[3, 12, 27], [6, 12, 18], [2, 4, 6]])
    assert len(K.stop_gradient([x, x])) == 2


def test_gradients_of_unconnected_variables_are_none(autodiff):
    x = K.placeholder((2,))
    used, unused = K.variable([1.0, 1.0]), K.variable(3.0)
    grads = K.gradients(K.sum(x * used), [used, unused])
    assert grads[1] is None and K.is_tensor(grads[0])


def test_bad_gradient_requests_raise(autodiff):
    with pytest.raises(InvalidArgumentError, match="symbolic loss"):  # eager: no placeholder yet
        K.gradients(K.sum(K.variable([1.0])), [K.variable([1.0])])
    x = K.placeholder((2,))
    with pytest.raises(DTypeError, match="float"):
        K.gradients(K.sum(x), [K.variable([1, 2], dtype="int32")])
    with pytest.raises(InvalidArgumentError, match="with respect to"):
        K.gradients(K.sum(x), [np.ones(2)])


@pytest.mark.skipif(
    "numpy" not in BACKENDS or "numpy" in AUTODIFF,
    reason="autograd is installed here (or numpy is not tested); the NumPy-only CI job runs "
    "this test for real",
)
def test_numpy_backend_without_autograd_has_no_gradients():
    with multik.use_backend("numpy"):
        x = K.placeholder((2,))
        with pytest.raises(UnsupportedError, match=r'pip install "multik\[autodiff\]"'):
            K.gradients(K.sum(x * x), [x])
