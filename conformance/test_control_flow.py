"""K.rnn, K.map_fn, K.foldl and K.foldr beyond what conformance cases express: gradients through
the loop against finite differences, unknown time and batch dimensions with placeholders,
Variables read by a step function, one compiled loop (not one copy of the step per time step),
and results that never share memory with the caller's arrays.

The expected values are float64 NumPy loops written here.
"""

from __future__ import annotations

import numpy as np
import pytest

import multik
from multik import backend as K
from multik.errors import DTypeError, InvalidArgumentError, ShapeError
from multik.testing import test_backends

BACKENDS = test_backends()
AUTODIFF = [b for b in BACKENDS if b != "numpy"]

RNG = np.random.RandomState(0)
X = RNG.uniform(-1, 1, (3, 5, 4)).astype(np.float32)
W = RNG.uniform(-0.6, 0.6, (4, 6)).astype(np.float32)
U = RNG.uniform(-0.4, 0.4, (6, 6)).astype(np.float32)
H0 = np.zeros((3, 6), np.float32)
MASK = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=bool)


@pytest.fixture(params=BACKENDS)
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


@pytest.fixture(params=AUTODIFF)
def autodiff(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


def reference(x, w, u, h0, mask=None, go_backwards=False):
    """(last output, outputs, last state) of h_t = tanh(x_t W + h_{t-1} U) in float64."""
    h, out, outs = h0.astype(np.float64), np.zeros(h0.shape), []
    steps = range(x.shape[1])
    for t in reversed(steps) if go_backwards else steps:
        new = np.tanh(x[:, t].astype(np.float64) @ w + h @ u)
        keep = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t, None]
        out, h = np.where(keep, new, out), np.where(keep, new, h)
        outs.append(out)
    return out, np.stack(outs, axis=1), h


def simple_step(w, u):
    def step(x_t, states):
        h = K.tanh(K.dot(x_t, w) + K.dot(states[0], u))
        return h, [h]

    return step


# --------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize("go_backwards", [False, True])
def test_rnn_unknown_time_and_batch(backend, go_backwards):
    x = K.placeholder((None, None, 4))
    mask = K.placeholder((None, None), dtype="bool")
    h0 = K.zeros_like(K.dot(x[:, 0, :], W))
    last, outputs, states = K.rnn(simple_step(W, U), x, [h0], mask=mask, go_backwards=go_backwards)
    assert outputs.shape == (None, None, 6) and last.shape == (None, 6)
    run = K.function([x, mask], [last, outputs, states[0]])
    for steps in (5, 2):
        got = run([X[:, :steps], MASK[:, :steps]])
        want = reference(X[:, :steps], W, U, H0, MASK[:, :steps], go_backwards)
        for g, e in zip(got, want):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_rnn_unroll_needs_known_time(backend):
    x = K.placeholder((3, None, 4))
    with pytest.raises(InvalidArgumentError, match="unroll"):
        K.rnn(simple_step(W, U), x, [H0], unroll=True)
    x = K.placeholder((3, 5, 4))
    outputs = K.rnn(simple_step(W, U), x, [H0], unroll=True)[1]
    np.testing.assert_allclose(
        K.function([x], [outputs])([X])[0], reference(X, W, U, H0)[1], rtol=1e-5, atol=1e-6
    )


def test_rnn_step_reads_variables_when_the_graph_runs(backend):
    w = K.variable(W)
    x = K.placeholder((3, None, 4))
    outputs = K.rnn(simple_step(w, U), x, [H0])[1]
    run = K.function([x], [outputs])
    np.testing.assert_allclose(run([X])[0], reference(X, W, U, H0)[1], rtol=1e-5, atol=1e-6)
    K.set_value(w, W * 2)
    np.testing.assert_allclose(run([X])[0], reference(X, W * 2, U, H0)[1], rtol=1e-5, atol=1e-6)


