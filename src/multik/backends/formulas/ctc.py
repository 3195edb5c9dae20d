"""Family O, connectionist temporal classification: the CTC loss, sparse labels, decoding.

``ctc_batch_cost`` is the CTC forward recursion in log space, written once over the primitives
(``_ctc_negative_log_likelihood``; torch overrides it with its own kernel). ``ctc_decode`` runs
TensorFlow's decoders: natively on tensorflow, elsewhere the NumPy versions of
``multik.backends._ctc_decoders`` on the host (``_ctc_decode`` and ``_host_call``).
"""

from __future__ import annotations

import contextvars
import functools
from typing import NamedTuple

import numpy as np

from multik import config, dtypes
from multik.backends import _checks as checks
from multik.backends import _ctc_decoders
from multik.backends.conversion import Conversion, Tensor
from multik.backends.xp import Term
from multik.errors import InvalidArgumentError, ShapeError, UnsupportedError

__all__ = ["SHAPES_ONLY", "CTCFormulas", "SparseLabels"]

#: True while the static shapes of a symbolic ``K.ctc_decode`` are inferred: they do not
#: depend on the values, so nothing is checked or decoded (the probe values are zeros, whose
#: beams would hold too few paths).
SHAPES_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "multik_ctc_shapes_only", default=False
)


class SparseLabels(NamedTuple):
    """Dense labels as a sparse matrix, with the attributes of a ``tf.SparseTensor``:
    ``indices`` (n, 2) int64 (row, position) pairs in row-major order, ``values`` (n,) the
    labels at those positions, ``dense_shape`` (2,) int64, the shape of the dense labels."""

    indices: Tensor
    values: Tensor
    dense_shape: Tensor


