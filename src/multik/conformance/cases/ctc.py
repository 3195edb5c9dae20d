"""Conformance cases of family O: connectionist temporal classification.

The expected losses and decodings come from brute force: every path of classes through the
time steps (C ** T of them, for tiny C and T), collapsed to its labels (repeats merged, blanks
dropped), with the probabilities of the paths that give a label sequence summed in float64.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from multik.conformance.cases.table import EPSILON, add, add_error, built, f64, q, rounded
from multik.errors import InvalidArgumentError, ShapeError

_VALUES = "the result depends on the values (how many labels, which label sequences): decoding "
_HOST = _VALUES + "and sparse labels run on the host, outside compiled functions"
_DATA_ERROR = "the error depends on the values, which a compiled function does not have"
_MERGE_ARGUMENT = "tf_keras 2.21's ctc_decode has no merge_repeated argument (Keras 2.3.1 has)"


# --------------------------------------------------------------------------- brute force


def _collapse(path: tuple[int, ...], blank: int) -> tuple[int, ...]:
    """The labels a path of classes stands for: repeats merged, then blanks dropped."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in merged if c != blank)


def _labellings(log_p: np.ndarray, steps: int) -> dict[tuple[int, ...], float]:
    """The probability of each label sequence: the sum over the paths of ``steps`` classes
    that collapse to it of the product of their probabilities exp(log_p[t, class])."""
    classes = log_p.shape[1]
    found: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(classes), repeat=steps):
        labels = _collapse(path, classes - 1)
        found[labels] = found.get(labels, 0.0) + float(
            np.exp(sum(log_p[t, c] for t, c in enumerate(path)))
        )
    return found


def brute_force_loss(
    y_true: Any, y_pred: np.ndarray, input_length: Any, label_length: Any
) -> np.ndarray:
    """tf_keras's CTC loss (batch, 1) in float64: -log of the probability of each entry's label
    under the softmax of log(y_pred + epsilon); +inf where no path gives it."""
    logits = np.log(f64(y_pred) + EPSILON)
    log_p = logits - np.log(np.sum(np.exp(logits), axis=-1, keepdims=True))
    width = np.asarray(y_true).shape[1]
    out = []
    for row in range(y_pred.shape[0]):
        steps = int(np.asarray(input_length)[row, 0])
        length = min(int(np.asarray(label_length)[row, 0]), width)
        label = tuple(int(v) for v in np.asarray(y_true)[row, :length])
        p = _labellings(log_p[row], steps).get(label, 0.0)
        out.append([-np.log(p) if p > 0 else np.inf])
    return np.array(out)


def _pad(sequences: list[tuple[int, ...]], steps: int) -> np.ndarray:
    """Label sequences as an int64 (batch, steps) array padded with -1."""
    out = np.full((len(sequences), steps), -1, dtype=np.int64)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = sequence
    return out


def _best_labellings(
    y_pred: np.ndarray, input_length: np.ndarray, top_paths: int
) -> tuple[list[np.ndarray], np.ndarray]:
    """What an exhaustive beam search finds (a beam wider than the number of label prefixes):
    the ``top_paths`` most probable label sequences of each entry with repeats merged, and
    their log-probabilities under the softmax of log(y_pred + epsilon)."""
    logits = np.log(f64(y_pred) + EPSILON)
    shifted = logits - np.log(np.sum(np.exp(logits), axis=-1, keepdims=True))
    steps = y_pred.shape[1]
    paths: list[list[tuple[int, ...]]] = [[] for _ in range(top_paths)]
    scores = np.zeros((y_pred.shape[0], top_paths))
    for row in range(y_pred.shape[0]):
        found = _labellings(shifted[row], int(input_length[row]))
        ranked = sorted(found.items(), key=lambda item: -item[1])[:top_paths]
        for rank, (labels, p) in enumerate(ranked):
            merged = tuple(c for i, c in enumerate(labels) if i == 0 or c != labels[i - 1])
            paths[rank].append(merged)
            scores[row, rank] = np.log(p)
    return [_pad(p, steps) for p in paths], scores