def test_rnn_eager_inputs_in_graph_mode(backend):
    # A placeholder exists: the step's Variable is read when the graph runs.
    K.placeholder((1,))
    w = K.variable(W)
    last = K.rnn(simple_step(w, U), X, [H0])[0]
    np.testing.assert_allclose(K.eval(last), reference(X, W, U, H0)[0], rtol=1e-5, atol=1e-6)


def test_rnn_symbolic_constants_and_nested_states(backend):
    x = K.placeholder((None, 5, 4))
    c = K.placeholder((None, 6))
    count = K.placeholder((None, 1))

    def step(x_t, states):
        h, (n,), bias = states
        new = K.tanh(K.dot(x_t, W) + K.dot(h, U) + bias)
        return new, [new, [n + 1.0]]

    bias = RNG.uniform(-0.1, 0.1, (3, 6)).astype(np.float32)
    h0 = K.zeros_like(c)
    last, _, (h, (n,)) = K.rnn(step, x, [h0, [count]], constants=[c])
    got = K.function([x, c, count], [last, h, n])([X, bias, np.zeros((3, 1), np.float32)])
    state = np.zeros((3, 6))
    for t in range(5):
        state = np.tanh(X[:, t].astype(np.float64) @ W + state @ U + bias)
    np.testing.assert_allclose(got[0], state, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], state, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], np.full((3, 1), 5.0))


def test_map_fn_and_folds_with_placeholders(backend):
    x = K.placeholder((None, 4))
    rows = K.map_fn(lambda r: K.sum(r * r), x)
    left = K.foldl(lambda acc, r: acc * 0.5 + r, x)
    right = K.foldr(lambda acc, r: acc * 0.5 + r, x, K.zeros_like(x[0]))
    assert rows.shape == (None,) and left.shape == (4,)
    data = X[0]
    got = K.function([x], [rows, left, right])([data])
    np.testing.assert_allclose(got[0], (data.astype(np.float64) ** 2).sum(1), rtol=1e-5)
    acc = data[0].astype(np.float64)
    for r in data[1:]:
        acc = acc * 0.5 + r
    np.testing.assert_allclose(got[1], acc, rtol=1e-5)
    acc = np.zeros(4)
    for r in data[::-1]:
        acc = acc * 0.5 + r
    np.testing.assert_allclose(got[2], acc, rtol=1e-5)


def test_map_fn_over_indices_reads_a_variable(backend):
    # Keras 2.3.1's test_map: walking indexes needs dtype.
    x = np.random.RandomState(1).rand(10, 3).astype(np.float32)
    v = K.variable(x)
    sums = K.eval(K.map_fn(lambda i: K.sum(v[i]), np.arange(10, dtype=np.int32), dtype="float32"))
    np.testing.assert_allclose(sums, x.sum(axis=1), rtol=1e-5)


# --------------------------------------------------------------------------- gradients


def _numeric_gradient(loss, w, eps=1e-3):
    grad = np.zeros(w.shape)
    for index in np.ndindex(w.shape):
        plus, minus = w.astype(np.float64).copy(), w.astype(np.float64).copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2 * eps)
    return grad


@pytest.mark.parametrize("masked", [False, True])
def test_rnn_gradient_matches_finite_differences(autodiff, masked):
    w = K.variable(W)
    x = K.placeholder((3, None, 4))
    mask = K.placeholder((3, None), dtype="bool")
    last, outputs, _ = K.rnn(simple_step(w, U), x, [H0], mask=mask if masked else None)
    loss = K.sum(last * last) + K.sum(outputs)
    grad_w, grad_x = K.gradients(loss, [w, x])
    got_w, got_x = K.function([x, mask], [grad_w, grad_x])([X, MASK if masked else ~MASK | True])

    def loss_of_w(w64):
        out_last, out_all, _ = reference(X, w64, U, H0, MASK if masked else None)
        return (out_last**2).sum() + out_all.sum()

    np.testing.assert_allclose(got_w, _numeric_gradient(loss_of_w, W), rtol=2e-3, atol=2e-3)

    def loss_of_x(x64):
        out_last, out_all, _ = reference(x64, W, U, H0, MASK if masked else None)
        return (out_last**2).sum() + out_all.sum()

    np.testing.assert_allclose(got_x, _numeric_gradient(loss_of_x, X), rtol=2e-3, atol=2e-3)


