"""Symbolic tensors: ``K.placeholder`` and every K call, operator and index applied to one.

A ``SymbolicTensor`` is a node of a graph: the K function (or operator) that makes it, its
arguments (which may hold other symbolic tensors, Variables, native tensors and Python values),
and its static shape (``None`` for an unknown dimension) and dtype. Nothing runs until
``K.function`` or ``K.eval`` evaluates the graph (``multik.graph``).

Shape and dtype inference needs no framework beyond the active backend: each node runs its K
function once on *probe* values (zeros, with every unknown dimension taken as 6; abstract arrays
on JAX) and, when the graph has unknown dimensions, once more with them taken as 12 and, where
the call accepts it, a third time with them taken as 2; an output dimension that differs between
the runs is unknown (the small run catches results that saturate, such as a convolution window
of unknown size that is larger than the input at both 6 and 12). Every check a K function makes
on its arguments therefore runs while the graph is built, with the same error class as an eager
call; where a check rejects the probed size of an unknown dimension, the sizes the call mentions
are tried instead (see ``_probe_run``).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from multik import config
from multik.errors import (
    InvalidArgumentError,
    MultikError,
    ShapeError,
    SymbolicInput,
    UnsupportedError,
)
from multik.operators import Deferred, register_deferred_operator
from multik.variable import Variable

__all__ = ["PROBE_SIZES", "SymbolicTensor", "call", "node", "placeholder"]

#: The sizes an unknown dimension takes in the two inference runs.
PROBE_SIZES = (6, 12)
#: The size an unknown dimension takes in a third, optional run. A result can saturate at both
#: probe sizes (a convolution window of unknown size larger than the input gives no outputs at
#: 6 and at 12): a dimension that differs at this small size is unknown too. The run only adds
#: evidence, so a call that rejects this size keeps what the two runs inferred.
SMALL_PROBE_SIZE = 2
#: The sizes of every run, in order.
_RUN_SIZES = (*PROBE_SIZES, SMALL_PROBE_SIZE)

_names: dict[str, itertools.count[int]] = {}


def unique_name(prefix: str) -> str:
    """``prefix``, then ``prefix_1``, ``prefix_2``, ... (restarted by ``K.clear_session``)."""
    index = next(_names.setdefault(prefix, itertools.count()))
    return prefix if index == 0 else f"{prefix}_{index}"


def reset_names() -> None:
    """Restart the automatic node names."""
    _names.clear()


def refuse_symbolic(x: SymbolicTensor) -> SymbolicInput:
    """The error for a symbolic tensor where only a value will do."""
    return SymbolicInput(
        f"{x!r} is symbolic and has no value yet: this call needs a value. Evaluate the "
        "tensor first with K.eval(x), or run the computation with K.function(inputs, outputs)"
    )


class SymbolicTensor(Deferred):
    """A tensor of a graph built from placeholders: a static shape and dtype, no value yet.

    ``kind`` is 'placeholder', 'op' (a K call, operator or index), 'shape' (``K.shape``),
    'stop_gradient', 'gradient', 'print', 'update' or 'tuple' (the tuple of results of a call
    with several, which 'op' nodes read item by item: ``tuple_node``).
    """

    __array_ufunc__ = None  # NumPy defers its operators to ours
    __array_priority__ = 200

    def __init__(
        self,
        kind: str,
        name: str,
        shape: tuple[int | None, ...],
        dtype: str,
        probes: tuple[Any, ...],
        fn: Callable[..., Any] | None = None,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.backend = config.active_adapter().name
        self.fn = fn
        self.args = args
        self.kwargs = kwargs or {}
        self.probes = probes
        #: A placeholder's value when it is not fed (None: it must be fed).
        self.default: Any = None
        #: Whether the node may run on NumPy when its symbolic inputs are host constants.
        self.foldable = False
        #: Whether no symbolic tensor or Variable hides in a list, tuple or dict of ``args``.
        self.flat = not any(
            isinstance(a, (list, tuple, dict, slice)) and next(_leaves(a), None) is not None
            for a in args
        )
        #: Gradient nodes: the GradientGroup they belong to and their position in it.
        self.group: Any = None
        self.index = 0
        #: Print nodes: the message and how many items to print at each end of an axis.
        self.message = ""
        self.summarize = 3
        #: Whether the value depends on an unknown placeholder dimension (two probe runs).
        self.dynamic = len(probes) > 1
        #: Whether the shape depends on fed values (slice bounds), not only on fed shapes.
        self.value_dependent = False
        #: False for a placeholder of unknown rank and what is computed from it: its static
        #: shape is then unknown (int_shape and ndim give None), and it is probed as rank 1.
        self.rank_known = True

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def _keras_shape(self) -> tuple[int | None, ...]:
        """Keras 2's attribute for the static shape, which legacy code reads."""
        return self.shape

    def inputs(self) -> Iterator[Any]:
        """The symbolic tensors and Variables this node is computed from."""
        yield from _leaves((self.args, self.kwargs))

    def __repr__(self) -> str:
        return (
            f"<multik.SymbolicTensor {self.name!r} shape={self.shape} dtype={self.dtype} "
            f"backend={self.backend}>"
        )

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth value of {self!r} is unknown until the graph runs; choose between "
            "tensors with K.in_train_phase or compare values after K.function/K.eval"
        )

    def __len__(self) -> int:
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of {self!r}: its first dimension is not known")
        return self.shape[0]

    def __iter__(self) -> Iterator[SymbolicTensor]:
        return (self[i] for i in range(len(self)))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise refuse_symbolic(self)

    def _apply(self, op: str, x: object, y: object) -> SymbolicTensor:
        return operator_node(op, x, y)


