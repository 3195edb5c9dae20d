"""Running graphs of symbolic tensors: ``K.function``, ``K.eval`` of a symbolic tensor, and the
gradient, print and update nodes.

A graph runs in topological order on the backend it was built on. ``K.function`` builds the
order once and hands one pure function of (fed values, Variable values) to the framework's
compiler (``adapter._compile``: jax.jit, tf.function; torch and NumPy run it as it is), which
caches a compiled version per input shape and dtype. Variables are arguments of that function,
never constants baked into it, so updates are seen by the next call.

``K.shape`` of a tensor whose shape is static while the graph runs is a NumPy constant, and K
calls on such constants only run on NumPy: ``K.reshape(x, (K.shape(x)[0], -1))`` then needs no
value from a traced tensor.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from multik import config, dtypes
from multik.api._forward import FORWARDS_TO
from multik.backends.formulas.state import format_printed
from multik.errors import DTypeError, InvalidArgumentError, ShapeError
from multik.symbolic import SymbolicTensor, check_backend, node, substitute, unique_name
from multik.symbolic import _operator as symbolic_operator
from multik.symbolic import _unary_operator as symbolic_unary_operator
from multik.variable import Variable

if TYPE_CHECKING:
    from multik.backends.adapter import Adapter

__all__ = ["Function", "evaluate", "gradients", "print_node", "update_node"]

_HOST = (np.ndarray, np.generic)
_LEAVES = (SymbolicTensor, Variable)
_ABSENT = object()


# --------------------------------------------------------------------------- graph order


def topological_order(
    targets: Iterable[Any], fed: Iterable[SymbolicTensor] = ()
) -> list[SymbolicTensor]:
    """Every symbolic tensor the targets are computed from, each after its inputs; a ``fed``
    tensor (given a value) is not computed, so what it is computed from is left out."""
    fed_ids = {id(t) for t in fed}
    order: list[SymbolicTensor] = []
    seen: set[int] = set()
    stack: list[tuple[SymbolicTensor, bool]] = [
        (t, False) for t in reversed(list(targets)) if isinstance(t, SymbolicTensor)
    ]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        stack.append((tensor, True))
        if id(tensor) in fed_ids:
            continue
        stack.extend(
            (child, False)
            for child in tensor.inputs()
            if isinstance(child, SymbolicTensor) and id(child) not in seen
        )
    return order


def _unfed(order: list[SymbolicTensor], fed: Iterable[SymbolicTensor]) -> None:
    """Raise the error naming every placeholder the graph needs but nobody feeds."""
    fed_ids = {id(t) for t in fed}
    missing = [
        t.name
        for t in order
        if t.kind == "placeholder" and t.default is None and id(t) not in fed_ids
    ]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        which = f"placeholder {names} is" if len(missing) == 1 else f"placeholders {names} are"
        raise InvalidArgumentError(
            f"{which} not fed, and the outputs depend on it: list each among the inputs of "
            "K.function(inputs, outputs) and pass its value when calling the function"
        )


# --------------------------------------------------------------------------- evaluation


def _direct(fn: Callable[..., Any] | None, adapter: Adapter) -> Callable[..., Any] | None:
    """The adapter method that ``fn`` only forwards its arguments to, else ``fn``: a K
    front-end declared with ``@forward``, and the operator bodies of symbolic tensors. A graph
    run calls the method."""
    if fn is symbolic_operator:
        return adapter._operator
    if fn is symbolic_unary_operator:
        return adapter.unary_operator
    method = getattr(fn, FORWARDS_TO, None)
    return fn if method is None else getattr(adapter, method)


class _Step:
    """One node of a graph, ready to run again and again. A K call whose arguments are
    symbolic tensors, Variables and constants (not nested in lists) has ``keys``: the memo keys
    of its arguments (a constant's key is its id, and the memo holds it), so running it is one
    C-level fetch (``fetch``) and one call of ``call``; any other node has ``fetch`` None."""

    __slots__ = ("call", "constants", "fetch", "fold", "inputs", "key", "kind", "single", "tensor")

    def __init__(self, tensor: SymbolicTensor, adapter: Adapter) -> None:
        self.tensor = tensor
        self.key = id(tensor)
        self.kind = tensor.kind
        self.fold = tensor.foldable
        self.inputs = tuple(id(t) for t in tensor.inputs() if isinstance(t, SymbolicTensor))
        self.call = tensor.fn if self.fold else _direct(tensor.fn, adapter)
        self.constants = {id(a): a for a in tensor.args if not isinstance(a, _LEAVES)}
        keys = tuple(id(a) for a in tensor.args)
        plain = tensor.fn is not None and tensor.flat and not tensor.kwargs and len(keys) > 0
        plain = plain and self.kind not in ("placeholder", "gradient")
        self.single = len(keys) == 1
        self.fetch = operator.itemgetter(*keys) if plain else None


class _Program:
    """The steps that compute the nodes of ``order``, and the constants their arguments use
    (keyed by id in the memo of a run)."""

    def __init__(self, order: list[SymbolicTensor], adapter: Adapter) -> None:
        self.steps = [_Step(t, adapter) for t in order]
        self.constants: dict[int, Any] = {}
        for step in self.steps:
            self.constants.update(step.constants)


class _Evaluation:
    """Values of the nodes of one graph run: ``memo`` maps the ids of symbolic tensors, of
    Variables (their values: traced arguments when compiled, watched leaves when the framework
    records gradients) and of constant arguments to their values."""

    def __init__(self, adapter: Adapter, memo: dict[int, Any], nested: bool) -> None:
        self.adapter = adapter
        self.memo = memo
        self.nested = nested
        self._gradients: dict[int, list[Any]] = {}
        #: Gradient groups whose loss is computed with the framework recording for autodiff.
        self._recorded: set[int] = set()

    def run(self, program: _Program, groups: list[GradientGroup]) -> None:
        """Compute every step. Where the framework records operations (torch) and ``groups``
        (``recordable_groups``) is not empty, the forward pass is computed once, recorded, and
        each gradient read from it; else a gradient evaluates the loss again as a function of
        its inputs (jax.grad, tf tape)."""
        self.memo.update(program.constants)
        if not groups or self.nested:
            self._run(program.steps)
            return
        for group in groups:
            self._watch(group)
        with self.adapter._recording():
            self._run(program.steps)

    def _run(self, steps: list[_Step]) -> None:
        memo = self.memo
        for step in steps:
            if step.key in memo:
                continue
            fetch = step.fetch
            if fetch is None or step.fold:
                memo[step.key] = self._compute(step)
            elif step.single:
                memo[step.key] = step.call(fetch(memo))
            else:
                memo[step.key] = step.call(*fetch(memo))

    def _watch(self, group: GradientGroup) -> None:
        """Make the tensors ``group`` differentiates with respect to recorded leaves."""
        adapter = self.adapter
        for wrt in group.wrt:
            if isinstance(wrt, Variable):
                value = adapter.tensor(self.lookup(wrt))
            else:
                value = self.memo.get(id(wrt))
                if value is None:
                    value = adapter.typed_tensor(wrt.default, wrt.dtype)
            self.memo[id(wrt)] = adapter._watched(value)
        self._recorded.add(id(group))

    def lookup(self, leaf: Any) -> Any:
        """The value of a symbolic tensor (computed) or a Variable (substituted, else read)."""
        value = self.memo.get(id(leaf), _ABSENT)
        if value is _ABSENT:
            value = self.memo[id(leaf)] = self.adapter.read_variable(leaf)
        return value

    def value(self, output: Any) -> Any:
        """An output's value: a symbolic tensor's, a Variable's, or the object itself."""
        return self.lookup(output) if isinstance(output, _LEAVES) else output

    def _compute(self, step: _Step) -> Any:
        """A node that is not a plain K call, or one that may fold on the host."""
        tensor = step.tensor
        if step.kind == "placeholder":
            return self.adapter.typed_tensor(tensor.default, tensor.dtype)
        if step.kind == "gradient":
            return self._gradient_values(tensor.group)[tensor.index]
        args = substitute(tensor.args, self.lookup)
        kwargs = substitute(tensor.kwargs, self.lookup) if tensor.kwargs else {}
        assert tensor.fn is not None
        if step.fold and all(isinstance(self.memo[k], _HOST) for k in step.inputs):
            with config.use_backend("numpy"):
                return tensor.fn(*args, **kwargs)
        return step.call(*args, **kwargs)

    def _gradient_values(self, group: GradientGroup) -> list[Any]:
        if id(group) in self._gradients:
            return self._gradients[id(group)]
        if id(group) in self._recorded:
            leaves = [self.lookup(w) for w in group.wrt]
            values = self.adapter._recorded_gradients(self.memo[id(group.loss)], leaves)
            self._gradients[id(group)] = values
            return values
        wrt_values = [self.adapter.tensor(self.lookup(w)) for w in group.wrt]
        base_memo = {k: v for k, v in self.memo.items() if k not in group.dependent}

        def loss_of(*values: Any) -> Any:
            # The active adapter: the numpy backend runs the loss on its autograd tracer.
            adapter = config.active_adapter()
            memo = dict(base_memo)
            for wrt, value in zip(group.wrt, values):
                memo[id(wrt)] = value
            inner = _Evaluation(adapter, memo, nested=True)
            inner.run(group.program(adapter), [])
            return adapter.tensor(memo[id(group.loss)])

        values = self.adapter._gradients(loss_of, wrt_values, self.nested)
        self._gradients[id(group)] = values
        return values


def recordable_groups(adapter: Adapter, order: list[SymbolicTensor]) -> list[GradientGroup]:
    """The gradient groups of ``order``, if the framework records operations for autodiff
    (torch) and all of them can be read from one recorded forward pass: each differentiates with
    respect to Variables and placeholders only (inputs of the graph), and none differentiates
    another gradient (second order); else none."""
    if not adapter.records_gradients:
        return []
    groups = list({id(t.group): t.group for t in order if t.kind == "gradient"}.values())
    for group in groups:
        if any(isinstance(w, SymbolicTensor) and w.kind != "placeholder" for w in group.wrt):
            return []
        if any(t.kind == "gradient" for t in group.order):
            return []
    return groups


def _to_numpy(adapter: Adapter, value: Any) -> np.ndarray:
    """A new NumPy array of an output: it never shares memory with an input or a Variable."""
    if value.__class__ in adapter._native_exact:
        return adapter._to_numpy(value)
    if isinstance(value, _HOST):
        return np.array(value)
    return adapter._to_numpy(adapter.tensor(value))


def _print_all(nodes: list[SymbolicTensor], values: Sequence[Any], adapter: Adapter) -> None:
    for tensor, value in zip(nodes, values):
        text = format_printed(tensor.message, _to_numpy(adapter, value), tensor.summarize)
        print(text, file=sys.stdout)


def _apply_updates(updates: list[SymbolicTensor], values: Sequence[Any]) -> None:
    """Assign the values of update nodes (already in each Variable's dtype)."""
    for update, value in zip(updates, values):
        update.args[0]._replace(value)


def evaluate(x: SymbolicTensor | Variable) -> np.ndarray:
    """``K.eval`` of a symbolic tensor: run its graph now (placeholders must have defaults),
    print its print nodes and apply its update nodes. A Variable gives its current value."""
    adapter = config.active_adapter()
    if isinstance(x, Variable):
        return adapter._to_numpy(adapter.read_variable(x))
    check_backend([x])
    order = topological_order([x])
    _unfed(order, ())
    memo = {id(v): adapter.read_variable(v) for v in _variables_of(order, [x])}
    evaluation = _Evaluation(adapter, memo, nested=False)
    evaluation.run(_Program(order, adapter), recordable_groups(adapter, order))
    prints = [t for t in order if t.kind == "print"]
    _print_all(prints, [evaluation.memo[id(t)] for t in prints], adapter)
    updates = [t for t in order if t.kind == "update"]
    _apply_updates(updates, [evaluation.memo[id(t)] for t in updates])
    return _to_numpy(adapter, evaluation.memo[id(x)])


# --------------------------------------------------------------------------- K.function


def _as_list(value: Any, what: str) -> tuple[list[Any], bool]:
    """``value`` as a list, and whether it was a single item rather than a list or tuple."""
    if isinstance(value, (list, tuple)):
        return list(value), False
    if value is None:
        raise InvalidArgumentError(f"K.function needs {what} (a list), got None")
    return [value], True


class Function:
    """The callable ``K.function`` returns: arrays in (one per input, in order), NumPy out."""

    def __init__(
        self,
        inputs: Sequence[Any],
        outputs: Any,
        updates: Sequence[Any] | None = None,
        name: str | None = None,
    ) -> None:
        self.adapter = config.active_adapter()
        self.name = name or unique_name("function")
        self.inputs, _ = _as_list(inputs, "inputs")
        for index, tensor in enumerate(self.inputs):
            if not isinstance(tensor, SymbolicTensor):
                raise InvalidArgumentError(
                    f"K.function inputs must be placeholders (symbolic tensors); input {index} "
                    f"is a {type(tensor).__name__}"
                )
        self.outputs, self._single = _as_list(outputs, "outputs")
        self.updates = [_update_of(u, i) for i, u in enumerate(updates or [])]
        targets = [*self.outputs, *self.updates]
        check_backend([t for t in [*self.inputs, *targets] if isinstance(t, SymbolicTensor)])
        self._order = topological_order(targets, self.inputs)
        _unfed(self._order, self.inputs)
        listed = {id(u) for u in self.updates}
        # A pending update the outputs compute is applied too, as K.eval applies it.
        self.updates += [t for t in self._order if t.kind == "update" and id(t) not in listed]
        updated = [u.args[0] for u in self.updates]
        if len({id(v) for v in updated}) != len(updated):
            raise InvalidArgumentError(
                "K.function updates assign the same Variable twice; combine them into one"
            )
        self._prints = [t for t in self._order if t.kind == "print"]
        self._variables = _variables_of(self._order, self.outputs)
        # Built once, so that a call is a walk over a list: the steps, the memo keys of the
        # inputs, Variables, updates and prints, what the fed values must be.
        self._program = _Program(self._order, self.adapter)
        self._groups = recordable_groups(self.adapter, self._order)
        self._input_keys = [id(t) for t in self.inputs]
        self._variable_keys = [id(v) for v in self._variables]
        self._update_keys = [id(u) for u in self.updates]
        self._print_keys = [id(t) for t in self._prints]
        self._wanted = [_Wanted(t) for t in self.inputs]
        value_dependent = any(t.value_dependent for t in self._order)
        if value_dependent and not self.adapter.compiles_value_dependent_shapes:
            self._run = self._pure  # shapes that depend on fed values: run it as it is
        else:
            self._run = self.adapter._compile(self._pure)

    def _pure(self, fed: list[Any], variables: list[Any]) -> tuple[list[Any], ...]:
        """Outputs, new Variable values and printed values from fed values and Variable values.

        Where the adapter ``assigns_in_graph``, ``variables`` are the storages: they are read
        first and assigned last, inside the compiled function, which returns no new values.
        Fed NumPy arrays may be borrowed (``_borrow``): no output, Variable or printed value
        keeps a fed array's memory (outputs become new NumPy arrays, assigns copy).
        """
        adapter = self.adapter
        memo = {
            key: adapter._borrow(value) if value.__class__ is np.ndarray else adapter.tensor(value)
            for key, value in zip(self._input_keys, fed)
        }
        memo.update(zip(self._variable_keys, map(adapter._read, variables)))
        evaluation = _Evaluation(adapter, memo, nested=False)
        evaluation.run(self._program, self._groups)
        new_values = [memo[key] for key in self._update_keys]
        if adapter.assigns_in_graph:
            storages = dict(zip(self._variable_keys, variables))
            for update, value in zip(self.updates, new_values):
                adapter._assign(storages[id(update.args[0])], value)
            new_values = []
        return (
            [evaluation.value(o) for o in self.outputs],
            new_values,
            [memo[key] for key in self._print_keys],
        )

    def _feed(self, values: Any) -> list[Any]:
        if values.__class__ is not list:
            values, _ = _as_list(values, "input values")
        if len(values) != len(self.inputs):
            names = ", ".join(repr(t.name) for t in self.inputs)
            raise InvalidArgumentError(
                f"{self.name} takes {len(self.inputs)} input value(s), for placeholders "
                f"[{names}] in this order; got {len(values)}"
            )
        return [wanted.fed(self.adapter, value) for wanted, value in zip(self._wanted, values)]

    def __call__(self, inputs: Any) -> Any:
        """Run the graph on ``inputs``; apply the updates; return the outputs as NumPy arrays."""
        adapter = self.adapter
        fed = self._feed(inputs)
        current = [v.value for v in self._variables]  # the storages (their backend is checked)
        if config.active_adapter() is adapter:
            outputs, new_values, printed = self._run(fed, current)
        else:
            with config.use_backend(adapter.name):
                outputs, new_values, printed = self._run(fed, current)
        if printed:
            _print_all(self._prints, printed, adapter)
        _apply_updates(self.updates, new_values)
        results = [_to_numpy(adapter, value) for value in outputs]
        return results[0] if self._single else results

    def __repr__(self) -> str:
        return (
            f"<multik.Function {self.name!r} inputs={[t.name for t in self.inputs]} "
            f"outputs={len(self.outputs)} updates={len(self.updates)} backend={self.adapter.name}>"
        )


class _Wanted:
    """What the value fed to a placeholder must be: its dtype, and its shape where known."""

    __slots__ = ("dtype", "known", "numpy_dtype", "rank", "tensor")

    def __init__(self, tensor: SymbolicTensor) -> None:
        self.tensor = tensor
        self.dtype = tensor.dtype
        self.numpy_dtype = dtypes.numpy_dtype(tensor.dtype)
        #: The rank (None: any) and the (axis, size) of each known dimension.
        self.rank = len(tensor.shape) if tensor.rank_known else None
        self.known = tuple((axis, d) for axis, d in enumerate(tensor.shape) if d is not None)

    def fed(self, adapter: Adapter, value: Any) -> Any:
        """``value`` in the placeholder's dtype: NumPy and Python values stay on the host (a
        compiler takes them as they are), tensors are cast by K.cast rules."""
        if value.__class__ is np.ndarray and value.dtype == self.numpy_dtype:
            native = value  # the common case: an array of the right dtype
        else:
            native = adapter.host_array(value, self.dtype)
            if native is None:
                native = adapter.typed_tensor(value, self.dtype)
        if self.rank is not None:
            shape = native.shape if isinstance(native, np.ndarray) else adapter._shape(native)
            if len(shape) != self.rank or any(shape[axis] != d for axis, d in self.known):
                raise ShapeError(
                    f"the value for placeholder {self.tensor.name!r} has shape {tuple(shape)}, "
                    f"which does not fit its shape {self.tensor.shape}"
                )
        return native


def _variables_of(order: list[SymbolicTensor], outputs: list[Any]) -> list[Variable]:
    """The Variables a graph reads or updates, each once, in a fixed order."""
    found: dict[int, Variable] = {}
    for tensor in order:
        for leaf in tensor.inputs():
            if isinstance(leaf, Variable):
                found.setdefault(id(leaf), leaf)
    for output in outputs:
        if isinstance(output, Variable):
            found.setdefault(id(output), output)
    return list(found.values())


# --------------------------------------------------------------------------- updates


def _update_value(target: Any, value: Any) -> Any:
    """``value`` as the new value of the Variable ``target``: same dtype (K.cast rules)."""
    adapter = config.active_adapter()
    dtype = adapter._dtype(adapter.tensor(target))
    if value.__class__ in adapter._native_exact and adapter._dtype(value) == dtype:
        return value
    return adapter.typed_tensor(value, dtype)


def update_node(x: Variable, new_x: Any) -> SymbolicTensor:
    """A deferred assignment ``x := new_x``, applied when a K.function or K.eval runs it."""
    if not isinstance(x, Variable):
        raise InvalidArgumentError(f"K.update needs a multik Variable to assign, got {x!r}")
    tensor = node("update", _update_value, (x, new_x), name=unique_name(f"update_{x.name}"))
    if len(tensor.shape) != len(x.shape) or any(
        d is not None and d != s for d, s in zip(tensor.shape, x.shape)
    ):
        raise ShapeError(
            f"cannot update Variable {x.name!r} of shape {x.shape} with a value of shape "
            f"{tensor.shape}"
        )
    return tensor


def _update_of(update: Any, index: int) -> SymbolicTensor:
    """A K.function ``updates`` entry as an update node: a pair (Variable, value) or the
    result of K.update / K.update_add / K.update_sub / K.moving_average_update."""
    if isinstance(update, SymbolicTensor) and update.kind == "update":
        return update
    if isinstance(update, (list, tuple)) and len(update) == 2:
        return update_node(update[0], update[1])
    if isinstance(update, Variable):
        raise InvalidArgumentError(
            f"updates[{index}] is the Variable {update.name!r}, not a pending update: the K.update "
            "call that returned it had no symbolic input, so it was applied at once (multik runs "
            "eagerly unless a placeholder is involved). Give a pair (variable, new_value) whose "
            "value depends on an input of the function"
        )
    raise InvalidArgumentError(
        f"updates[{index}] must be a pair (variable, new_value) or the result of K.update*, "
        f"got {update!r}"
    )


# --------------------------------------------------------------------------- gradients


class GradientGroup:
    """The gradients of one loss with respect to several tensors, computed together."""

    def __init__(self, loss: SymbolicTensor, wrt: list[Any]) -> None:
        self.loss = loss
        self.wrt = wrt
        self.order = topological_order([loss])
        #: The steps that compute the loss, per adapter (built on first use).
        self._programs: dict[int, _Program] = {}
        #: The nodes whose value depends on one of ``wrt`` (recomputed while differentiating).
        self.dependent = self._dependents({id(w) for w in wrt})

    def program(self, adapter: Adapter) -> _Program:
        """The steps that compute the loss on ``adapter`` (the numpy backend differentiates on
        its autograd tracer, whose methods the steps must call), built on first use."""
        program = self._programs.get(id(adapter))
        if program is None:
            program = self._programs[id(adapter)] = _Program(self.order, adapter)
        return program

    def _dependents(self, wrt_ids: set[int]) -> set[int]:
        """The nodes that depend on the tensors of ``wrt_ids`` other than through
        ``K.stop_gradient``, and those tensors themselves where they are nodes."""
        dependent = wrt_ids & {id(t) for t in self.order}
        for tensor in self.order:
            if tensor.kind != "stop_gradient" and any(
                id(leaf) in wrt_ids or id(leaf) in dependent for leaf in tensor.inputs()
            ):
                dependent.add(id(tensor))
        return dependent

    def reaches(self, tensor: Any) -> bool:
        """Whether the loss depends on ``tensor`` (else its gradient is None, as tf_keras)."""
        return id(self.loss) in self._dependents({id(tensor)})


def gradients(loss: Any, variables: Any) -> list[SymbolicTensor | None]:
    """Symbolic gradients of the sum of ``loss`` with respect to each of ``variables``; None
    where the loss does not depend on one (as tf_keras)."""
    adapter = config.active_adapter()
    adapter._require_autodiff()
    if not isinstance(loss, SymbolicTensor):
        raise InvalidArgumentError(
            "K.gradients needs a symbolic loss, built from K.placeholder inputs; this loss was "
            "computed eagerly (nothing in it is symbolic), so it has no graph to differentiate"
        )
    wrt, _ = _as_list(variables, "variables")
    for tensor in [loss, *wrt]:
        if not isinstance(tensor, (SymbolicTensor, Variable)):
            raise InvalidArgumentError(
                f"K.gradients differentiates with respect to Variables and symbolic tensors, "
                f"got {tensor!r}"
            )
        if not dtypes.is_float(tensor.dtype):
            raise DTypeError(
                f"K.gradients needs float tensors; {getattr(tensor, 'name', tensor)!r} has "
                f"dtype {tensor.dtype}"
            )
    check_backend([t for t in [loss, *wrt] if isinstance(t, SymbolicTensor)])
    group = GradientGroup(loss, wrt)
    return [
        _gradient_node(group, index, adapter) if group.reaches(tensor) else None
        for index, tensor in enumerate(wrt)
    ]


def _gradient_node(group: GradientGroup, index: int, adapter: Adapter) -> SymbolicTensor:
    wrt = group.wrt[index]
    if isinstance(wrt, Variable):
        probes: tuple[Any, ...] = (adapter._probe_zeros(wrt.shape, wrt.dtype),)
    else:
        probes = tuple(adapter._probe_zeros(adapter._shape(p), wrt.dtype) for p in wrt.probes)
    tensor = SymbolicTensor(
        "gradient",
        unique_name(f"gradient_{wrt.name}"),
        wrt.shape,
        wrt.dtype,
        probes,
        args=(group.loss, wrt),
    )
    tensor.group, tensor.index = group, index
    return tensor


# --------------------------------------------------------------------------- print


def _identity(x: Any) -> Any:
    return config.active_adapter().tensor(x)


def print_node(x: SymbolicTensor, message: str, summarize: int) -> SymbolicTensor:
    """``x``, printed with ``message`` whenever a K.function or K.eval computes it."""
    tensor = node("print", _identity, (x,), name=unique_name(f"print_{x.name}"))
    tensor.message, tensor.summarize = message, summarize
    return tensor