def _best_path(y_pred: np.ndarray, input_length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best-path decoding: the most probable class at each step, collapsed; minus the sum of
    their log(y + epsilon)."""
    logits = np.log(f64(y_pred) + EPSILON)
    blank = y_pred.shape[2] - 1
    sequences, scores = [], []
    for row in range(y_pred.shape[0]):
        read = logits[row, : int(input_length[row])]
        sequences.append(_collapse(tuple(np.argmax(read, axis=-1)), blank))
        scores.append([-np.sum(np.max(read, axis=-1))])
    return _pad(sequences, y_pred.shape[1]), np.array(scores)


def _softmax_rows(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Random probabilities over the last axis, well apart from each other."""
    z = rng.normal(size=shape) * 1.5
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _decoded(index: int) -> Any:
    return lambda k, y, lengths, **kw: k.ctc_decode(y, lengths, **kw)[0][index]


def _log_prob(k: Any, y: Any, lengths: Any, **kw: Any) -> Any:
    return k.ctc_decode(y, lengths, **kw)[1]


# --------------------------------------------------------------------------- ctc_batch_cost


def _batch_cost() -> None:
    name = "ctc_batch_cost"
    rng = np.random.default_rng(13)
    # Labels padded with -1 beyond label_length (as Keras's own test pads them); entry 2
    # repeats a label, entry 3 cannot fit its input (two 1s need a blank between: 3 steps).
    labels = q([[0, 1, 2], [2, 0, -1], [1, 1, -1], [1, 1, 0]], "int32")
    label_length = q([[3], [2], [2], [2]], "int32")
    input_length = q([[5], [5], [4], [2]], "int32")
    for dtype in ("float32", "float64", *built(("float16", "bfloat16"))):
        y = q(_softmax_rows(rng, 4, 5, 4), dtype)
        add(
            f"{name}-{dtype}-brute-force",
            name,
            labels,
            y,
            input_length,
            label_length,
            expected=rounded(brute_force_loss(labels, y, input_length, label_length), dtype),
            dtype=dtype,
            terms=5,
            tags=frozenset({"ctc-float64"} if dtype == "float64" else ()),
        )
    y = q(_softmax_rows(rng, 2, 4, 3), "float32")
    for label_dtype in ("int64", "float32"):
        # Legacy models feed float labels and lengths; NumPy's default integers are int64.
        two = q([[0, 1], [1, -1]], label_dtype)
        lengths = q([[2], [1]], label_dtype)
        steps = q([[4], [3]], label_dtype)
        add(
            f"{name}-float32-{label_dtype}-labels-and-lengths",
            name,
            two,
            y,
            steps,
            lengths,
            expected=rounded(brute_force_loss(two, y, steps, lengths), "float32"),
            dtype="float32",
            terms=4,
        )
    two = q([[0, 1], [1, 0]], "int32")
    add(
        f"{name}-label-length-beyond-the-labels-reads-the-row",
        name,
        two,
        y,
        q([[4], [4]], "int32"),
        q([[5], [2]], "int32"),
        expected=rounded(brute_force_loss(two, y, [[4], [4]], [[2], [2]]), "float32"),
        dtype="float32",
        terms=4,
    )
    # The usual model: y_pred from K.softmax, with labels so unlikely that epsilon counts
    # (compiled, TensorFlow's graph optimiser must not reassociate log(y_pred + epsilon)).
    z = q([[[-10, 4, 0], [-10, 0, 4], [-10, 4, 0]]], "float32")
    label, steps, length = q([[0]], "int32"), q([[3]], "int32"), q([[1]], "int32")
    e = np.exp(f64(z) - f64(z).max(axis=-1, keepdims=True))
    add(
        f"{name}-of-K.softmax-unlikely-labels",
        name,
        label,
        z,
        steps,
        length,
        call=lambda k, labels, logits, *lengths: k.ctc_batch_cost(
            labels, k.softmax(logits), *lengths
        ),
        expected=rounded(
            brute_force_loss(label, e / e.sum(axis=-1, keepdims=True), steps, length), "float32"
        ),
        dtype="float32",
        terms=3,
    )
    _keras_reference()
    _lengths_tf_keras_refuses(y)
    _batch_cost_errors(y)


def _keras_reference() -> None:
    """Keras 2.3.1's test_ctc input: its reference losses 3.34211 and 5.42262."""
    labels = q([[0, 1, 2, 1, 0], [0, 1, 1, 0, -1]], "int32")
    y = q(
        [
            [
                [0.633766, 0.221185, 0.0917319, 0.0129757, 0.0142857, 0.0260553],
                [0.111121, 0.588392, 0.278779, 0.0055756, 0.00569609, 0.010436],
                [0.0357786, 0.633813, 0.321418, 0.00249248, 0.00272882, 0.0037688],
                [0.0663296, 0.643849, 0.280111, 0.00283995, 0.0035545, 0.00331533],
                [0.458235, 0.396634, 0.123377, 0.00648837, 0.00903441, 0.00623107],
            ],
            [
                [0.30176, 0.28562, 0.0831517, 0.0862751, 0.0816851, 0.161508],
                [0.24082, 0.397533, 0.0557226, 0.0546814, 0.0557528, 0.19549],
                [0.230246, 0.450868, 0.0389607, 0.038309, 0.0391602, 0.202456],
                [0.280884, 0.429522, 0.0326593, 0.0339046, 0.0326856, 0.190345],
                [0.423286, 0.315517, 0.0338439, 0.0393744, 0.0339315, 0.154046],
            ],
        ],
        "float32",
    )
    steps, lengths = q([[5], [5]], "int32"), q([[5], [4]], "int32")
    expected = brute_force_loss(labels, y, steps, lengths)
    assert np.allclose(expected[:, 0], [3.34211, 5.42262], atol=1e-5)
    add(
        "ctc_batch_cost-keras-2.3.1-reference",
        "ctc_batch_cost",
        labels,
        y,
        steps,
        lengths,
        expected=rounded(expected, "float32"),
        dtype="float32",
        terms=5,
    )


def _lengths_tf_keras_refuses(y: np.ndarray) -> None:
    """Every length from 0 has a loss: tf_keras raises for these."""
    name = "ctc_batch_cost"
    tags = frozenset({"ctc-lengths"})
    two = q([[0, 1], [1, 0]], "int32")
    # Entry 0 has more labels than time steps; entry 1 no label at all (the all-blank path).
    steps, lengths = q([[1], [4]], "int32"), q([[2], [0]], "int32")
    add(
        f"{name}-label-longer-than-input-and-empty-label",
        name,
        two,
        y,
        steps,
        lengths,
        expected=rounded(brute_force_loss(two, y, steps, lengths), "float32"),
        dtype="float32",
        terms=4,
        tags=tags,
    )
    add(
        f"{name}-zero-input-length",
        name,
        two,
        y,
        q([[0], [0]], "int32"),
        q([[0], [1]], "int32"),
        expected=q([[0.0], [np.inf]], "float32"),
        dtype="float32",
        tags=tags,
    )
    add(
        f"{name}-no-time-steps",
        name,
        two,
        y[:, :0],
        q([[0], [0]], "int32"),
        q([[0], [1]], "int32"),
        expected=q([[0.0], [np.inf]], "float32"),
        dtype="float32",
        tags=tags,
    )
    add(
        f"{name}-empty-batch",
        name,
        two[:0],
        y[:0],
        q(np.zeros((0, 1)), "int32"),
        q(np.zeros((0, 1)), "int32"),
        expected=q(np.zeros((0, 1)), "float32"),
        dtype="float32",
        tags=tags,
    )


def _batch_cost_errors(y: np.ndarray) -> None:
    name = "ctc_batch_cost"
    two = q([[0, 1], [1, 0]], "int32")
    col = q([[3], [2]], "int32")
    add_error(f"{name}-y-pred-not-3d", name, ShapeError, two, y[:, 0], col, col)
    add_error(f"{name}-lengths-not-a-column", name, ShapeError, two, y, q([3, 2], "int32"), col)
    add_error(f"{name}-batch-mismatch", name, ShapeError, two[:1], y, col, col)
    one = q([[1], [1]], "int32")
    for case, labels, steps, lengths, tag in (
        ("input-length-beyond-time-steps", two, q([[5], [2]], "int32"), one, ""),
        ("negative-input-length", two, q([[-1], [2]], "int32"), one, ""),
        ("label-is-the-blank", q([[2, 0], [1, 0]], "int32"), col, q([[2], [1]], "int32"), ""),
        ("only-label-is-the-blank", q([[2, 0], [1, 0]], "int32"), col, one, "ctc-labels"),
        ("last-label-is-the-blank", q([[0, 2], [1, 0]], "int32"), col, col - 1, "ctc-labels"),
        ("negative-label", q([[-1, 0], [1, 0]], "int32"), col, one, ""),
        ("negative-label-length", two, col, q([[-1], [1]], "int32"), ""),
    ):
        add_error(
            f"{name}-{case}",
            name,
            InvalidArgumentError,
            labels,
            y,
            steps,
            lengths,
            eager_only=_DATA_ERROR,
            tags=frozenset({tag} - {""}),
        )


# --------------------------------------------------------------------------- ctc_decode


def _decode() -> None:
    name = "ctc_decode"
    # Keras 2.3.1's test_ctc_decode_greedy input (batch, time, classes), read for 4 and 5 steps.
    y = q(
        [
            [[1, 0, 0, 0], [0, 0, 0.4, 0.6], [0, 0, 0.4, 0.6], [0, 0.9, 0.1, 0], [0] * 4, [0] * 4],
            [
                [0.1, 0.9, 0, 0],
                [0, 0.9, 0.1, 0],
                [0, 0, 0.1, 0.9],
                [0, 0.9, 0.1, 0.1],
                [0.9, 0.1, 0, 0],
                [0] * 4,
            ],
        ],
        "float32",
    )
    lengths = q([4, 5], "int32")
    decoded, scores = _best_path(y, lengths)
    assert decoded.tolist() == [[0, 1, -1, -1, -1, -1], [1, 1, 0, -1, -1, -1]]  # by hand
    for dtype in ("float32", "float64", *built(("float16", "bfloat16"))):
        x = q(y, dtype)
        decoded, scores = _best_path(x, lengths)
        half = frozenset({"ctc-half"} if dtype in ("float16", "bfloat16") else ())
        add(
            f"{name}-greedy-{dtype}-decoded",
            name,
            x,
            lengths,
            call=_decoded(0),
            expected=decoded,
            dtype="int64",
            eager_only=_HOST,
            tags=half,
        )
        add(
            f"{name}-greedy-{dtype}-log-prob",
            name,
            x,
            lengths,
            call=_log_prob,
            expected=rounded(scores, dtype),
            dtype=dtype,
            terms=5,
            eager_only=_HOST,
            tags=half,
        )
    # Keras feeds the lengths from a float Variable: they are truncated.
    float_lengths = q([3.9, 5.0], "float32")
    decoded, scores = _best_path(y, q([3, 5], "int32"))
    add(
        f"{name}-greedy-float-input-length",
        name,
        y,
        float_lengths,
        call=_decoded(0),
        expected=decoded,
        dtype="int64",
        eager_only=_HOST,
    )
    _beam()
    _decode_errors(y, lengths)


def _beam() -> None:
    name = "ctc_decode"
    rng = np.random.default_rng(5)
    # An exhaustive beam (wider than the 15 label prefixes of 3 steps over 2 labels).
    y = q(_softmax_rows(rng, 3, 3, 3), "float32")
    lengths = q([3, 2, 3], "int32")
    decoded, scores = _best_labellings(y, lengths, 3)
    beam = {"greedy": False, "beam_width": 20, "top_paths": 3}
    for index in range(3):
        add(
            f"{name}-beam-exhaustive-path-{index}",
            name,
            y,
            lengths,
            call=_decoded(index),
            kwargs=beam,
            expected=decoded[index],
            dtype="int64",
            eager_only=_HOST,
        )
    add(
        f"{name}-beam-exhaustive-log-prob",
        name,
        y,
        lengths,
        call=_log_prob,
        kwargs=beam,
        expected=rounded(scores, "float32"),
        dtype="float32",
        terms=3,
        eager_only=_HOST,
    )
    y64 = q(y, "float64")
    add(
        f"{name}-beam-exhaustive-float64-log-prob",
        name,
        y64,
        lengths,
        call=_log_prob,
        kwargs=beam,
        expected=scores,
        dtype="float64",
        terms=3,
        eager_only=_HOST,
        tags=frozenset({"ctc-float64"}),
    )
    # Keras 2.3.1's test_ctc_decode_beam_search: a beam of 2, TensorFlow's reference values.
    p = np.array(
        [
            [0.30999, 0.309938, 0.0679938, 0.0673362, 0.0708352, 0.173908],
            [0.215136, 0.439699, 0.0370931, 0.0393967, 0.0381581, 0.230517],
            [0.199959, 0.489485, 0.0233221, 0.0251417, 0.0233289, 0.238763],
            [0.279611, 0.452966, 0.0204795, 0.0209126, 0.0194803, 0.20655],
            [0.51286, 0.288951, 0.0243026, 0.0220788, 0.0219297, 0.129878],
        ]
    )
    x = q(np.concatenate([np.exp(p + 2.0), np.ones((2, 6))])[None], "float32")
    narrow = {"greedy": False, "beam_width": 2, "top_paths": 2}
    one = q([5], "int32")
    add(
        f"{name}-beam-keras-2.3.1-path-0",
        name,
        x,
        one,
        call=_decoded(0),
        kwargs=narrow,
        expected=_pad([(1, 0)], 7),
        dtype="int64",
        eager_only=_HOST,
    )
    add(
        f"{name}-beam-keras-2.3.1-path-1",
        name,
        x,
        one,
        call=_decoded(1),
        kwargs=narrow,
        expected=_pad([(1,)], 7),
        dtype="int64",
        eager_only=_HOST,
    )
    add(
        f"{name}-beam-keras-2.3.1-log-prob",
        name,
        x,
        one,
        call=_log_prob,
        kwargs=narrow,
        expected=q([[-5.811451, -6.63339]], "float32"),
        dtype="float32",
        terms=5,
        eager_only=_HOST,
    )
    # Keras 2.3.1's test_ctc_decode_beam_search_no_merge: blank A blank A B blank B.
    onehot = q(np.eye(3)[[2, 0, 2, 0, 1, 2, 1]][None], "float32")
    seven = q([7], "int32")
    width1 = {"greedy": False, "beam_width": 1, "top_paths": 1}
    add(
        f"{name}-beam-merges-repeated-labels",
        name,
        onehot,
        seven,
        call=_decoded(0),
        kwargs=width1,
        expected=_pad([(0, 1)], 7),
        dtype="int64",
        eager_only=_HOST,
    )
    add(
        f"{name}-beam-merge-repeated-false",
        name,
        onehot,
        seven,
        call=_decoded(0),
        kwargs={**width1, "merge_repeated": False},
        expected=_pad([(0, 0, 1, 1)], 7),
        dtype="int64",
        eager_only=_HOST,
        legacy=_MERGE_ARGUMENT,
    )


def _decode_errors(y: np.ndarray, lengths: np.ndarray) -> None:
    name = "ctc_decode"
    beam = {"greedy": False, "beam_width": 2, "top_paths": 3}
    for case, error, args, kwargs in (
        ("top-paths-beyond-beam-width", InvalidArgumentError, (y, lengths), beam),
        ("zero-beam-width", InvalidArgumentError, (y, lengths), {"greedy": False, "beam_width": 0}),
        ("input-length-not-a-vector", ShapeError, (y, lengths[:, None]), {}),
        ("input-length-beyond-time-steps", InvalidArgumentError, (y, q([4, 7], "int32")), {}),
        ("empty-y-pred", ShapeError, (y[:, :0], lengths), {}),
        (
            "fewer-beams-than-top-paths",
            InvalidArgumentError,
            (y, q([0, 5], "int32")),
            {"greedy": False, "top_paths": 2},
        ),
    ):
        add_error(
            f"{name}-{case}", name, error, *args, call=_decoded(0), kwargs=kwargs, eager_only=_HOST
        )


# --------------------------------------------------------------------------- sparse labels


def _dense_to_sparse() -> None:
    name = "ctc_label_dense_to_sparse"
    labels = q([[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 8]], "int32")
    lengths = q([2, 0, 4], "int32")
    kept = np.arange(4) < np.array([2, 0, 4])[:, None]
    for field, expected, dtype in (
        ("indices", np.argwhere(kept), "int64"),
        ("values", labels[kept], "int32"),
        ("dense_shape", np.array([3, 4]), "int64"),
    ):
        add(
            f"{name}-{field}",
            name,
            labels,
            lengths,
            call=lambda k, x, n, field=field: getattr(k.ctc_label_dense_to_sparse(x, n), field),
            expected=expected,
            dtype=dtype,
            eager_only=_HOST,
        )
    floats = q([[0.5, 1.5, 2.5]], "float32")
    add(
        f"{name}-float-labels-keep-their-dtype",
        name,
        floats,
        q([[2]], "int32"),
        call=lambda k, x, n: k.ctc_label_dense_to_sparse(x, n).values,
        expected=q([0.5, 1.5], "float32"),
        dtype="float32",
        eager_only=_HOST,
    )
    add(
        f"{name}-is-a-named-tuple",
        name,
        labels,
        lengths,
        call=lambda k, x, n: isinstance(k.ctc_label_dense_to_sparse(x, n), tuple),
        expected=True,
        eager_only="returns a Python bool",
        tags=frozenset({"ctc-sparse-labels"}),
    )
    add_error(
        f"{name}-labels-not-2d",
        name,
        ShapeError,
        labels[0],
        lengths,
        call=lambda k, x, n: k.ctc_label_dense_to_sparse(x, n).indices,
        eager_only=_HOST,
    )


def build() -> None:
    """Add this family's cases to the table."""
    _batch_cost()
    _decode()
    _dense_to_sparse()