# --------------------------------------------------------------------------- operator bodies


def _operator(op: str, x: object, y: object) -> Any:
    """A Python operator on values, by the active adapter's rules (as on Variables)."""
    return config.active_adapter()._operator(op, x, y)


def _unary_operator(op: str, x: object) -> Any:
    return config.active_adapter().unary_operator(op, x)


def operator_node(op: str, x: object, y: object) -> SymbolicTensor:
    """A Python operator (or index) as a graph node: on a symbolic tensor, or on a Variable in
    graph mode (the node reads the Variable when the graph runs)."""
    if op in _UNARY_OPERATORS:
        return node("op", _unary_operator, (op, x), name=unique_name(op))
    if op == "getitem":
        if symbolic_inputs(y):
            return _value_dependent_getitem(x, y)
        return call(_getitem, x, y)
    return node("op", _operator, (op, x, y), name=unique_name(op))


_UNARY_OPERATORS = frozenset({"negative", "abs"})


def _getitem(x: object, key: Any) -> Any:
    """``x[key]`` with the framework's own indexing, as a tensor of the active backend. Scalar
    tensors in ``key`` (fed slice bounds) become Python ints where they have values; a compiler
    that traces them (tf.function) slices with them as they are."""
    adapter = config.active_adapter()
    return adapter.getitem(x, _concrete_key(adapter, key))


def _concrete_key(adapter: Any, key: Any) -> Any:
    if isinstance(key, tuple):
        return tuple(_concrete_key(adapter, k) for k in key)
    if isinstance(key, slice):
        return slice(*(_concrete_key(adapter, k) for k in (key.start, key.stop, key.step)))
    if isinstance(key, adapter.native_types) and adapter._is_concrete(key):
        return int(adapter._to_numpy(key))
    return key


def _value_dependent_getitem(x: object, key: Any) -> SymbolicTensor:
    """``x[key]`` where ``key`` holds symbolic scalars (``x[:, 2:i]`` with ``i`` fed): the axes
    they slice have unknown sizes, and the node's shape depends on fed values, so the graph
    that holds it is not compiled where the compiler needs static shapes (``jax.jit``)."""
    adapter = config.active_adapter()
    elements = key if isinstance(key, tuple) else (key,)
    for element in elements:
        if isinstance(element, SymbolicTensor) and (element.ndim or 0) > 0:
            raise UnsupportedError(
                "indexing with a symbolic tensor of rank 1 or more is not supported; use "
                "K.gather or K.batch_gather"
            )
    full = tuple(_without_symbols(e) for e in elements)
    static = call(_getitem, x, full if isinstance(key, tuple) else full[0])
    unknown = _sliced_axes(elements, len(_shape_of(x)))
    shape = tuple(None if axis in unknown else d for axis, d in enumerate(static.shape))
    probes = tuple(
        adapter._probe_zeros(tuple(size if d is None else d for d in shape), static.dtype)
        for size in _RUN_SIZES
    )
    tensor = SymbolicTensor(
        "op", unique_name("getitem"), shape, static.dtype, probes, _getitem, (x, key)
    )
    tensor.value_dependent = True
    return tensor


