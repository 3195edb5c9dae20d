"""K functions of family D: values, variable state, K.function and K.gradients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from multik import graph, symbolic
from multik.api.introspection import cast
from multik.config import active_adapter as _adapter
from multik.errors import InvalidArgumentError, SymbolicInput
from multik.symbolic import SymbolicTensor
from multik.variable import Variable

Tensor = Any

__all__ = [
    "batch_get_value",
    "batch_set_value",
    "eval",
    "function",
    "get_value",
    "gradients",
    "moving_average_update",
    "print_tensor",
    "set_value",
    "stop_gradient",
    "update",
    "update_add",
    "update_sub",
]


def eval(x: Any) -> np.ndarray:
    """The value of ``x`` as a NumPy array."""
    try:
        return _adapter().eval(x)
    except SymbolicInput:
        return graph.evaluate(x)


def get_value(x: Any) -> np.ndarray:
    """The value of a Variable (or tensor) as a NumPy array."""
    try:
        return _adapter().get_value(x)
    except SymbolicInput:
        return graph.evaluate(x)


def function(
    inputs: Sequence[SymbolicTensor],
    outputs: Any,
    updates: Sequence[Any] | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> graph.Function:
    """A callable that takes one array per input placeholder and returns the outputs as NumPy
    arrays, applying ``updates`` (pairs or K.update results) after computing them."""
    if kwargs:
        raise InvalidArgumentError(
            f"K.function got unexpected arguments {sorted(kwargs)}; it takes inputs, outputs, "
            "updates and name"
        )
    return graph.Function(inputs, outputs, updates, name)


def gradients(loss: SymbolicTensor, variables: Any) -> list[SymbolicTensor | None]:
    """Symbolic gradients of (the sum of) ``loss`` with respect to each Variable or symbolic
    tensor of ``variables``; None for one the loss does not depend on."""
    return graph.gradients(loss, variables)


def stop_gradient(variables: Any) -> Any:
    """``variables`` (a tensor, or a list of tensors) as constants for K.gradients."""
    if isinstance(variables, (list, tuple)):
        return [stop_gradient(v) for v in variables]
    try:
        return _adapter().stop_gradient(variables)
    except SymbolicInput:
        return symbolic.node("stop_gradient", stop_gradient, (variables,))


def print_tensor(x: Any, message: str = "", summarize: int = 3) -> Tensor:
    """``x``, printed with ``message`` now (eager) or whenever the graph runs (symbolic)."""
    try:
        return _adapter().print_tensor(x, message, summarize)
    except SymbolicInput:
        return graph.print_node(x, message, summarize)


def _variable_arg(x: Any, what: str) -> Variable:
    if not isinstance(x, Variable):
        raise InvalidArgumentError(f"{what} needs a multik Variable (K.variable), got {x!r}")
    return x


def set_value(x: Variable, value: Any) -> None:
    """Assign ``value`` (same shape; converted to ``x``'s dtype) to the Variable ``x``."""
    _variable_arg(x, "K.set_value").assign(value)


def batch_get_value(tensors: Sequence[Any]) -> list[np.ndarray]:
    """``K.get_value`` of each tensor."""
    return [get_value(x) for x in tensors]


def batch_set_value(tuples: Sequence[tuple[Variable, Any]]) -> None:
    """``K.set_value`` of each ``(variable, value)`` pair."""
    for x, value in tuples:
        set_value(x, value)


def update(x: Variable, new_x: Any) -> Any:
    """Assign ``new_x`` to the Variable ``x``: at once (returns ``x``), or, in graph mode or
    when ``new_x`` is symbolic, when K.function or K.eval runs the returned pending update."""
    _variable_arg(x, "K.update")
    if _adapter().graph_mode or symbolic.symbolic_inputs(new_x):
        return graph.update_node(x, new_x)
    return x.assign(new_x)


def update_add(x: Variable, increment: Any) -> Any:
    """``K.update(x, x + increment)``."""
    return update(x, _variable_arg(x, "K.update_add") + increment)


def update_sub(x: Variable, decrement: Any) -> Any:
    """``K.update(x, x - decrement)``."""
    return update(x, _variable_arg(x, "K.update_sub") - decrement)


def moving_average_update(x: Variable, value: Any, momentum: float) -> Any:
    """``K.update(x, x * momentum + value * (1 - momentum))`` (written as x - (x - value) *
    (1 - momentum), as tf_keras), with ``value`` in ``x``'s dtype."""
    value = cast(value, _variable_arg(x, "K.moving_average_update").dtype)
    return update(x, x - (x - value) * (1 - momentum))
