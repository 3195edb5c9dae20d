"""CTC decoding on the host, in NumPy: TensorFlow's best-path decoder and its prefix beam search.

Both take ``logits`` (batch, time, classes), the log-probabilities ``log(y_pred + epsilon)``
that ``K.ctc_decode`` computes (the last class is the blank), and ``lengths`` (batch,), the
number of time steps to read of each entry (a negative length reads none). They return the
decoded label sequences as dense int64 arrays (batch, time) padded with -1, then one score per
sequence, computed as TensorFlow's ``ctc_greedy_decoder`` and ``ctc_beam_search_decoder`` do:

- best path: at each step the most probable class (the first one on ties); repeated classes
  are merged and blanks dropped; the score is minus the sum of the chosen log-probabilities.
- beam search: the prefix search of TensorFlow's ``CTCBeamSearchDecoder``, step by step (see
  ``_BeamSearch``), on the log-softmax of each step's logits; the score of a label sequence is
  the log of the total probability of its alignments that survived the pruning. Scores are
  summed in float64; where two beams score exactly the same, which one survives the pruning
  may differ from TensorFlow's, whose choice depends on the order of its heap.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator

import numpy as np

from multik.errors import InvalidArgumentError

__all__ = ["beam_search", "greedy", "reachable", "too_few_paths"]

_LOG_ZERO = -math.inf


def _dense(sequences: list[list[int]], steps: int) -> np.ndarray:
    """The label sequences as an int64 (batch, steps) array padded with -1."""
    out = np.full((len(sequences), steps), -1, dtype=np.int64)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = sequence
    return out


def greedy(logits: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best-path decoding: the decoded (batch, time) int64 array and the (batch, 1) scores."""
    batch, steps, classes = logits.shape
    best = np.argmax(logits, axis=-1)
    read = np.arange(steps) < lengths[:, None]
    score = -np.sum(np.where(read, np.max(logits, axis=-1), 0).astype(np.float64), axis=1)
    previous = np.concatenate([np.full((batch, 1), -1), best[:, :-1]], axis=1)
    kept = read & (best != classes - 1) & (best != previous)
    decoded = _dense([list(best[row][kept[row]]) for row in range(batch)], steps)
    return decoded, score[:, None].astype(logits.dtype)


def beam_search(
    logits: np.ndarray, lengths: np.ndarray, beam_width: int, top_paths: int, merge_repeated: bool
) -> tuple[np.ndarray, ...]:
    """Beam-search decoding: ``top_paths`` decoded (batch, time) int64 arrays, best first, then
    the (batch, top_paths) scores. ``merge_repeated`` merges equal consecutive labels of a
    beam's sequence (also those a blank separated), as TensorFlow does when it is set."""
    batch, steps, _ = logits.shape
    paths: list[list[list[int]]] = [[] for _ in range(top_paths)]
    scores = np.zeros((batch, top_paths), dtype=np.float64)
    for row in range(batch):
        search = _BeamSearch(logits.shape[-1], beam_width)
        for t in range(min(max(int(lengths[row]), 0), steps)):
            search.step(logits[row, t].astype(np.float64))
        for rank, (sequence, score) in enumerate(search.top_paths(top_paths, merge_repeated)):
            paths[rank].append(sequence)
            scores[row, rank] = score
    return (*(_dense(p, steps) for p in paths), scores.astype(logits.dtype))


def too_few_paths(found: int, top_paths: int) -> InvalidArgumentError:
    """The error for a beam search that holds fewer label sequences than ``top_paths``."""
    return InvalidArgumentError(
        f"the beam search holds {found} label sequence(s), fewer than top_paths={top_paths} "
        "(an input sequence too short for that many); give a smaller top_paths"
    )


def reachable(classes: int, steps: int, limit: int) -> int:
    """How many label sequences a beam search can hold after ``steps`` steps over ``classes``
    classes (the last is the blank), counted up to ``limit``: those of n labels with r equal
    neighbours, which need n + r steps (a blank between equal labels). With finite logits a
    beam of width w holds min(w, this many) sequences."""
    labels = classes - 1
    count = 1  # the empty sequence
    for n in range(1, steps + 1):
        for repeats in range(min(n - 1, steps - n) + 1):
            count += labels * math.comb(n - 1, repeats) * (labels - 1) ** (n - 1 - repeats)
            if count >= limit:
                return limit
    return count


def _log_add(a: float, b: float) -> float:
    """log(exp(a) + exp(b)), with log(0) = -inf."""
    if a == _LOG_ZERO:
        return b
    if b == _LOG_ZERO:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