def _without_symbols(element: Any) -> Any:
    """A key element with symbolic slice bounds widened to the full axis and symbolic scalar
    indices taken as 0 (the static shape is then right except on the sliced axes)."""
    if isinstance(element, slice):
        bounds = (element.start, element.stop, element.step)
        return slice(*(None if isinstance(b, SymbolicTensor) else b for b in bounds))
    return 0 if isinstance(element, SymbolicTensor) else element


def _sliced_axes(elements: tuple[Any, ...], ndim: int) -> set[int]:
    """The output axes of slices with symbolic bounds in a key of basic indexing."""
    unknown, axis = set(), 0
    for position, element in enumerate(elements):
        if element is Ellipsis:
            consumed = sum(1 for e in elements if e is not None and e is not Ellipsis)
            axis += ndim - consumed
        elif element is None:
            axis += 1
        elif isinstance(element, slice):
            if any(isinstance(b, SymbolicTensor) for b in (element.start, element.stop)):
                unknown.add(axis)
            axis += 1
        elif not isinstance(element, (int, np.integer, SymbolicTensor)):
            raise UnsupportedError(
                f"index element {position} ({element!r}) is not supported with symbolic "
                "bounds; use ints, slices, None and ..."
            )
    return unknown


def _shape_of(x: object) -> tuple[int | None, ...]:
    if isinstance(x, SymbolicTensor):
        return x.shape
    return tuple(config.active_adapter().int_shape(x))


# --------------------------------------------------------------------------- graph walking


def _leaves(value: Any) -> Iterator[Any]:
    """The symbolic tensors and Variables inside nested lists, tuples and dicts."""
    if isinstance(value, (SymbolicTensor, Variable)):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, slice):
        yield from _leaves((value.start, value.stop, value.step))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)


def substitute(value: Any, replace: Callable[[Any], Any]) -> Any:
    """``value`` with every symbolic tensor and Variable inside lists/tuples/dicts replaced."""
    if isinstance(value, (SymbolicTensor, Variable)):
        return replace(value)
    if isinstance(value, list):
        return [substitute(item, replace) for item in value]
    if isinstance(value, tuple):
        return tuple(substitute(item, replace) for item in value)
    if isinstance(value, slice):
        return slice(*substitute((value.start, value.stop, value.step), replace))
    if isinstance(value, dict):
        return {key: substitute(item, replace) for key, item in value.items()}
    return value


def symbolic_inputs(value: Any) -> list[SymbolicTensor]:
    """The symbolic tensors inside ``value`` (nested lists, tuples, dicts)."""
    return [leaf for leaf in _leaves(value) if isinstance(leaf, SymbolicTensor)]


def check_backend(tensors: list[SymbolicTensor]) -> None:
    """Every symbolic tensor must belong to the active backend."""
    from multik.backends._convert import mismatch

    active = config.active_adapter().name
    for tensor in tensors:
        if tensor.backend != active:
            raise mismatch(tensor, active, tensor.backend)


# --------------------------------------------------------------------------- nodes


@contextlib.contextmanager
def _inferring(inputs: list[SymbolicTensor]) -> Iterator[None]:
    """Quiet NumPy's warnings on probe values (zeros); say how unknown dimensions were probed
    when a K function rejects its probed arguments."""
    try:
        with np.errstate(all="ignore"):
            yield
    except MultikError as exc:
        if any(t.dynamic for t in inputs):
            exc.args = (
                f"{exc.args[0] if exc.args else exc} (while inferring the static shape: unknown "
                f"(None) dimensions of placeholders were tried at {PROBE_SIZES[0]}, "
                f"{PROBE_SIZES[1]} and the sizes this call mentions; if the call is right, give "
                "the placeholders the dimensions it needs)",
            )
        raise