def test_fold_and_map_gradients(autodiff):
    x = K.placeholder((None, 3))
    w = K.variable(np.array([0.5, -1.0, 2.0], np.float32))
    product = K.foldl(lambda acc, r: acc * r * w, x)
    mapped = K.map_fn(lambda r: K.sum(K.tanh(r * w)), x)
    grads = K.gradients(K.sum(product) + K.sum(mapped), [w, x])
    data = np.array([[1.0, 0.5, -1.0], [2.0, 1.5, 0.5], [0.5, -0.5, 1.0]], np.float32)
    got_w, got_x = K.function([x], grads)([data])

    def loss(w64, x64):
        acc = x64[0]
        for r in x64[1:]:
            acc = acc * r * w64
        return acc.sum() + np.tanh(x64 * w64).sum()

    w0 = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(got_w, _numeric_gradient(lambda v: loss(v, data), w0), rtol=1e-3)
    np.testing.assert_allclose(got_x, _numeric_gradient(lambda v: loss(w0, v), data), rtol=1e-3)


# --------------------------------------------------------------------------- one loop


def test_jax_compiles_one_scan():
    if "jax" not in BACKENDS:
        pytest.skip("the jax backend is not under test")
    import jax

    with multik.use_backend("jax"):
        for unroll, scans in ((False, 1), (True, 0)):
            jaxpr = str(
                jax.make_jaxpr(lambda x, u=unroll: K.rnn(simple_step(W, U), x, [H0], unroll=u)[1])(
                    X
                )
            )
            assert jaxpr.count("scan[") == scans
        folded = str(jax.make_jaxpr(lambda x: K.foldl(lambda a, b: a + b, x))(X[0]))
        assert folded.count("scan[") == 1


def test_tensorflow_compiles_one_while_loop():
    if "tensorflow" not in BACKENDS:
        pytest.skip("the tensorflow backend is not under test")
    import tensorflow as tf

    with multik.use_backend("tensorflow"):
        for unroll, loops in ((False, 1), (True, 0)):
            fn = tf.function(lambda x, u=unroll: K.rnn(simple_step(W, U), x, [H0], unroll=u)[1])
            graph = fn.get_concrete_function(tf.TensorSpec(X.shape, tf.float32)).graph
            kinds = [op.type for op in graph.get_operations()]
            assert sum(kind in ("While", "StatelessWhile") for kind in kinds) == loops


# --------------------------------------------------------------------------- memory and errors


def test_results_never_share_memory_with_inputs(backend):
    state = np.ones((3, 6), np.float32)
    _, _, (new_state,) = K.rnn(lambda x_t, s: (x_t, [s[0]]), X, [state])
    init = np.arange(4, dtype=np.float32)
    folded = K.foldl(lambda acc, r: acc + r, np.zeros((0, 4), np.float32), init)
    single = np.ones((1, 4), np.float32)
    first = K.foldl(lambda acc, r: acc + r, single)
    for result, source in ((new_state, state), (folded, init), (first, single)):
        value = result.numpy() if hasattr(result, "numpy") and backend == "torch" else result
        if isinstance(value, np.ndarray):
            assert not np.shares_memory(value, source)


def test_step_errors_name_the_problem(backend):
    with pytest.raises(InvalidArgumentError, match="returned 2 state"):
        K.rnn(lambda x_t, s: (x_t, [s[0], s[0]]), X, [H0[:, :4]])
    with pytest.raises(DTypeError, match="float64"):
        K.rnn(lambda x_t, s: (x_t, [K.cast(s[0], "float64")]), X, [H0[:, :4]])
    with pytest.raises(ShapeError, match="time"):
        K.rnn(simple_step(W, U), X[:, :0], [H0])
    with pytest.raises(ShapeError, match="mask"):
        K.rnn(simple_step(W, U), X, [H0], mask=MASK[:2])