class _Prefix:
    """A node of the prefix tree: a label sequence (its parent's plus ``label``) and the
    log-probabilities of its alignments up to the current step (``total``), split into those
    ending in a blank (``blank``) and those ending in the label (``labelled``); ``old_*`` keep
    the values of the previous step."""

    __slots__ = (
        "blank",
        "children",
        "label",
        "labelled",
        "old_blank",
        "old_labelled",
        "old_total",
        "parent",
        "total",
    )

    def __init__(self, parent: _Prefix | None, label: int) -> None:
        self.parent = parent
        self.label = label
        self.children: dict[int, _Prefix] = {}
        self.total = self.blank = self.labelled = _LOG_ZERO
        self.old_total = self.old_blank = self.old_labelled = _LOG_ZERO

    @property
    def active(self) -> bool:
        """Whether the prefix is in the beam (a pruned prefix has total log(0))."""
        return self.total != _LOG_ZERO

    def reset(self) -> None:
        """Prune the prefix: out of the beam."""
        self.total = self.blank = self.labelled = _LOG_ZERO

    def forget(self) -> None:
        """Prune the prefix and its previous step's values (it is then not extended)."""
        self.reset()
        self.old_total = self.old_blank = self.old_labelled = _LOG_ZERO

    def child(self, label: int) -> _Prefix:
        node = self.children.get(label)
        if node is None:
            node = self.children[label] = _Prefix(self, label)
        return node

    def sequence(self, merge_repeated: bool) -> list[int]:
        labels: list[int] = []
        node: _Prefix | None = self
        previous = -1
        while node is not None and node.parent is not None:
            if not merge_repeated or node.label != previous:
                labels.append(node.label)
            previous = node.label
            node = node.parent
        return labels[::-1]


class _BeamSearch:
    """TensorFlow's CTC prefix beam search for one batch entry (the default scorer, no label
    selection): at most ``beam_width`` prefixes survive each step."""

    def __init__(self, classes: int, beam_width: int) -> None:
        self.classes = classes
        self.blank = classes - 1
        self.width = beam_width
        self._order = itertools.count()  # ties on the heap: the earliest pushed goes first
        root = _Prefix(None, -1)
        root.total = root.blank = 0.0
        self.beam: list[tuple[float, int, _Prefix]] = []
        self._push(root)

    def _push(self, prefix: _Prefix) -> None:
        heapq.heappush(self.beam, (prefix.total, next(self._order), prefix))

    def _is_candidate(self, total: float) -> bool:
        """Whether a prefix scoring ``total`` enters the beam: it must beat the worst one
        when the beam is full."""
        return total > _LOG_ZERO and (len(self.beam) < self.width or total > self.beam[0][0])

    def _sorted(self) -> Iterator[_Prefix]:
        """The prefixes of the beam, best first."""
        return (p for _, _, p in sorted(self.beam, key=lambda item: (-item[0], item[1])))

    def step(self, log_probs: np.ndarray) -> None:
        """Extend the beam by one time step of (unnormalised) log-probabilities, normalised
        here by a softmax."""
        peak = log_probs.max()
        log_p = log_probs - (peak + np.log(np.sum(np.exp(log_probs - peak))))
        blank_score = float(log_p[self.blank])
        scores = log_p[: self.blank].tolist()
        branches = list(self._sorted())
        self.beam = []
        for prefix in branches:
            prefix.old_total, prefix.old_blank = prefix.total, prefix.blank
            prefix.old_labelled = prefix.labelled
        # The prefixes already in the beam: extend their alignments by one step.
        for prefix in branches:
            parent = prefix.parent
            if parent is not None:
                if parent.active:
                    repeated = prefix.label == parent.label
                    previous = parent.old_blank if repeated else parent.old_total
                    prefix.labelled = _log_add(prefix.labelled, previous)
                prefix.labelled += scores[prefix.label]
            prefix.blank = prefix.old_total + blank_score
            prefix.total = _log_add(prefix.blank, prefix.labelled)
            self._push(prefix)
        # Then their one-label extensions that are not in the beam, in label order.
        for prefix in branches:
            if not self._is_candidate(prefix.old_total):
                continue
            base = log_p[: self.blank] + prefix.old_total
            if 0 <= prefix.label < self.blank:
                base[prefix.label] = scores[prefix.label] + prefix.old_blank
            # The worst score of a full beam only rises while this loop runs: a new extension
            # that cannot beat it now never will, and is skipped. An extension that exists (it
            # was pruned before) is scored again all the same, since failing resets it.
            floor = self.beam[0][0] if len(self.beam) == self.width else _LOG_ZERO
            labels = set(np.flatnonzero(base > floor).tolist()) | prefix.children.keys()
            for label in sorted(labels):
                child = prefix.children.get(label)
                if child is not None and child.active:
                    continue
                score = float(base[label])
                if self._is_candidate(score):
                    child = child or prefix.child(label)
                    child.blank = _LOG_ZERO
                    child.labelled = child.total = score
                    if len(self.beam) == self.width:
                        heapq.heappop(self.beam)[2].reset()
                    self._push(child)
                elif child is not None:
                    # A pruned prefix that cannot come back forgets its last step too: it is
                    # not extended further in this step (TensorFlow's rule).
                    child.forget()

    def top_paths(self, count: int, merge_repeated: bool) -> Iterator[tuple[list[int], float]]:
        """The ``count`` best label sequences and their scores, best first."""
        if count > self.width:
            raise InvalidArgumentError(
                f"top_paths={count} asks for more paths than the beam holds (beam_width="
                f"{self.width}); give top_paths <= beam_width"
            )
        if count > len(self.beam):
            raise too_few_paths(len(self.beam), count)
        for prefix in itertools.islice(self._sorted(), count):
            yield prefix.sequence(merge_repeated), prefix.total