def _merged_shape(shapes: list[tuple[int, ...]]) -> tuple[int | None, ...]:
    first = shapes[0]
    if any(len(s) != len(first) for s in shapes):
        raise ShapeError(f"the rank of this result depends on unknown dimensions: {shapes}")
    return tuple(d if all(s[i] == d for s in shapes) else None for i, d in enumerate(first))


def _probe_of(tensor: SymbolicTensor, run: int) -> Any:
    return tensor.probes[min(run, len(tensor.probes) - 1)]


_HOST = (np.ndarray, np.generic)


def _probe_values(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    probe_of: Callable[[SymbolicTensor], Any],
    foldable: bool,
) -> Any:
    """``fn`` on the arguments, with probe values for symbolic tensors and Variables' values.

    As when the graph runs, ``K.shape`` gives a NumPy vector and foldable nodes on such host
    values run on NumPy; every other call runs through the adapter's ``_infer`` (JAX: abstract
    evaluation, so inference compiles nothing).
    """
    adapter = config.active_adapter()
    inputs = list(dict.fromkeys(symbolic_inputs((args, kwargs))))
    values = {id(t): probe_of(t) for t in inputs}
    if fn is _static_shape:
        return np.asarray(adapter._shape(values[id(inputs[0])]), dtype=np.int32)
    if foldable and all(isinstance(v, _HOST) for v in values.values()):
        with config.use_backend("numpy"):
            return fn(*substitute(args, _by_id(values)), **substitute(kwargs, _by_id(values)))
    traced = [t for t in inputs if not isinstance(values[id(t)], _HOST)]

    def run(*traced_values: Any) -> Any:
        current = {**values, **{id(t): v for t, v in zip(traced, traced_values)}}

        def probe(leaf: Any) -> Any:
            if isinstance(leaf, SymbolicTensor):
                return current[id(leaf)]
            return adapter.read_variable(leaf)

        return fn(*substitute(args, probe), **substitute(kwargs, probe))

    return adapter._infer(run, [values[id(t)] for t in traced])


def _by_id(values: dict[int, Any]) -> Callable[[Any], Any]:
    return lambda leaf: values[id(leaf)]


#: At most this many other sizes are tried for the unknown dimensions of one call.
_MAX_UNIFICATIONS = 400


def _probe_run(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    inputs: list[SymbolicTensor],
    run: int,
    foldable: bool,
) -> Any:
    """``fn`` on the probes of ``run``. When a check rejects the sizes that unknown dimensions
    were probed with (``K.dot`` of an unknown dimension with a known one, ``K.squeeze`` of an
    unknown axis), the unknown dimensions of the inputs are tried at the sizes the call itself
    mentions (1, its known dimensions, its integers), fewest changes first: a dimension that
    must equal a known one is then known, as in tf_keras's graph mode."""
    try:
        return _probe_values(fn, args, kwargs, lambda t: _probe_of(t, run), foldable)
    except ShapeError as rejected:
        for sizes in _unifications(args, kwargs, inputs, run):
            try:
                return _probe_values(fn, args, kwargs, sizes, foldable)
            except ShapeError:
                continue
        raise rejected


def _unifications(
    args: tuple[Any, ...], kwargs: dict[str, Any], inputs: list[SymbolicTensor], run: int
) -> Iterator[Callable[[SymbolicTensor], Any]]:
    """Probe functions that give some unknown dimensions other sizes, fewest changed first."""
    adapter = config.active_adapter()
    probed = {id(t): adapter._shape(_probe_of(t, run)) for t in inputs}
    slots = [
        (t, axis) for t in dict.fromkeys(inputs) for axis, d in enumerate(t.shape) if d is None
    ]
    if not slots:
        return
    candidates = sorted(_sizes_mentioned((args, kwargs), inputs) - {_RUN_SIZES[run]})
    tried = 0
    for count in range(1, len(slots) + 1):
        for chosen in itertools.combinations(slots, count):
            for sizes in itertools.product(candidates, repeat=count):
                tried += 1
                if tried > _MAX_UNIFICATIONS:
                    return
                shapes = {id(t): list(probed[id(t)]) for t, _ in chosen}
                for (tensor, axis), size in zip(chosen, sizes):
                    shapes[id(tensor)][axis] = size

                def probe_of(t: SymbolicTensor, shapes: dict[int, list[int]] = shapes) -> Any:
                    if id(t) in shapes:
                        return adapter._probe_zeros(tuple(shapes[id(t)]), t.dtype)
                    return _probe_of(t, run)

                yield probe_of


