"""What one call of a ``K.function`` costs, next to the same computation written in the framework.

    python -m benchmarks.function [--quick] [--backends numpy,jax] [--write]

Two cases on a small 2-layer MLP (x (32, 64) float32 -> relu(x @ W1 + b1) (32, 32) ->
softmax(h @ W2 + b2) (32, 10)):

- ``forward``: ``K.function([x], [h, probs])`` against the framework's own code: a ``jax.jit``
  function (jax), a ``tf.function`` (tensorflow), plain torch under ``torch.no_grad`` (torch),
  plain NumPy (numpy).
- ``train step`` (not on numpy: no raw NumPy autodiff): the loss mean(square(h @ W2 + b2 - y)),
  its gradients with respect to the four Variables and SGD updates (learning rate 0.1), as
  ``K.function([x, y], [loss], updates=[(v, v - 0.1 * g), ...])`` against a ``jax.jit`` step
  returning new parameters, a ``tf.function`` with ``tf.GradientTape`` and ``assign_sub``, and
  torch autograd with in-place updates under ``torch.no_grad``.

On tensorflow a third variant is legacy Keras itself: tf_keras's own ``K.function`` in TF1
graph mode (a ``tf.Graph`` and its session, what Keras 2 code ran on), the bar multik must clear
on every backend.

Every variant takes NumPy arrays and returns NumPy arrays. Before timing, their first calls
(which trace and compile; timed once, apart) are checked to give the same outputs and updated
parameters; the parameters are then reset. One subprocess per backend; the variants are timed
in turn, round after round, with the helpers of ``benchmarks.overhead``. The Markdown report
goes to stdout and, with ``--write``, to docs/function-performance.md; progress to stderr.
"""

from __future__ import annotations

