"""K functions of family N: control flow (``switch`` and the train/test switch), and the
loops: ``rnn``, ``map_fn``, ``foldl``, ``foldr``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from multik import loops, session
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.symbolic import call as _symbolic

Tensor = Any

__all__ = [
    "foldl",
    "foldr",
    "in_test_phase",
    "in_train_phase",
    "map_fn",
    "rnn",
    "switch",
]


def _select_branch(training: Any, x: Any, alt: Any) -> Tensor:
    try:
        return _adapter()._select_branch(training, x, alt)
    except SymbolicInput:
        return _symbolic(_select_branch, training, x, alt)


def in_train_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the training phase, else ``alt``; either may be a callable that makes it.

    ``training=None`` uses ``K.learning_phase()``: unless it is set, the result is symbolic.
    """
    if training is None:
        training = session.learning_phase()
    if not isinstance(training, SymbolicTensor) and isinstance(training, (bool, int, np.integer)):
        if training not in (0, 1):
            raise InvalidArgumentError(f"training must be 0, 1 or a tensor, got {training!r}")
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    x = x() if callable(x) else x
    alt = alt() if callable(alt) else alt
    return _select_branch(training, x, alt)


def in_test_phase(x: Any, alt: Any, training: Any = None) -> Any:
    """``x`` in the test phase, else ``alt`` (``in_train_phase`` with the branches swapped)."""
    return in_train_phase(alt, x, training)


def switch(condition: Any, then_expression: Any, else_expression: Any) -> Any:
    """``then_expression`` where ``condition`` is true, else ``else_expression``.

    The branches may be callables that make them. A scalar condition that has a value (a
    Python bool or int, a NumPy or eager scalar) picks a branch, and only that callable is
    called; the result is the chosen branch as it is, as with ``tf.cond``. A scalar condition
    without a value yet (a placeholder, ``K.learning_phase()`` when unset, or a tensor traced by
    ``jax.jit``, ``tf.function`` or ``torch.compile``) builds both branches and selects element-
    wise when the graph runs, so the branches must then broadcast against each other.

    A condition of rank 1 or more selects element-wise; its rank may not exceed
    ``then_expression``'s, and it lines up with the LEADING axes of the branches (size-1 axes are
    appended to it), so a ``(batch,)`` condition picks whole samples of ``(batch, n)`` branches,
    as in Keras 2.2. Non-bool conditions are true where nonzero; the branches are promoted to
    one dtype.
    """
    try:
        chosen = _adapter()._condition_value(condition)
    except SymbolicInput:  # a symbolic condition: both branches are built, selected later
        chosen = None
    if chosen is not None:
        branch = then_expression if chosen else else_expression
        return _as_result(branch() if callable(branch) else branch)
    then = then_expression() if callable(then_expression) else then_expression
    alt = else_expression() if callable(else_expression) else else_expression
    return _select(condition, then, alt)


def _select(condition: Any, then: Any, alt: Any) -> Tensor:
    """switch's element-wise selection, as a graph node when an input is symbolic."""
    try:
        return _adapter()._switch(condition, then, alt)
    except SymbolicInput:
        return _symbolic(_select, condition, then, alt)


def _as_result(x: Any) -> Tensor:
    """The chosen branch as a new tensor of the active backend (never the caller's array)."""
    if isinstance(x, SymbolicTensor):
        return x
    try:
        adapter = _adapter()
        return adapter._copy(adapter.tensor(x))
    except SymbolicInput:  # a Variable in graph mode: read when the graph runs
        return _symbolic(_as_result, x)


# ------------------------------------------------------------------- loops: rnn, map_fn, folds


def rnn(
    step_function: Callable[..., Any],
    inputs: Any,
    initial_states: Any,
    go_backwards: bool = False,
    mask: Any = None,
    constants: Any = None,
    unroll: bool = False,
    input_length: Any = None,
    time_major: bool = False,
    zero_output_for_mask: bool = False,
    return_all_outputs: bool = True,
) -> tuple[Any, Any, list[Any]]:
    """Run ``step_function(input_t, states + constants) -> (output_t, new_states)`` over the
    time axis of ``inputs`` (batch, time, ...); returns ``(last_output, outputs, new_states)``.

    Inputs, states and outputs may be nested lists or tuples of tensors. ``mask`` (batch, time)
    marks the steps that count: a masked step repeats the previous output (zeros with
    ``zero_output_for_mask``) and keeps the states. ``go_backwards`` runs from the last step
    and returns the outputs in that order. One loop, not one copy of the step per time step,
    unless ``unroll=True``; with placeholders the time dimension may be unknown.
    """
    try:
        return _adapter().rnn(
            step_function,
            inputs,
            initial_states,
            go_backwards,
            mask,
            constants,
            unroll,
            input_length,
            time_major,
            zero_output_for_mask,
            return_all_outputs,
        )
    except SymbolicInput:
        return loops.rnn(
            step_function,
            inputs,
            initial_states,
            mask,
            constants,
            input_length,
            go_backwards=go_backwards,
            unroll=unroll,
            time_major=time_major,
            zero_output_for_mask=zero_output_for_mask,
            return_all_outputs=return_all_outputs,
        )


def map_fn(fn: Callable[..., Any], elems: Any, name: Any = None, dtype: Any = None) -> Any:
    """``fn`` applied to each item of ``elems`` along axis 0, the results stacked (``elems``
    and the results may be nested lists or tuples); ``dtype`` casts the results."""
    try:
        return _adapter().map_fn(fn, elems, name, dtype)
    except SymbolicInput:
        return loops.map_fn(fn, elems, name, dtype)


def foldl(fn: Callable[..., Any], elems: Any, initializer: Any = None, name: Any = None) -> Any:
    """``acc = fn(acc, x)`` over the items ``x`` of ``elems`` along axis 0, first to last;
    ``acc`` starts at ``initializer``, else at the first item."""
    try:
        return _adapter().foldl(fn, elems, initializer, name)
    except SymbolicInput:
        return loops.fold("foldl", fn, elems, initializer)


def foldr(fn: Callable[..., Any], elems: Any, initializer: Any = None, name: Any = None) -> Any:
    """``acc = fn(acc, x)`` over the items ``x`` of ``elems`` along axis 0, last to first;
    ``acc`` starts at ``initializer``, else at the last item."""
    try:
        return _adapter().foldr(fn, elems, initializer, name)
    except SymbolicInput:
        return loops.fold("foldr", fn, elems, initializer)