def _sizes_mentioned(value: Any, inputs: list[SymbolicTensor]) -> set[int]:
    """1, the known dimensions of the inputs and of the tensors in ``value``, and the
    non-negative integers in ``value`` with the product of each sequence of them."""
    adapter = config.active_adapter()
    sizes = {1} | {d for t in inputs for d in t.shape if d is not None}

    def visit(item: Any) -> None:
        if isinstance(item, bool) or isinstance(item, SymbolicTensor):
            return
        if isinstance(item, (int, np.integer)):
            if item >= 0:
                sizes.add(int(item))
        elif isinstance(item, Variable):
            sizes.update(item.shape)
        elif isinstance(item, adapter.native_types):
            sizes.update(d for d in adapter._shape(item) if d is not None)
        elif isinstance(item, (list, tuple)):
            for element in item:
                visit(element)
            ints = [e for e in item if isinstance(e, (int, np.integer)) and not isinstance(e, bool)]
            if ints and len(ints) == len(item) and all(e >= 0 for e in ints):
                sizes.add(int(np.prod(ints)))
        elif isinstance(item, dict):
            for element in item.values():
                visit(element)

    visit(value)
    return sizes


def node(
    kind: str,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> SymbolicTensor:
    """A node computing ``fn(*args, **kwargs)``, its shape and dtype inferred on probes."""
    kwargs = kwargs or {}
    inputs = symbolic_inputs((args, kwargs))
    check_backend(inputs)
    adapter = config.active_adapter()
    foldable = (
        bool(inputs)
        and all(t.kind == "shape" or t.foldable for t in inputs)
        and not any(isinstance(leaf, Variable) for leaf in _leaves((args, kwargs)))
        and not _holds(args, adapter.native_types)
        and not _holds(kwargs, adapter.native_types)
    )
    runs = 2 if any(t.dynamic for t in inputs) else 1
    with _inferring(inputs):
        probes = tuple(_probe_run(fn, args, kwargs, inputs, run, foldable) for run in range(runs))
    shape = _merged_shape([adapter._shape(p) for p in probes])
    small = _small_probe(fn, args, kwargs, inputs, foldable, len(shape))
    if small is not None:
        probes = (*probes, small)
        shape = _merged_shape([shape, adapter._shape(small)])
    tensor = SymbolicTensor(
        kind,
        name or unique_name(getattr(fn, "__name__", "op").strip("_")),
        shape,
        adapter._dtype(probes[0]),
        probes,
        fn,
        args,
        kwargs,
    )
    tensor.foldable = foldable
    tensor.rank_known = all(t.rank_known for t in inputs)
    return tensor


def _small_probe(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    inputs: list[SymbolicTensor],
    foldable: bool,
    rank: int,
) -> Any:
    """``fn`` on the probes of the third run, or None: when no input has unknown dimensions,
    when an input's own third run failed (its probes would mix sizes), or when the call
    rejects the small size or gives another rank there."""
    dynamic = [t for t in inputs if t.dynamic]
    if not dynamic or any(len(t.probes) < len(_RUN_SIZES) for t in dynamic):
        return None
    try:
        with np.errstate(all="ignore"):
            result = _probe_run(fn, args, kwargs, inputs, len(_RUN_SIZES) - 1, foldable)
    except Exception:  # the run only adds evidence: its failure adds none
        return None
    adapter = config.active_adapter()
    return result if len(adapter._shape(result)) == rank else None


def _holds(value: Any, types: tuple[type, ...]) -> bool:
    """Whether nested lists, tuples and dicts hold an instance of ``types``."""
    if isinstance(value, types):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds(item, types) for item in value)
    if isinstance(value, dict):
        return any(_holds(item, types) for item in value.values())
    return False


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> SymbolicTensor:
    """The symbolic result of the K function ``fn`` on arguments holding symbolic tensors."""
    return node("op", fn, args, kwargs)


