"""How the TensorFlow adapter runs a K.function graph: traced once per input signature by
``tf.function``, compiled by XLA where it can be, and called directly through the concrete
function of each trace."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from multik.backends._tf_fast import EagerTensor as _EagerTensor

__all__ = ["ConcreteFunctions"]


def _signature(x: Any) -> tuple[Any, ...]:
    """The shape and dtype of a NumPy array or tensor, as a key."""
    if x.__class__ is np.ndarray:
        return (x.shape, x.dtype.str)
    return (tuple(x.shape), x.dtype.name)


#: Whether K.function graphs are compiled by XLA first (a graph XLA cannot compile runs as a
#: plain TensorFlow graph).
_XLA = True
#: What TensorFlow raises when XLA cannot compile a graph (an op without an XLA kernel, a shape
#: that depends on values).
_NOT_COMPILED = (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError)


class ConcreteFunctions:
    """``fn(fed, variables)`` traced by tf.function once per signature of the fed values
    (shapes and dtypes) and set of Variables, compiled by XLA where it can be (one program
    instead of an executor running op after op), each trace called directly with tensors
    through its concrete function: tf.function's own dispatch, which matches nested Python
    arguments against its traces, costs more than a small graph takes to run. The Variables of a
    trace are captured as resources, not passed in."""

    def __init__(self, fn: Callable[[list[Any], list[Any]], Any]) -> None:
        self.fn = fn
        self.traces: dict[tuple[Any, ...], Callable[[list[tf.Tensor]], Any]] = {}

    def __call__(self, fed: list[Any], variables: list[Any]) -> Any:
        tensors = [x if x.__class__ is _EagerTensor else tf.constant(x) for x in fed]
        key = (*map(_signature, fed), *map(id, variables))
        call = self.traces.get(key)
        if call is None:
            return self._first_call(key, tensors, list(variables))
        return call(tensors)

    def _first_call(
        self, key: tuple[Any, ...], tensors: list[tf.Tensor], variables: list[Any]
    ) -> Any:
        if _XLA:
            concrete = self._concrete(tensors, variables, jit_compile=True)
            if not _draws(concrete):
                call = _caller(concrete)
                try:
                    result = call(tensors)
                except _NOT_COMPILED:
                    pass  # compiled before it runs: nothing was assigned
                else:
                    self.traces[key] = call
                    return result
        concrete = self._concrete(tensors, variables, jit_compile=False)
        call = self.traces[key] = _caller(concrete)
        return call(tensors)

    def _concrete(self, tensors: list[tf.Tensor], variables: list[Any], jit_compile: bool) -> Any:
        def flat(*fed: tf.Tensor) -> Any:
            return self.fn(list(fed), variables)

        specs = [tf.TensorSpec(x.shape, x.dtype) for x in tensors]
        function = tf.function(flat, autograph=False, jit_compile=jit_compile)
        return function.get_concrete_function(*specs)


def _caller(concrete: Any) -> Callable[[list[tf.Tensor]], Any]:
    """A call of ``concrete`` with a list of tensors, through its flat entry point."""
    call_flat = getattr(concrete, "_call_flat", None)
    if call_flat is None:  # a TensorFlow without it: the public call, slower
        return lambda fed: concrete(*fed)
    captured = concrete.captured_inputs
    return lambda fed: call_flat(fed, captured)


#: The op types that draw random numbers. XLA generates their bits in its own way, so a graph
#: that draws runs as a plain TensorFlow graph: its draws are those of the eager call with the
#: same seed pair (a seeded K.random_* node's first run gives the eager numbers).
_RANDOM_OPS = ("StatelessRandom", "StatelessTruncatedNormal", "RandomUniform", "RandomStandard")


def _draws(concrete: Any) -> bool:
    """Whether the graph of ``concrete`` (its loop and branch bodies included) draws."""
    graph = concrete.graph.as_graph_def()
    nodes = [*graph.node, *(n for f in graph.library.function for n in f.node_def)]
    return any(n.op.startswith(_RANDOM_OPS) for n in nodes)
