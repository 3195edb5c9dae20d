"""Random numbers in graphs: a random node draws when the graph runs, and draws anew each run.

A K random call (``K.random_uniform``, ``K.dropout``, ...) on a symbolic input, or any K random
call in graph mode, becomes a node that owns a *seed Variable*: an int32 pair, ``(seed mod
2**32, 0)`` for an int seed, else a pair drawn from NumPy's global generator. The node draws
with the pair's current value and carries a pending update that adds 1 to its second half, so
``K.function`` and ``K.eval`` apply it after each run, like any other update. The pair is an
input of the compiled function (jax.jit, tf.function), never a constant baked into it, so a
compiled function draws new numbers on each call; a seeded node repeats its sequence of draws
from one program run to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from multik import config, graph, symbolic
from multik.symbolic import SymbolicTensor
from multik.variable import Variable

__all__ = ["draw"]


def draw(fn: Callable[..., Any], *args: Any, seed: Any) -> SymbolicTensor:
    """The graph node of the K random call ``fn(*args, seed=seed)``: it draws when the graph
    runs, with a seed pair that advances on each run (a tensor ``seed`` is used as it is)."""
    if seed is not None and not isinstance(seed, (int, np.integer)):
        return symbolic.call(fn, *args, seed=seed)
    adapter = config.active_adapter()
    name = symbolic.unique_name(f"{fn.__name__}_seed")
    pair = adapter._seed_pair(seed, in_graph=False)
    state = Variable(adapter, adapter._new_variable(pair, name), name)
    advance = graph.update_node(state, symbolic.call(_advanced, state))
    return symbolic.node(
        "op", _drawn, (fn, args, state, advance), name=symbolic.unique_name(fn.__name__)
    )


def _advanced(pair: Any) -> Any:
    """The seed pair of the next run: ``pair + (0, 1)``."""
    adapter = config.active_adapter()
    step = adapter._from_numpy(np.array([0, 1], dtype=np.int32))
    return adapter._binary("add", adapter.tensor(pair), step)


def _drawn(fn: Callable[..., Any], args: tuple[Any, ...], pair: Any, advance: Any) -> Any:
    """``fn(*args, seed=pair)``; ``advance`` (the pending update) is an input only so that a
    graph computing this node also applies it."""
    return fn(*args, seed=pair)