import json
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import cases
from benchmarks.overhead import (
    Settings,
    _time_interleaved,
    _us,
    drive,
    generated_by,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "function-performance.md"

CASES = ("forward", "train step")
#: The cases each backend runs (NumPy has no automatic differentiation).
CASES_OF = {backend: CASES if backend != "numpy" else ("forward",) for backend in cases.BACKENDS}
BATCH, FEATURES, HIDDEN, CLASSES = 32, 64, 32, 10
LEARNING_RATE = 0.1
#: Agreement asked of multik and raw before timing.
RTOL = 1e-5
#: Per-call targets: multik at most this multiple of the hand-written code, and no slower than
#: tf_keras's K.function in graph mode.
RAW_RATIO = 1.2

#: A K.function call costs tens to hundreds of µs, so each timing runs longer than in overhead.
FULL = Settings(rounds=15, budget=0.1, shapes={})


# --------------------------------------------------------------------------- the computations


def _data(seed: int = 0) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """The fed arrays (x, y) and the initial parameters [W1, b1, W2, b2], all float32."""
    rng = np.random.default_rng(seed)

    def normal(*shape: int, scale: float = 1.0) -> np.ndarray:
        return (scale * rng.standard_normal(shape)).astype(np.float32)

    fed = {"x": normal(BATCH, FEATURES), "y": normal(BATCH, CLASSES)}
    params = [
        normal(FEATURES, HIDDEN, scale=FEATURES**-0.5),
        normal(HIDDEN, scale=0.1),
        normal(HIDDEN, CLASSES, scale=HIDDEN**-0.5),
        normal(CLASSES, scale=0.1),
    ]
    return fed, params


class Variant:
    """One side of a case: ``call`` runs one step on NumPy inputs and returns NumPy outputs;
    ``params`` gives the current parameters as NumPy arrays; ``reset`` restores the initial ones.
    """

    def __init__(
        self,
        call: Callable[[], list[np.ndarray]],
        params: Callable[[], list[np.ndarray]],
        reset: Callable[[], None],
    ) -> None:
        self.call, self.params, self.reset = call, params, reset


def _multik(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    """The case written with multik: placeholders, Variables and one K.function."""
    from multik import backend as K

    variables = [K.variable(p) for p in init]
    w1, b1, w2, b2 = variables
    x = K.placeholder((None, FEATURES))
    h = K.relu(K.dot(x, w1) + b1)
    logits = K.dot(h, w2) + b2
    if case == "forward":
        function = K.function([x], [h, K.softmax(logits)])
        inputs = [fed["x"]]
    else:
        y = K.placeholder((None, CLASSES))
        loss = K.mean(K.square(logits - y))
        grads = K.gradients(loss, variables)
        updates = [(v, v - LEARNING_RATE * g) for v, g in zip(variables, grads)]
        function = K.function([x, y], [loss], updates=updates)
        inputs = [fed["x"], fed["y"]]

    def reset() -> None:
        for variable, value in zip(variables, init):
            variable.assign(value)

    return Variant(lambda: function(inputs), lambda: [K.eval(v) for v in variables], reset)


def _raw_numpy(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    w1, b1, w2, b2 = init
    x = fed["x"]

    def forward() -> list[np.ndarray]:
        h = np.maximum(x @ w1 + b1, 0)
        logits = h @ w2 + b2
        e = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
        return [h, e / np.sum(e, axis=-1, keepdims=True)]

    return Variant(forward, lambda: list(init), lambda: None)


def _raw_jax(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    import jax
    import jax.numpy as jnp

    state = {"params": [jnp.asarray(p) for p in init]}
    x, y = fed["x"], fed["y"]

    def hidden(params: list[Any], x: Any) -> Any:
        w1, b1, _, _ = params
        return jax.nn.relu(x @ w1 + b1)

    @jax.jit
    def forward_fn(params: list[Any], x: Any) -> tuple[Any, Any]:
        h = hidden(params, x)
        return h, jax.nn.softmax(h @ params[2] + params[3], axis=-1)

    def loss_fn(params: list[Any], x: Any, y: Any) -> Any:
        return jnp.mean(jnp.square(hidden(params, x) @ params[2] + params[3] - y))

    @jax.jit
    def step_fn(params: list[Any], x: Any, y: Any) -> tuple[Any, list[Any]]:
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        return loss, [p - LEARNING_RATE * g for p, g in zip(params, grads)]

    def forward() -> list[np.ndarray]:
        h, probs = forward_fn(state["params"], x)
        return [np.asarray(h), np.asarray(probs)]

    def step() -> list[np.ndarray]:
        loss, state["params"] = step_fn(state["params"], x, y)
        return [np.asarray(loss)]

    def reset() -> None:
        state["params"] = [jnp.asarray(p) for p in init]

    def params() -> list[np.ndarray]:
        return [np.asarray(p) for p in state["params"]]

    return Variant(forward if case == "forward" else step, params, reset)


def _raw_tensorflow(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    import tensorflow as tf

    params = [tf.Variable(p) for p in init]
    w1, b1, w2, b2 = params
    x, y = fed["x"], fed["y"]

    @tf.function
    def forward_fn(x: Any) -> tuple[Any, Any]:
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        return h, tf.nn.softmax(tf.matmul(h, w2) + b2)

    @tf.function
    def step_fn(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
        for variable, grad in zip(params, tape.gradient(loss, params)):
            variable.assign_sub(LEARNING_RATE * grad)
        return loss

    def forward() -> list[np.ndarray]:
        h, probs = forward_fn(tf.convert_to_tensor(x))
        return [h.numpy(), probs.numpy()]

    def step() -> list[np.ndarray]:
        return [step_fn(tf.convert_to_tensor(x), tf.convert_to_tensor(y)).numpy()]

    def reset() -> None:
        for variable, value in zip(params, init):
            variable.assign(value)

    return Variant(
        forward if case == "forward" else step, lambda: [p.numpy() for p in params], reset
    )


def _raw_torch(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    import torch

    params = [torch.tensor(p, requires_grad=True) for p in init]
    w1, b1, w2, b2 = params
    x, y = fed["x"], fed["y"]

    def forward() -> list[np.ndarray]:
        with torch.no_grad():
            h = torch.relu(torch.from_numpy(x) @ w1 + b1)
            probs = torch.softmax(h @ w2 + b2, -1)
        return [h.numpy(), probs.numpy()]

    def step() -> list[np.ndarray]:
        h = torch.relu(torch.from_numpy(x) @ w1 + b1)
        loss = torch.mean(torch.square(h @ w2 + b2 - torch.from_numpy(y)))
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for param, grad in zip(params, grads):
                param.sub_(LEARNING_RATE * grad)
        return [loss.detach().numpy()]

    def reset() -> None:
        with torch.no_grad():
            for param, value in zip(params, init):
                param.copy_(torch.from_numpy(value))

    return Variant(
        forward if case == "forward" else step,
        lambda: [p.detach().numpy().copy() for p in params],
        reset,
    )


RAW = {"numpy": _raw_numpy, "jax": _raw_jax, "tensorflow": _raw_tensorflow, "torch": _raw_torch}


def _tf_keras(case: str, fed: dict[str, np.ndarray], init: list[np.ndarray]) -> Variant:
    """The case in legacy Keras: tf_keras's backend in TF1 graph mode (a graph and its session,
    as Keras 2 ran), built in a ``tf.Graph`` of its own; calls enter that graph."""
    import tensorflow as tf
    import tf_keras.backend as KB

    graph = tf.Graph()
    with graph.as_default():
        variables = [KB.variable(p) for p in init]
        w1, b1, w2, b2 = variables
        x = KB.placeholder((None, FEATURES))
        h = KB.relu(KB.dot(x, w1) + b1)
        logits = KB.dot(h, w2) + b2
        if case == "forward":
            function = KB.function([x], [h, KB.softmax(logits)])
            inputs = [fed["x"]]
        else:
            y = KB.placeholder((None, CLASSES))
            loss = KB.mean(KB.square(logits - y))
            grads = KB.gradients(loss, variables)
            updates = [(v, v - LEARNING_RATE * g) for v, g in zip(variables, grads)]
            function = KB.function([x, y], [loss], updates=updates)
            inputs = [fed["x"], fed["y"]]

    def call() -> list[np.ndarray]:
        with graph.as_default():
            return function(inputs)

    def params() -> list[np.ndarray]:
        with graph.as_default():
            return KB.batch_get_value(variables)

    def reset() -> None:
        with graph.as_default():
            KB.batch_set_value(list(zip(variables, init)))

    return Variant(call, params, reset)


# --------------------------------------------------------------------------- worker (one backend)


def _first_call(make: Callable[[], Variant]) -> tuple[Variant, list[np.ndarray], float]:
    """The variant ``make`` builds, its first call's outputs, and the ms building it and making
    that call took (for multik: the graph, K.function, and the trace and compile of the call)."""
    start = time.perf_counter()
    variant = make()
    outputs = variant.call()
    return variant, outputs, (time.perf_counter() - start) * 1e3


def _mismatch(raw: list[np.ndarray], multik: list[np.ndarray], what: str) -> str | None:
    """Why ``multik`` differs from ``raw`` (the outputs or the updated parameters), or None."""
    if len(raw) != len(multik):
        return f"{what}: {len(multik)} arrays, raw {len(raw)}"
    for index, (expected, got) in enumerate(zip(raw, multik)):
        try:
            np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=RTOL)
        except AssertionError as error:
            lines = [line.strip() for line in str(error).splitlines()]
            detail = "; ".join(line for line in lines if line.startswith("Max "))
            return f"{what} {index} differs from raw: {detail}"
    return None


def _warm_up(backend: str) -> None:
    """Load the framework and multik's graph machinery on a throwaway graph of other shapes (a
    compile cache keyed by the computation must not serve the first calls timed later)."""
    from multik import backend as K

    ones = np.ones((1, 3), np.float32)
    p = K.placeholder((None, 3))
    K.function([p], [K.relu(p) * 2])([ones])
    if backend == "jax":
        import jax

        np.asarray(jax.jit(lambda a: a * 2)(ones))
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.function(lambda a: a * 2)(tf.convert_to_tensor(ones)).numpy()
    elif backend == "torch":
        import torch

        (torch.from_numpy(ones) * 2).numpy()


def _legacy_variant(
    case: str,
    fed: dict[str, np.ndarray],
    init: list[np.ndarray],
    raw: tuple[list[np.ndarray], list[np.ndarray]],
    row: dict[str, Any],
) -> Variant | None:
    """tf_keras's variant of ``case``, checked against raw's first outputs and updated
    parameters (``raw``), or None with the reason in ``row["tf_keras_error"]``."""
    try:
        legacy, out, row["tf_keras_first_ms"] = _first_call(lambda: _tf_keras(case, fed, init))
    except Exception as error:  # tf_keras missing or broken: reported, never hidden
        row["tf_keras_error"] = f"{type(error).__name__}: {error}".splitlines()[0]
        return None
    problem = _mismatch(raw[0], out, "output") or _mismatch(
        raw[1], legacy.params(), "updated parameter"
    )
    if problem:
        row["tf_keras_error"] = problem
        return None
    return legacy


def _run_case(backend: str, case: str, settings: Settings) -> dict[str, Any]:
    """The first-call times, the check, then the interleaved timings of one case."""
    fed, init = _data()
    row: dict[str, Any] = {}
    raw, raw_out, row["raw_first_ms"] = _first_call(lambda: RAW[backend](case, fed, init))
    try:
        multik, multik_out, row["multik_first_ms"] = _first_call(lambda: _multik(case, fed, init))
    except Exception as error:  # reported in the table, never hidden
        row["error"] = f"multik raises {type(error).__name__}: {error}".splitlines()[0]
        return row
    raw_params = raw.params()
    problem = _mismatch(raw_out, multik_out, "output") or _mismatch(
        raw_params, multik.params(), "updated parameter"
    )
    if problem:
        row["error"] = problem
        return row
    variants = {"raw": raw, "multik": multik}
    if backend == "tensorflow":
        legacy = _legacy_variant(case, fed, init, (raw_out, raw_params), row)
        if legacy is not None:
            variants["tf_keras"] = legacy
    for variant in variants.values():
        variant.reset()
    timers = {name: timeit.Timer(variant.call) for name, variant in variants.items()}
    row["us"], row["spread"] = _time_interleaved(timers, settings)
    return row


def run_worker(backend: str, settings: Settings, out: Path) -> None:
    """Run every case of ``backend`` in this process and write the results to ``out``."""
    from multik import backend as K

    if K.backend() != backend:
        raise RuntimeError(f"multik runs on {K.backend()}, not {backend}: set MULTIK_BACKEND")
    _warm_up(backend)
    results = {case: _run_case(backend, case, settings) for case in CASES_OF[backend]}
    out.write_text(json.dumps(results))


# --------------------------------------------------------------------------- driver


HEADER = ("backend", "case", "raw µs", "multik µs", "multik / raw", "tf_keras graph mode µs",
          "multik / tf_keras", "spread", "target met?")  # fmt: skip
FIRST_HEADER = ("backend", "case", "raw first call ms", "multik first call ms",
                "tf_keras first call ms")  # fmt: skip


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def legacy_times(results: dict[str, dict[str, Any] | str]) -> dict[str, float]:
    """tf_keras's graph-mode µs per call of each case, measured in the tensorflow process."""
    result = results.get("tensorflow")
    if not isinstance(result, dict):
        return {}
    return {
        case: row["us"]["tf_keras"]
        for case, row in result.items()
        if "tf_keras" in row.get("us", {})
    }


def verdict(raw: float, multik: float, legacy: float | None) -> str:
    """Whether multik meets the per-call targets, and how it misses them if not."""
    missed = []
    if multik > RAW_RATIO * raw:
        missed.append(f"{multik / raw:.2f}× raw (limit {RAW_RATIO}×)")
    if legacy is not None and multik > legacy:
        missed.append(f"{multik / legacy:.2f}× tf_keras")
    return "**no**: " + "; ".join(missed) if missed else "yes"


def _tables(results: dict[str, dict[str, Any] | str]) -> tuple[list[str], list[str], list[str]]:
    """The per-call table, the first-call table and the notes on what was not measured."""
    calls = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    firsts = ["| " + " | ".join(FIRST_HEADER) + " |", "|" + "---|" * len(FIRST_HEADER)]
    notes = []
    legacy_us = legacy_times(results)
    for backend, result in results.items():
        if isinstance(result, str):
            notes.append(f"- {backend} not measured: {result}.")
            continue
        for case, row in result.items():
            legacy = legacy_us.get(case)
            if "us" in row:
                raw, multik = row["us"]["raw"], row["us"]["multik"]
                spread = max(row["spread"].values())
                cells = [
                    _us(raw),
                    _us(multik),
                    f"{multik / raw:.2f}×",
                    "—" if legacy is None else _us(legacy),
                    "—" if legacy is None else f"{multik / legacy:.2f}×",
                    f"{spread:.0%}",
                    verdict(raw, multik, legacy),
                ]
            else:
                cells = ["—", "✗", "—", "—", "—", "—", "**no**"]
                notes.append(f"- ✗ {backend}, {case}: {row['error']}")
            if "tf_keras_error" in row:
                notes.append(f"- tf_keras not measured ({case}): {row['tf_keras_error']}")
            calls.append("| " + " | ".join([backend, case, *cells]) + " |")
            multik_first = _ms(row["multik_first_ms"]) if "multik_first_ms" in row else "✗"
            legacy_first = _ms(row["tf_keras_first_ms"]) if "tf_keras_first_ms" in row else "—"
            first = [backend, case, _ms(row["raw_first_ms"]), multik_first, legacy_first]
            firsts.append("| " + " | ".join(first) + " |")
    return calls, firsts, notes


#: Why K.function misses its 1.2x target where it does: measured piece by piece on the forward
#: case (medians of 7 interleaved rounds on the machine the page names, 2026-12-01), and what
#: would close the gap. Printed under the table when a row misses.
WHY_MISSES = [
    "Where the time goes, forward case (µs per call, measured side by side): numpy raw 26.0, "
    "the same K calls run eagerly with `K.eval` of the outputs 33.2, `K.function` 50.9; torch "
    "raw 33.8, eager K + `K.eval` 36.7, `K.function` 64.9; jax raw 48.6, eager K + `K.eval` "
    "93.7, `K.function` 102.9. On numpy and torch the K calls themselves cost within 1.3x "
    "of raw; the ~18-28 µs on top is the graph run: checking each fed value against its "
    "placeholder (dtype, rank, known sizes), a memo dict per run with one write per node, "
    "Variable reads, and fresh output copies (legacy code may write to K.function's results; "
    "the raw variants return views). What would close it: generate one straight-line Python "
    "function per K.function from its flat program (locals instead of the memo).",
    "On jax the compiled program itself costs what the hand-written `jax.jit` call costs; the "
    "rest is the outputs: `np.array` (a writable copy) of each output costs ~6 µs where "
    "`np.asarray` (JAX's read-only host view, which the raw variant returns) costs ~3.4 µs, "
    "and the fed NumPy arrays are checked before the call.",
]


def report(
    results: dict[str, dict[str, Any] | str],
    settings: Settings,
    quick: bool,
    threads: int,
    host: str,
) -> str:
    """The whole Markdown report: what is measured, the machine, the two tables."""
    calls, firsts, notes = _tables(results)
    lines = [
        "# What a K.function call costs",
        "",
        generated_by("benchmarks.function", quick, threads),
        "",
        "One call of a `K.function` next to the same computation written by hand in the "
        "framework, on a small 2-layer MLP: x (32, 64) float32 → h = relu(x·W1 + b1) (32, 32) "
        "→ probs = softmax(h·W2 + b2) (32, 10).",
        "",
        "- **forward**: `K.function([x], [h, probs])`; raw: a `jax.jit` function (jax), a "
        "`tf.function` (tensorflow), torch under `torch.no_grad()`, plain NumPy (numpy).",
        "- **train step** (not on numpy: no raw NumPy autodiff): loss = mean(square(h·W2 + b2 "
        f"- y)) with y (32, 10), its gradients with respect to W1, b1, W2, b2 and SGD updates "
        f"(learning rate {LEARNING_RATE}): `K.function([x, y], [loss], updates=[(v, v - "
        f"{LEARNING_RATE} * g), ...])`; raw: a `jax.jit` step returning new parameters (kept in "
        "Python), a `tf.function` with `tf.GradientTape` and `assign_sub`, torch autograd "
        "(`torch.autograd.grad`) with in-place updates under `torch.no_grad()`.",
        "",
        host,
        "",
        "## Method",
        "",
        "- One process per backend (`MULTIK_BACKEND` set before import, HOME a temporary "
        "directory); "
        + (
            ("one thread" if threads == 1 else f"{threads} threads")
            + " per framework (`--threads`)."
            if threads
            else "each framework's default number of threads (`--threads 0`)."
        ),
        "- **tf_keras graph mode**: legacy Keras itself, tf_keras's `K.function` in TF1 graph "
        "mode (a `tf.Graph` and its session, as Keras 2 code ran), measured in the tensorflow "
        "process next to raw and multik; the other backends' rows compare with that number.",
        "- Every variant takes the same NumPy arrays and returns NumPy arrays (the raw variant "
        "converts its outputs too, as `K.function` does). Before timing, the first calls are "
        f"checked to agree with raw (outputs and updated parameters, rtol {RTOL:g}); the "
        "parameters are then reset to their initial values.",
        f"- The variants are timed in turn, {settings.rounds} rounds (the order rotated each "
        f"round); each timing runs back-to-back calls for about {settings.budget * 1000:g} ms "
        "(`timeit`, garbage collector off). The table gives the median µs per call, the ratios "
        "and the spread: the interquartile range of the rounds / the median, the largest of "
        "the variants'.",
        f"- Targets: multik at most {RAW_RATIO}× the hand-written code, and no slower than "
        "tf_keras's graph mode.",
        "- First call: measured once, after a throwaway graph has loaded the framework. For "
        "multik (and tf_keras) it covers building the graph (placeholders, K calls, "
        "`K.gradients`), `K.function` and the first call (trace and compile); for raw, "
        "defining the function and its first call.",
        "",
        "## Per call",
        "",
        *calls,
        "",
        *([*notes, ""] if notes else []),
        *(
            ["### Why the misses remain", "", *(f"- {why}" for why in WHY_MISSES), ""]
            if any("**no**" in row for row in calls)
            else []
        ),
        "## First call (build and compile)",
        "",
        *firsts,
    ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one backend's part of it); 1 if a backend failed
    or multik disagreed with raw."""
    results = drive(argv, "benchmarks.function", __doc__, DOC, FULL, run_worker, report)
    failed = results is not None and any(
        isinstance(r, str) or any("error" in row for row in r.values()) for r in results.values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
