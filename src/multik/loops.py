"""Loops in the symbolic layer: ``K.rnn``, ``K.map_fn``, ``K.foldl`` and ``K.foldr`` on
symbolic tensors, or in graph mode.

The user's step function is called once, while the graph is built, on placeholders that stand
for one step's values (an input slice, the states, the accumulator): the K calls it makes build
a *subgraph*. The loop is then one graph node, whose inputs are the loop's own tensors and every
tensor or Variable the subgraph reads from outside; when the graph runs, the adapter's loop
(``jax.lax.scan``, ``tf.while_loop``, a Python loop) evaluates the subgraph at each step. So a
compiler sees one loop whatever the number of steps, ``K.gradients`` differentiates through it,
and the time dimension may be unknown until the graph runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from multik import config, graph, nest, symbolic
from multik.errors import InvalidArgumentError
from multik.symbolic import SymbolicTensor
from multik.variable import Variable

__all__ = ["fold", "map_fn", "rnn"]


class Subgraph:
    """A Python function of tensors, traced once on placeholders (``params``).

    ``result`` is what the function returned (symbolic tensors inside lists and tuples),
    ``order`` the nodes that depend on the placeholders, and ``free`` the symbolic tensors and
    Variables outside the subgraph that it reads, whose values each run must supply."""

    def __init__(self, fn: Callable[..., Any], arguments: tuple[Any, ...]) -> None:
        self.params = [a for a in nest.flatten(arguments) if isinstance(a, SymbolicTensor)]
        self.result = fn(*arguments)
        outputs = nest.flatten(self.result)
        inside = {id(p) for p in self.params}
        self.order = []
        for tensor in graph.topological_order(outputs, self.params):
            if id(tensor) not in inside and any(id(i) in inside for i in tensor.inputs()):
                inside.add(id(tensor))
                self.order.append(tensor)
        needed = [leaf for t in self.order for leaf in t.inputs()] + outputs
        free = {
            id(leaf): leaf
            for leaf in needed
            if isinstance(leaf, (SymbolicTensor, Variable)) and id(leaf) not in inside
        }
        self.free = list(free.values())
        #: The steps of ``order``, per adapter (built on first use).
        self._programs: dict[int, graph._Program] = {}

    def runner(self, free_values: list[Any]) -> Callable[..., Any]:
        """The traced function as a function of tensors, with ``free_values`` for ``free``."""
        adapter = config.active_adapter()
        program = self._programs.get(id(adapter))
        if program is None:
            program = self._programs[id(adapter)] = graph._Program(self.order, adapter)
        # Symbolic tensors and Variables alike: the memo of a run holds both by id.
        outside = {id(leaf): value for leaf, value in zip(self.free, free_values)}

        def run(*arguments: Any) -> Any:
            memo = dict(outside)
            memo.update((id(p), v) for p, v in zip(self.params, nest.flatten(arguments)))
            evaluation = graph._Evaluation(adapter, memo, nested=True)
            evaluation.run(program, [])
            return symbolic.substitute(self.result, evaluation.lookup)

        return run


def _placeholders(
    values: list[Any], shape_of: Callable[[tuple[Any, ...]], tuple[Any, ...]]
) -> list[SymbolicTensor]:
    """One placeholder per tensor of ``values``, of shape ``shape_of(its shape)`` and its dtype."""
    adapter = config.active_adapter()
    out = []
    for value in values:
        if isinstance(value, (SymbolicTensor, Variable)):
            shape, dtype = value.shape, value.dtype
        else:
            tensor = adapter.tensor(value)
            shape, dtype = adapter._shape(tensor), adapter._dtype(tensor)
        out.append(
            symbolic.placeholder(
                shape_of(tuple(shape)), dtype=dtype, name=symbolic.unique_name("step")
            )
        )
    return out


def _split(values: list[Any], counts: list[int]) -> list[list[Any]]:
    parts, start = [], 0
    for count in counts:
        parts.append(values[start : start + count])
        start += count
    return parts


# --------------------------------------------------------------------------- rnn


class _RNN:
    """What the graph node of one ``K.rnn`` call needs beyond its tensors."""

    def __init__(
        self, step: Subgraph, inputs: Any, states: list[Any], options: dict[str, Any]
    ) -> None:
        self.step, self.inputs, self.states, self.options = step, inputs, states, options


def rnn(
    step_function: Callable[..., Any],
    inputs: Any,
    initial_states: Any,
    mask: Any,
    constants: Any,
    input_length: Any,
    **options: Any,
) -> tuple[Any, Any, list[Any]]:
    """``K.rnn`` as graph nodes (``options``: the flags of ``K.rnn``)."""
    adapter = config.active_adapter()
    flat_inputs = nest.flatten(inputs)
    time_major = options["time_major"]
    shapes = [_static_shape(x) for x in flat_inputs]
    steps, _ = adapter._time_and_batch(shapes, time_major)
    if options["unroll"] and steps is None:
        raise InvalidArgumentError(
            "unroll=True needs a known number of time steps; give the placeholder a fixed time "
            "dimension, or use unroll=False"
        )
    states = list(initial_states) if nest.is_nested(initial_states) else [initial_states]
    flat_states = nest.flatten(states)
    batch = 1 if time_major else 0
    input_params = _placeholders(flat_inputs, lambda s: (s[batch], *s[2:]))
    state_params = _placeholders(flat_states, lambda s: s)
    extra = (
        tuple(constants)
        if nest.is_nested(constants)
        else (() if constants is None else (constants,))
    )

    def step(x_t: Any, states_t: Any) -> Any:
        return step_function(x_t, tuple(states_t) + extra)

    traced = Subgraph(
        step, (nest.pack_as(inputs, input_params), nest.pack_as(states, state_params))
    )
    if not nest.is_nested(traced.result) or len(traced.result) != 2:
        raise InvalidArgumentError(
            f"the rnn step function must return (output, new_states), got {traced.result!r}"
        )
    output = traced.result[0]
    spec = _RNN(traced, inputs, states, options)
    items = symbolic.tuple_node(
        _run_rnn,
        (spec, flat_inputs, flat_states, mask, input_length, traced.free),
        name=symbolic.unique_name("rnn"),
    )
    count = len(nest.flatten(output))
    last, outputs, new_states = _split(items, [count, count, len(items) - 2 * count])
    return (
        nest.pack_as(output, last),
        nest.pack_as(output, outputs),
        list(nest.pack_as(states, new_states)),
    )


def _run_rnn(
    spec: _RNN,
    flat_inputs: list[Any],
    flat_states: list[Any],
    mask: Any,
    input_length: Any,
    free: list[Any],
) -> tuple[Any, ...]:
    adapter = config.active_adapter()
    step = spec.step.runner(free)
    last, outputs, states = adapter.rnn(
        step,
        nest.pack_as(spec.inputs, flat_inputs),
        nest.pack_as(spec.states, flat_states),
        mask=mask,
        input_length=input_length,
        **spec.options,
    )
    return (*nest.flatten(last), *nest.flatten(outputs), *nest.flatten(states))


def _static_shape(x: Any) -> tuple[int | None, ...]:
    if isinstance(x, (SymbolicTensor, Variable)):
        return tuple(x.shape)
    adapter = config.active_adapter()
    return adapter._shape(adapter.tensor(x))


# --------------------------------------------------------------------------- map_fn and folds


class _Loop:
    """What the graph node of one ``K.map_fn``, ``K.foldl`` or ``K.foldr`` call needs."""

    def __init__(self, fn: Subgraph, elems: Any, initializer: Any) -> None:
        self.fn, self.elems, self.initializer = fn, elems, initializer


def map_fn(fn: Callable[..., Any], elems: Any, name: Any, dtype: Any) -> Any:
    """``K.map_fn`` as graph nodes."""
    flat = nest.flatten(elems)
    params = _placeholders(flat, lambda s: s[1:])
    traced = Subgraph(fn, (nest.pack_as(elems, params),))
    spec = _Loop(traced, elems, None)
    items = symbolic.tuple_node(
        _run_map, (spec, flat, dtype, traced.free), name=symbolic.unique_name("map_fn")
    )
    return nest.pack_as(traced.result, items)


def _run_map(spec: _Loop, flat: list[Any], dtype: Any, free: list[Any]) -> tuple[Any, ...]:
    adapter = config.active_adapter()
    result = adapter.map_fn(spec.fn.runner(free), nest.pack_as(spec.elems, flat), None, dtype)
    return tuple(nest.flatten(result))


def fold(kind: str, fn: Callable[..., Any], elems: Any, initializer: Any) -> Any:
    """``K.foldl`` (``kind`` 'foldl') or ``K.foldr`` as graph nodes."""
    flat = nest.flatten(elems)
    x_params = _placeholders(flat, lambda s: s[1:])
    if initializer is None:
        acc_structure, acc_params = elems, _placeholders(flat, lambda s: s[1:])
        flat_init: list[Any] | None = None
    else:
        flat_init = nest.flatten(initializer)
        acc_structure, acc_params = initializer, _placeholders(flat_init, lambda s: s)
    traced = Subgraph(fn, (nest.pack_as(acc_structure, acc_params), nest.pack_as(elems, x_params)))
    spec = _Loop(traced, elems, initializer)
    items = symbolic.tuple_node(
        _run_fold, (spec, kind, flat, flat_init, traced.free), name=symbolic.unique_name(kind)
    )
    return nest.pack_as(acc_structure, items)


def _run_fold(
    spec: _Loop, kind: str, flat: list[Any], flat_init: list[Any] | None, free: list[Any]
) -> tuple[Any, ...]:
    adapter = config.active_adapter()
    initializer = None if flat_init is None else nest.pack_as(spec.initializer, flat_init)
    fold_fn = adapter.foldl if kind == "foldl" else adapter.foldr
    result = fold_fn(spec.fn.runner(free), nest.pack_as(spec.elems, flat), initializer)
    return tuple(nest.flatten(result))
