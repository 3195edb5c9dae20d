"""K functions of family O: connectionist temporal classification."""

from __future__ import annotations

from typing import Any

from multik.api._forward import forward
from multik.backends.formulas.ctc import SHAPES_ONLY, SparseLabels
from multik.config import active_adapter as _adapter
from multik.errors import SymbolicInput, UnsupportedError
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "ctc_batch_cost",
    "ctc_decode",
    "ctc_label_dense_to_sparse",
]


def ctc_label_dense_to_sparse(labels: Any, label_lengths: Any) -> SparseLabels:
    """The first ``label_lengths[i]`` labels of each row of ``labels`` (batch, max_length), as
    a ``SparseLabels`` named tuple ``(indices, values, dense_shape)``: int64 (n, 2) positions in
    row-major order, the labels there, and int64 ``labels.shape``. These are the attributes of
    the ``tf.SparseTensor`` tf_keras returns; multik has no sparse tensors, so every backend
    returns this tuple of dense tensors. Needs values (not symbolic, not while compiling)."""
    try:
        return _adapter().ctc_label_dense_to_sparse(labels, label_lengths)
    except SymbolicInput:
        raise UnsupportedError(
            "K.ctc_label_dense_to_sparse needs values: how many labels it returns depends on "
            "label_lengths, so it has no static shape in a graph; evaluate the labels first, "
            "or give the dense labels and lengths to K.ctc_batch_cost, which takes them as "
            "they are"
        ) from None


@forward
def ctc_batch_cost(y_true: Any, y_pred: Any, input_length: Any, label_length: Any) -> Tensor:
    """The CTC loss of each batch entry, shape (batch, 1).

    ``y_true`` (batch, max_label_length) labels, ``y_pred`` (batch, time, classes) softmax
    probabilities whose last class is the blank, ``input_length`` and ``label_length``
    (batch, 1). As in tf_keras, the loss is computed from ``log(y_pred + epsilon)`` normalised
    again by a softmax. A label that cannot fit its input (longer than it, counting a blank
    between repeated labels) gives +inf, an empty label the loss of the all-blank path.
    """


def ctc_decode(
    y_pred: Any,
    input_length: Any,
    greedy: bool = True,
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
) -> tuple[list[Tensor], Tensor]:
    """Decode softmax outputs ``y_pred`` (batch, time, classes; the last class is the blank),
    reading ``input_length[i]`` (batch,) steps of entry i.

    Returns ``(decoded, log_prob)``: a list of ``top_paths`` int64 (batch, time) label arrays
    padded with -1, best first (one with ``greedy``), and their (batch, top_paths) scores,
    computed by TensorFlow's best-path or beam-search decoder on ``log(y_pred + epsilon)`` as
    tf_keras 2.21 does (best path: minus the sum of the best log-probabilities). With
    ``merge_repeated`` (beam search only; Keras 2.3.1's argument, whose default there was
    False), equal consecutive labels of a beam are merged, as tf_keras 2.21 always does.
    """
    try:
        return _adapter().ctc_decode(
            y_pred, input_length, greedy, beam_width, top_paths, merge_repeated
        )
    except SymbolicInput:
        args = (y_pred, input_length, greedy, beam_width, top_paths, merge_repeated)
        token = SHAPES_ONLY.set(True)  # the nodes' shapes come from the arguments alone
        try:
            paths = 1 if greedy else top_paths
            decoded = [_symbolic(_decoded_path, index, *args) for index in range(paths)]
            return decoded, _symbolic(_decoded_log_prob, *args)
        finally:
            SHAPES_ONLY.reset(token)


def _decoded_path(index: int, *args: Any) -> Tensor:
    """The ``index``-th decoded label array of ``ctc_decode(*args)`` (one graph node each)."""
    return ctc_decode(*args)[0][index]


def _decoded_log_prob(*args: Any) -> Tensor:
    """The scores of ``ctc_decode(*args)``."""
    return ctc_decode(*args)[1]