class CTCFormulas(Conversion):
    """Family O, connectionist temporal classification: the CTC loss, sparse labels, decoding."""

    # ----------------------------------------------------------------- arguments

    def _ctc_int32(self, x: object) -> Tensor:
        """Labels or lengths as int32: floats are truncated as K.cast does; NumPy's int64
        arrays need no 64-bit mode on JAX when their values fit int32 (``index_tensor``)."""
        return self.cast(self.index_tensor(x), "int32")

    def _ctc_labels(self, labels: object) -> Tensor:
        """Dense labels (batch, max_label_length) as int32."""
        labels = self._ctc_int32(labels)
        if len(self._shape(labels)) != 2:
            raise ShapeError(
                f"the labels must have shape (batch, max_label_length), got {self._shape(labels)}"
            )
        return labels

    def _ctc_lengths(
        self, lengths: object, batch: int, shapes: tuple[tuple[int, ...], ...], what: str
    ) -> Tensor:
        """Lengths of one of ``shapes`` (one per batch entry) as an int32 vector (batch,)."""
        lengths = self._ctc_int32(lengths)
        shape = self._shape(lengths)
        if shape not in shapes:
            wanted = " or ".join(str(s) for s in shapes)
            raise ShapeError(f"{what} must have shape {wanted}, got {shape}")
        return self._reshape(lengths, (batch,))

    def _ctc_logits(self, y_pred: object) -> tuple[Tensor, str]:
        """``log(y_pred + epsilon)`` in the float compute dtype of ``y_pred`` (batch, time,
        classes): what tf_keras gives TensorFlow's CTC ops as logits; and the result dtype."""
        y_pred, result = self._float_input(y_pred)
        shape = self._shape(y_pred)
        if len(shape) != 3:
            raise ShapeError(f"y_pred must have shape (batch, time, classes), got {shape}")
        if shape[2] == 0:
            raise ShapeError(f"y_pred has no classes (shape {shape}); its last class is the blank")
        xp = self.xp
        return xp.log(xp(y_pred) + config.epsilon()).value, result

    # ----------------------------------------------------------------- sparse labels

    def ctc_label_dense_to_sparse(self, labels: object, label_lengths: object) -> SparseLabels:
        labels = self.tensor(labels)
        if len(self._shape(labels)) != 2:
            raise ShapeError(
                f"the labels must have shape (batch, max_label_length), got {self._shape(labels)}"
            )
        batch = self._shape(labels)[0]
        lengths = self._ctc_lengths(label_lengths, batch, ((batch,), (batch, 1)), "label_lengths")
        if not (self._is_concrete(labels) and self._is_concrete(lengths)):
            raise UnsupportedError(
                "K.ctc_label_dense_to_sparse needs values: how many labels it returns depends "
                "on label_lengths, so it cannot run while a compiler traces; call it eagerly, "
                "or give the dense labels and lengths to K.ctc_batch_cost, which takes them as "
                "they are"
            )
        dense = self._to_numpy(labels)
        kept = np.arange(dense.shape[1]) < self._to_numpy(lengths)[:, None]
        return SparseLabels(
            self._from_numpy(np.argwhere(kept).astype(np.int64)),
            self._from_numpy(dense[kept]),
            self._from_numpy(np.asarray(dense.shape, dtype=np.int64)),
        )

    # ----------------------------------------------------------------- loss

    def ctc_batch_cost(
        self, y_true: object, y_pred: object, input_length: object, label_length: object
    ) -> Tensor:
        logits, result = self._ctc_logits(y_pred)
        batch, steps, classes = self._shape(logits)
        labels = self._ctc_labels(y_true)
        rows, width = self._shape(labels)
        if rows != batch:
            raise ShapeError(f"y_true has {rows} rows, but y_pred has a batch of {batch}")
        input_length = self._ctc_lengths(input_length, batch, ((batch, 1),), "input_length")
        label_length = self._ctc_lengths(label_length, batch, ((batch, 1),), "label_length")
        checked = self._check_ctc_arguments(labels, input_length, label_length, steps, classes)
        # A label_length beyond the padded labels reads the whole row, as in tf_keras.
        label_length = self._binary("minimum", label_length, self._scalar(width, "int32"))
        log_p = self._log_softmax(logits, (2,))
        loss = self._ctc_negative_log_likelihood(log_p, labels, input_length, label_length)
        if not checked:  # a compiled function cannot raise: out-of-range entries give NaN
            bad = self._ctc_out_of_range(labels, input_length, label_length, steps, classes)
            loss = self.xp.where(bad, np.nan, loss).value
        return self._as(self._expand_dims(loss, 1), result)

    def _check_ctc_arguments(
        self, labels: Tensor, input_length: Tensor, label_length: Tensor, steps: int, classes: int
    ) -> bool:
        """Raise InvalidArgumentError for lengths or labels out of range, if their values are
        known; return whether they were."""
        if not all(self._is_concrete(x) for x in (labels, input_length, label_length)):
            return False
        inputs, lengths = self._to_numpy(input_length), self._to_numpy(label_length)
        if inputs.size and (inputs.min() < 0 or inputs.max() > steps):
            raise InvalidArgumentError(
                f"input_length must be in [0, {steps}] (the time steps of y_pred), got values "
                f"from {inputs.min()} to {inputs.max()}"
            )
        if lengths.size and lengths.min() < 0:
            raise InvalidArgumentError(f"label_length must be >= 0, got {lengths.min()}")
        dense = self._to_numpy(labels)
        read = dense[np.arange(dense.shape[1]) < lengths[:, None]]
        if read.size and (read.min() < 0 or read.max() >= classes - 1):
            raise InvalidArgumentError(
                f"the labels within label_length must be in [0, {classes - 1}) (class "
                f"{classes - 1}, the last of y_pred, is the blank), got values from "
                f"{read.min()} to {read.max()}"
            )
        return True

    def _ctc_out_of_range(
        self, labels: Tensor, input_length: Tensor, label_length: Tensor, steps: int, classes: int
    ) -> Tensor:
        """bool (batch,): the entries ``_check_ctc_arguments`` would refuse."""
        xp, int32 = self.xp, self._int32
        lengths = xp(label_length)
        positions = xp.asarray(np.arange(self._shape(labels)[1], dtype=np.int32))
        read = positions < xp.expand_dims(lengths, 1)
        bad_label = xp.logical_or(xp(labels) < int32(0), xp(labels) >= int32(classes - 1))
        bad_labels = xp.max(xp.logical_and(read, bad_label), (1,))
        inputs = xp(input_length)
        bad_input = xp.logical_or(inputs < int32(0), inputs > int32(steps))
        return xp.logical_or(xp.logical_or(bad_labels, bad_input), lengths < int32(0)).value

    def _int32(self, value: int) -> Term:
        """An int32 scalar for a formula (a Python int would be range-checked on the host,
        which torch.compile cannot trace)."""
        return self.xp(self._scalar(value, "int32"))

    def _ctc_negative_log_likelihood(
        self, log_p: Tensor, labels: Tensor, input_length: Tensor, label_length: Tensor
    ) -> Tensor:
        """-log p(labels | log_p) for each batch entry (batch,); +inf where no alignment exists.

        ``log_p`` (batch, time, classes) are normalised log-probabilities whose last class is
        the blank, ``labels`` (batch, width) int32, ``input_length`` (batch,) int32 in
        [0, time], ``label_length`` (batch,) int32 in [0, width] (the value for labels out of
        range is unspecified: ``ctc_batch_cost`` refuses them). The forward recursion runs over
        the extended labels (a blank before, between and after the labels), vectorised over the
        batch and the label positions; the loop runs over time, and each entry stops at its
        input_length.
        """
        xp, int32 = self.xp, self._int32
        batch, steps, classes = self._shape(log_p)
        dtype = self._dtype(log_p)
        blank = int32(classes - 1)
        s = np.arange(2 * self._shape(labels)[1] + 1, dtype=np.int32)
        # The extended labels (batch, positions): blank, l1, blank, l2, ..., blank (a column
        # padded on keeps the take in range when there are no labels).
        padded = self._pad(labels, ((0, 0), (0, 1)))
        picked = xp.take(padded, xp.asarray(np.maximum(s - 1, 0) // 2), 1)
        in_range = xp.logical_and(picked >= int32(0), picked < blank)
        extended = xp.where(xp.logical_and(xp.asarray(s % 2 == 1), in_range), picked, blank)
        # Their log-probabilities at each step, time first (time, batch, positions).
        if batch * steps:
            rows = np.arange(batch * steps, dtype=np.int32).reshape(batch, steps, 1) * classes
            index = xp.asarray(rows) + xp.expand_dims(extended, 1)
            flat = xp.reshape(log_p, (batch * steps * classes,))
            emitted = xp.transpose(xp.take(flat, index, 0), (1, 0, 2)).value
        else:  # nothing to gather (JAX's take of an empty array loses the shape)
            emitted = self._full((steps, batch, len(s)), 0, dtype)
        # A path moves on by one position, or by two from a label to the next when they differ.
        one_back = self._from_numpy(np.maximum(s - 1, 0))
        two_back = self._from_numpy(np.maximum(s - 2, 0))
        moves = self._from_numpy(s >= 1)
        skips = xp.logical_and(
            xp.logical_and(xp.asarray(s >= 2), xp.not_equal(extended, blank)),
            xp.not_equal(extended, xp.take(extended, two_back, 1)),
        ).value
        # Entry b reads step t while t < input_length[b] (time, batch, 1).
        times = xp.asarray(np.arange(steps, dtype=np.int32).reshape(steps, 1, 1))
        reads = (times < xp.expand_dims(input_length, 1)).value
        # Before the first step every path is at the start: log-probability 0 at position 0.
        start = np.where(s == 0, 0, -np.inf).astype(dtypes.numpy_dtype(dtype))
        alpha = self._from_numpy(np.tile(start, (batch, 1)))
        log_zero = self._scalar(-np.inf, dtype)
        for t in range(steps):
            advanced = self._where(moves, self._take(alpha, one_back, 1), log_zero)
            skipped = self._where(skips, self._take(alpha, two_back, 1), log_zero)
            total = self._log_add(alpha, advanced, skipped)
            alpha = self._where(reads[t], self._binary("add", total, emitted[t]), alpha)
        # A path ends on the last label or on the blank after it.
        last = xp.expand_dims(label_length, 1) * int32(2)
        ends = xp.logical_or(
            xp.equal(xp.asarray(s), last), xp.equal(xp.asarray(s), last - int32(1))
        )
        final = xp.where(ends, alpha, -np.inf).value
        peak = self._stop_gradient(self._max(final, (1,), True))
        return self._unary("negative", self._squeeze(self._log_add(final, peak=peak), 1))

    def _log_add(self, *terms: Tensor, peak: Tensor | None = None) -> Tensor:
        """log(exp(a) + exp(b) + ...) of the tensors ``terms`` element-wise, or log(sum(exp(x)))
        over axis 1 of one term given its maximum ``peak`` there. log(0) = -inf, with zero
        gradients (rather than 0 * inf); NaN propagates."""
        dtype = self._dtype(terms[0])
        if peak is None:
            peak = terms[0]
            for term in terms[1:]:
                peak = self._binary("maximum", peak, term)
            peak = self._stop_gradient(peak)
        log_zero = self._scalar(-np.inf, dtype)
        empty = self._binary("equal", peak, log_zero)
        shift = self._where(empty, self._scalar(0, dtype), peak)
        total = None
        for term in terms:
            e = self._unary("exp", self._binary("subtract", term, shift))
            total = e if total is None else self._binary("add", total, e)
        if len(terms) == 1:
            total = self._sum(total, (1,), True)
        value = self._binary(
            "add", shift, self._unary("log", self._where(empty, self._scalar(1, dtype), total))
        )
        return self._where(empty, log_zero, value)

    # ----------------------------------------------------------------- decoding

    def ctc_decode(
        self,
        y_pred: object,
        input_length: object,
        greedy: bool = True,
        beam_width: int = 100,
        top_paths: int = 1,
        merge_repeated: bool = True,
    ) -> tuple[list[Tensor], Tensor]:
        logits, result = self._ctc_logits(y_pred)
        batch, steps, classes = self._shape(logits)
        if batch == 0 or steps == 0:
            raise ShapeError(f"y_pred must not be empty, got shape {self._shape(logits)}")
        paths = 1
        if not greedy:
            beam_width = checks.check_positive_int(beam_width, "beam_width")
            paths = checks.check_positive_int(top_paths, "top_paths")
            if paths > beam_width:
                raise InvalidArgumentError(
                    f"top_paths={paths} asks for more paths than the beam holds (beam_width="
                    f"{beam_width}); give top_paths <= beam_width"
                )
        lengths = self._ctc_lengths(input_length, batch, ((batch,),), "input_length")
        if SHAPES_ONLY.get():
            decoded = [self._full((batch, steps), -1, "int64") for _ in range(paths)]
            return decoded, self._full((batch, paths), 0, result)
        if self._is_concrete(lengths):
            read = self._to_numpy(lengths)
            if read.max() > steps:
                raise InvalidArgumentError(
                    f"input_length must be at most {steps} (the time steps of y_pred), got "
                    f"{read.max()}"
                )
            # The shortest entry holds the fewest sequences (a negative length reads no step).
            found = _ctc_decoders.reachable(classes, max(int(read.min()), 0), paths)
            if not greedy and found < paths:
                raise _ctc_decoders.too_few_paths(found, paths)
        decoded, log_prob = self._ctc_decode(
            logits, lengths, greedy, beam_width, paths, bool(merge_repeated)
        )
        return decoded, self._as(log_prob, result)

    def _ctc_decode(
        self,
        logits: Tensor,
        lengths: Tensor,
        greedy: bool,
        beam_width: int,
        top_paths: int,
        merge_repeated: bool,
    ) -> tuple[list[Tensor], Tensor]:
        """TensorFlow's best-path (``greedy``) or beam-search decoder on ``logits`` (batch,
        time, classes) and ``lengths`` (batch,) int32: ``top_paths`` int64 (batch, time) label
        arrays padded with -1, best first, and their (batch, top_paths) scores in the dtype of
        ``logits`` (see ``multik.backends._ctc_decoders``)."""
        batch, steps, _ = self._shape(logits)
        results = [((batch, steps), "int64")] * top_paths
        results.append(((batch, top_paths), self._dtype(logits)))
        if greedy:
            decode = _ctc_decoders.greedy
        else:
            decode = functools.partial(
                _ctc_decoders.beam_search,
                beam_width=beam_width,
                top_paths=top_paths,
                merge_repeated=merge_repeated,
            )
        outputs = self._host_call("K.ctc_decode", decode, [logits, lengths], results)
        return list(outputs[:-1]), outputs[-1]