def placeholder(
    shape: Any = None,
    ndim: int | None = None,
    dtype: Any = None,
    sparse: bool = False,
    name: str | None = None,
    ragged: bool = False,
    default: Any = None,
) -> SymbolicTensor:
    """A graph input of static ``shape`` (``None`` for unknown dimensions) and ``dtype``."""
    if sparse or ragged:
        raise UnsupportedError(
            "multik has no sparse or ragged tensors on any backend; use a dense placeholder"
        )
    rank_known = shape is not None or ndim is not None
    shape = _placeholder_shape(shape, ndim)
    adapter = config.active_adapter()
    dtype = adapter.dtype_arg(dtype)
    sizes = _RUN_SIZES if None in shape else _RUN_SIZES[:1]
    probes = tuple(
        adapter._probe_zeros(tuple(size if d is None else d for d in shape), dtype)
        for size in sizes
    )
    tensor = SymbolicTensor("placeholder", name or unique_name("placeholder"), shape, dtype, probes)
    tensor.default = default
    tensor.rank_known = rank_known
    return tensor


def _placeholder_shape(shape: Any, ndim: int | None) -> tuple[int | None, ...]:
    if shape is None:
        if ndim is None:
            return (None,)  # unknown rank, probed as rank 1
        if isinstance(ndim, bool) or not isinstance(ndim, (int, np.integer)) or ndim < 0:
            raise InvalidArgumentError(f"ndim must be a non-negative int, got {ndim!r}")
        return (None,) * int(ndim)
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or any(
        d is not None and (isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0)
        for d in shape
    ):
        raise ShapeError(
            f"placeholder shape must be a tuple of non-negative ints or None, got {shape!r}"
        )
    if ndim is not None and ndim != len(shape):
        raise ShapeError(f"placeholder shape {tuple(shape)} does not have ndim={ndim}")
    return tuple(None if d is None else int(d) for d in shape)


def _static_shape(x: object) -> Any:
    """The shape of ``x`` as a NumPy int32 vector (a host constant, foldable while tracing)."""
    adapter = config.active_adapter()
    shape = adapter._shape(adapter.tensor(x))
    if any(d is None for d in shape):
        return adapter.shape(x)
    return np.asarray(shape, dtype=np.int32).reshape(len(shape))


def shape_of(x: SymbolicTensor) -> SymbolicTensor:
    """``K.shape`` of a symbolic tensor: an int32 vector, folded to a host constant when the
    evaluated shape is static, so ``K.reshape(x, (K.shape(x)[0], -1))`` runs under compilers."""
    return node("shape", _static_shape, (x,), name=unique_name("shape"))


def reshape(x: Any, shape: Any, native_reshape: Callable[..., Any]) -> SymbolicTensor:
    """``K.reshape`` with symbolic inputs; like TensorFlow's graph mode, a ``-1`` next to an
    unknown target dimension is unknown too."""
    tensor = call(native_reshape, x, shape)
    if isinstance(shape, (list, tuple)) and any(
        isinstance(d, SymbolicTensor) and d.dynamic for d in shape
    ):
        tensor.shape = tuple(
            None if isinstance(d, int) and d == -1 else s for d, s in zip(shape, tensor.shape)
        )
    return tensor


register_deferred_operator(operator_node)


# --------------------------------------------------------------------------- multi-output nodes


def tuple_node(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> list[SymbolicTensor]:
    """The results of ``fn(*args, **kwargs)``, which returns a tuple of tensors, as symbolic
    tensors: one node (kind 'tuple') computes the tuple when the graph runs, and one node per
    item reads its item, so the graph computes ``fn`` once for all of them."""
    kwargs = kwargs or {}
    inputs = symbolic_inputs((args, kwargs))
    check_backend(inputs)
    runs = 2 if any(t.dynamic for t in inputs) else 1
    with _inferring(inputs):
        probes = tuple(_probe_run(fn, args, kwargs, inputs, run, False) for run in range(runs))
    name = name or unique_name(getattr(fn, "__name__", "op").strip("_"))
    whole = SymbolicTensor("tuple", name, (), "tuple", probes, fn, args, kwargs)
    return [
        node("op", _item, (whole, index), name=unique_name(f"{name}_{index}"))
        for index in range(len(probes[0]))
    ]


def _item(values: tuple[Any, ...], index: int) -> Any:
    return values[index]
