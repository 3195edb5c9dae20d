"""CTC beyond the case table: decoding inside graphs (K.function) and compiled code, the
gradients of ctc_batch_cost where no alignment exists, and the NaN a compiled loss gives for
lengths or labels a traced function cannot check."""

from __future__ import annotations

import numpy as np
import pytest
from symbolic_oracle import autodiff_backends

import multik
from multik import backend as K
from multik.errors import UnsupportedError
from multik.testing import test_backends

BACKENDS = test_backends()
AUTODIFF = autodiff_backends(BACKENDS)

_RNG = np.random.default_rng(7)
_Y = _RNG.random((2, 5, 4)).astype(np.float32) ** 3
_Y /= _Y.sum(axis=-1, keepdims=True)
_LENGTHS = np.array([5, 3], dtype=np.int32)


@pytest.fixture(params=BACKENDS)
def backend(request):
    with multik.use_backend(request.param):
        K.clear_session()
        yield request.param
        K.clear_session()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("greedy", [True, False])
def test_decode_in_a_graph_matches_eager(backend, greedy, dtype):
    y = _Y.astype(dtype)
    options = {"greedy": greedy, "beam_width": 3, "top_paths": 1 if greedy else 2}
    eager_paths, eager_scores = K.ctc_decode(y, _LENGTHS, **options)
    expected = [K.eval(p) for p in eager_paths] + [K.eval(eager_scores)]
    probs = K.placeholder((None, 5, 4), dtype=dtype)
    lengths = K.placeholder((None,), dtype="int32")
    paths, scores = K.ctc_decode(probs, lengths, **options)
    assert [K.int_shape(p) for p in paths] == [(None, 5)] * len(paths)
    assert K.int_shape(scores) == (None, options["top_paths"])
    assert [K.dtype(p) for p in paths] == ["int64"] * len(paths)
    got = K.function([probs, lengths], [*paths, scores])([y, _LENGTHS])
    for value, want in zip(got, expected):
        np.testing.assert_array_equal(value, want)


def test_decode_under_jax_jit_calls_back_to_the_host():
    if "jax" not in BACKENDS:
        pytest.skip("jax is not among the tested backends")
    import jax

    with multik.use_backend("jax"):
        eager = K.ctc_decode(_Y, _LENGTHS, greedy=False, beam_width=4, top_paths=2)
        compiled = jax.jit(lambda y, n: K.ctc_decode(y, n, greedy=False, beam_width=4, top_paths=2))
        paths, scores = compiled(_Y, _LENGTHS)
    for got, want in zip([*paths, scores], [*eager[0], eager[1]]):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def test_decode_while_torch_compiles_says_why():
    if "torch" not in BACKENDS:
        pytest.skip("torch is not among the tested backends")
    import torch

    torch._dynamo.reset()
    with multik.use_backend("torch"), pytest.raises(UnsupportedError, match="runs on the host"):
        torch.compile(lambda y, n: K.ctc_decode(y, n)[1])(
            torch.from_numpy(_Y), torch.from_numpy(_LENGTHS)
        )


def test_dense_to_sparse_needs_values(backend):
    labels = K.placeholder((None, 3), dtype="int32")
    with pytest.raises(UnsupportedError, match="needs values"):
        K.ctc_label_dense_to_sparse(labels, np.array([1, 2], dtype=np.int32))


def test_sparse_labels_do_not_share_the_callers_memory(backend):
    labels = np.array([[1, 2], [3, 0]], dtype=np.int32)
    sparse = K.ctc_label_dense_to_sparse(labels, np.array([2, 1], dtype=np.int32))
    values = K.eval(sparse.values)
    labels[:] = 0
    np.testing.assert_array_equal(values, [1, 2, 3])
    assert sparse.dense_shape is sparse[2]


@pytest.mark.parametrize("backend", AUTODIFF or [pytest.param(None, marks=pytest.mark.skip)])
def test_loss_without_alignment_is_inf_with_zero_gradients(backend):
    """Entry 1's label (two equal labels, three steps needed) cannot fit its two steps: its
    loss is +inf and its gradients 0 on every backend (TensorFlow's kernel gives arbitrary
    finite values, torch's NaN); entry 0's gradients are the finite ones of a fitting label."""
    labels = np.array([[0, 1], [1, 1]], dtype=np.int32)
    steps, lengths = np.array([[5], [2]], dtype=np.int32), np.array([[2], [2]], dtype=np.int32)
    with multik.use_backend(backend):
        y = K.placeholder((2, 5, 4))
        loss = K.ctc_batch_cost(labels, y, steps, lengths)
        (grad,) = K.gradients(loss, [y])
        value, gradient = K.function([y], [loss, grad])([_Y[[0, 0]]])
        K.clear_session()
    assert value[0, 0] > 0 and np.isfinite(value[0, 0]) and value[1, 0] == np.inf
    assert np.isfinite(gradient).all() and np.abs(gradient[0]).sum() > 0
    np.testing.assert_array_equal(gradient[1], 0)


@pytest.mark.parametrize("compiled", ["jax", "tensorflow", "torch"])
def test_compiled_loss_is_nan_for_arguments_it_cannot_check(compiled):
    """Out-of-range lengths and labels raise InvalidArgumentError eagerly; a compiled function
    has no values to check, and gives NaN for those entries rather than a plausible loss."""
    if compiled not in BACKENDS:
        pytest.skip(f"{compiled} is not among the tested backends")
    labels = np.array([[0, 1], [3, 0], [0, 1]], dtype=np.int32)  # 3 is the blank
    steps = np.array([[9], [5], [5]], dtype=np.int32)  # 9 > 5 time steps
    lengths = np.array([[2], [1], [2]], dtype=np.int32)
    y = _Y[[0, 0, 0]]
    with multik.use_backend(compiled):
        if compiled == "jax":
            import jax

            run = jax.jit(K.ctc_batch_cost)
        elif compiled == "tensorflow":
            import tensorflow as tf

            run = tf.function(K.ctc_batch_cost)
        else:
            import torch

            torch._dynamo.reset()
            run = torch.compile(K.ctc_batch_cost, fullgraph=True, backend="eager")
        args = [K.eval(K.constant(a, dtype=str(a.dtype))) for a in (labels, y, steps, lengths)]
        native = [multik.backends.load_adapter(compiled).tensor(a) for a in args]
        loss = K.eval(run(*native))
    assert np.isnan(loss[:2, 0]).all() and np.isfinite(loss[2, 0])
