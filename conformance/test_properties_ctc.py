"""Properties of the CTC functions: Hypothesis draws batches, lengths, labels and probabilities.

``ctc_batch_cost`` on every backend against the brute-force float64 reference of the case table
(every path of classes enumerated, for tiny T and C); the host ports of TensorFlow's decoders
against TensorFlow's own ops (where TensorFlow is installed), beam widths narrow and wide, one
or more paths, repeated labels merged or not; ``ctc_decode`` on every backend against the
port; ``ctc_label_dense_to_sparse`` against a NumPy mask.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import PROFILE, backends, check, run

import multik
from multik import backend as K
from multik.backends import _ctc_decoders
from multik.conformance.cases.ctc import brute_force_loss
from multik.errors import InvalidArgumentError

EPSILON = np.float32(1e-7)


@st.composite
def batches(draw: st.DrawFn, max_steps: int = 4, max_classes: int = 4) -> dict[str, np.ndarray]:
    """Softmax probabilities (batch, T, C), labels (some padded with -1 or left over), and the
    lengths: every label length from 0, every input length from 0 to T."""
    batch = draw(st.integers(1, 3))
    steps = draw(st.integers(0, max_steps))
    classes = draw(st.integers(1, max_classes))
    width = draw(st.integers(0, 3))
    z = draw(
        st.lists(
            st.floats(-4, 4), min_size=batch * steps * classes, max_size=batch * steps * classes
        )
    )
    z = np.array(z, dtype=np.float64).reshape(batch, steps, classes)
    y = np.exp(z - z.max(axis=-1, keepdims=True))
    y = (y / y.sum(axis=-1, keepdims=True)).astype(np.float32)
    label_length = [draw(st.integers(0, width)) for _ in range(batch)]
    labels = np.full((batch, width), -1, dtype=np.int32)
    if classes > 1:
        for row, length in enumerate(label_length):
            labels[row, :length] = draw(
                st.lists(st.integers(0, classes - 2), min_size=length, max_size=length)
            )
    else:
        label_length = [0] * batch  # only the blank: no label exists
    input_length = np.array([draw(st.integers(0, steps)) for _ in range(batch)])
    return {
        "y": y,
        "labels": labels,
        "input_length": input_length.astype(np.int32)[:, None],
        "label_length": np.array(label_length, dtype=np.int32)[:, None],
    }


@backends
@PROFILE
@given(data=batches())
def test_ctc_batch_cost_is_the_brute_force_loss(backend, data):
    expected = brute_force_loss(
        data["labels"], data["y"], data["input_length"], data["label_length"]
    )
    result = run(
        backend,
        K.ctc_batch_cost,
        data["labels"],
        data["y"],
        data["input_length"],
        data["label_length"],
    )
    check(result, expected, "float32", n=max(data["y"].shape[1], 1))


def _probabilities(draw: st.DrawFn, batch: int, steps: int, classes: int) -> np.ndarray:
    """Random probabilities, often skewed (high powers: many nearly impossible classes). Not
    one-hot ones: beams then tie exactly, and which of two equal beams TensorFlow keeps
    depends on the order of its heap, which the port does not reproduce."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    y = rng.random((batch, steps, classes)) ** draw(st.sampled_from([1, 6]))
    return (y / y.sum(axis=-1, keepdims=True)).astype(np.float32)


@st.composite
def decodings(draw: st.DrawFn) -> dict:
    batch, steps, classes = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, 10)),
        draw(st.integers(1, 6)),
    )
    width = draw(st.sampled_from([1, 2, 3, 5, 16, 100]))
    return {
        "y": _probabilities(draw, batch, steps, classes),
        "lengths": np.array([draw(st.integers(-1, steps)) for _ in range(batch)], dtype=np.int32),
        "beam_width": width,
        "top_paths": draw(st.integers(1, min(width, 4))),
        "merge_repeated": draw(st.booleans()),
    }


def _port(data: dict, greedy: bool) -> tuple | str:
    logits = np.log(data["y"] + EPSILON)
    try:
        if greedy:
            return _ctc_decoders.greedy(logits, data["lengths"])
        return _ctc_decoders.beam_search(
            logits, data["lengths"], data["beam_width"], data["top_paths"], data["merge_repeated"]
        )
    except InvalidArgumentError:
        return "error"


def _tensorflow(data: dict, greedy: bool) -> tuple | str:
    import tensorflow as tf

    logits = np.log(data["y"] + EPSILON)
    inputs = tf.constant(logits.transpose(1, 0, 2))
    try:
        if greedy:
            decoded, scores = tf.nn.ctc_greedy_decoder(inputs, data["lengths"])
        else:
            decoded, scores = tf.compat.v1.nn.ctc_beam_search_decoder(
                inputs,
                data["lengths"],
                data["beam_width"],
                data["top_paths"],
                data["merge_repeated"],
            )
    except tf.errors.InvalidArgumentError:
        return "error"
    shape = logits.shape[:2]
    dense = [
        tf.sparse.to_dense(tf.SparseTensor(d.indices, d.values, shape), -1).numpy() for d in decoded
    ]
    return (*dense, scores.numpy())


def _same(ours: tuple | str, theirs: tuple | str) -> None:
    assert isinstance(ours, str) == isinstance(theirs, str), (ours, theirs)
    if isinstance(ours, str):
        return
    for mine, tf_path in zip(ours[:-1], theirs[:-1]):
        np.testing.assert_array_equal(mine, tf_path)
    np.testing.assert_allclose(ours[-1], theirs[-1], rtol=1e-5, atol=1e-5)


_NO_TENSORFLOW = pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None,
    reason="the decoders are checked against TensorFlow's own ops, which need tensorflow",
)


@_NO_TENSORFLOW
@PROFILE
@given(data=decodings())
def test_beam_search_port_is_tensorflows(data):
    _same(_port(data, greedy=False), _tensorflow(data, greedy=False))


@_NO_TENSORFLOW
@PROFILE
@given(data=decodings())
def test_best_path_port_is_tensorflows(data):
    _same(_port(data, greedy=True), _tensorflow(data, greedy=True))


@backends
@PROFILE
@given(data=decodings(), greedy=st.booleans())
def test_ctc_decode_is_the_port(backend, data, greedy):
    expected = _port(data, greedy)
    kwargs = {k: data[k] for k in ("beam_width", "top_paths", "merge_repeated")}
    with multik.use_backend(backend):
        if isinstance(expected, str):
            with pytest.raises(InvalidArgumentError):
                K.ctc_decode(data["y"], data["lengths"], greedy, **kwargs)
            return
        decoded, log_prob = K.ctc_decode(data["y"], data["lengths"], greedy, **kwargs)
        assert len(decoded) == len(expected) - 1
        for path, want in zip(decoded, expected[:-1]):
            assert K.dtype(path) == "int64"
            np.testing.assert_array_equal(K.eval(path), want)
        np.testing.assert_allclose(K.eval(log_prob), expected[-1], rtol=1e-5, atol=1e-5)


@backends
@PROFILE
@given(data=batches(max_steps=0))
def test_dense_to_sparse_keeps_the_labels_within_their_length(backend, data):
    labels, lengths = data["labels"], data["label_length"][:, 0]
    kept = np.arange(labels.shape[1]) < lengths[:, None]
    with multik.use_backend(backend):
        sparse = K.ctc_label_dense_to_sparse(labels, lengths)
        np.testing.assert_array_equal(K.eval(sparse.indices), np.argwhere(kept))
        np.testing.assert_array_equal(K.eval(sparse.values), labels[kept])
        np.testing.assert_array_equal(K.eval(sparse.dense_shape), labels.shape)
