"""What multik's ``K`` costs per call, next to the raw framework call and to other front-ends.

    python -m benchmarks.overhead [--quick] [--backends numpy,torch] [--write]

For each backend, one subprocess (Keras 3 fixes its backend at import) times every function of
``benchmarks.cases`` on small tensors (where per-call overhead shows) and large ones (where the
kernel choice shows): the raw framework call, multik's ``K``, Keras 3 ``keras.ops``, tf_keras's
``K`` (TensorFlow only), TensorLy and EagerPy where installed. The variants of a function are
timed in turn, round after round, and the median of the rounds is reported. The Markdown report
goes to stdout and, with ``--write``, to docs/performance.md; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import cases

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"

#: Small-tensor target: multik may add this many µs per call, or this share of the raw call.
ADDED_US = 0.25
ADDED_SHARE = 0.03
#: Large-tensor target: multik's time at most this multiple of the raw call's.
LARGE_RATIO = 1.05

DISTRIBUTIONS = ("multik", "numpy", "tensorflow", "torch", "jax", "keras", "tf_keras",
                 "tensorly", "eagerpy")  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """How long to time: ``rounds`` interleaved timings of about ``budget`` seconds each."""

    rounds: int
    budget: float
    #: The key in ``cases.SHAPES`` of each size's inputs.
    shapes: dict[str, str]


#: Both run at least two rounds (the spread needs two); 15 full rounds keep the medians of
#: sub-microsecond differences steady on a shared 2-core machine.
FULL = Settings(rounds=15, budget=0.06, shapes={"small": "small", "large": "large"})
QUICK = Settings(rounds=2, budget=0.001, shapes={"small": "small", "large": "large-quick"})


# --------------------------------------------------------------------------- worker (one backend)


def _check(expression: str, ns: dict[str, Any], expected: np.ndarray) -> str | None:
    """Why ``expression`` cannot be timed against raw (it fails or differs), or None."""
    try:
        got = np.asarray(eval(expression, ns))
    except Exception as error:  # reported in the table, never hidden
        return f"raises {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-3, atol=1e-4 * scale):
        return f"gives other values than raw (shape {got.shape}, raw {expected.shape})"
    return None


def _calibrate(timer: timeit.Timer, budget: float) -> int:
    """How many calls take about ``budget`` seconds (the first timings also warm up)."""
    number = 1
    while (elapsed := timer.timeit(number)) < budget / 10:
        number *= 10
    return max(1, round(number * budget / elapsed))


def _time_interleaved(
    timers: dict[str, timeit.Timer], settings: Settings
) -> tuple[dict[str, float], dict[str, float]]:
    """Median µs per call of each timer, and the interquartile range of its rounds / median.

    The timers take turns, in an order rotated every round.
    """
    numbers = {name: _calibrate(timer, settings.budget) for name, timer in timers.items()}
    samples: dict[str, list[float]] = {name: [] for name in timers}
    order = list(timers)
    for round_ in range(settings.rounds):
        shift = round_ % len(order)
        for name in order[shift:] + order[:shift]:
            samples[name].append(timers[name].timeit(numbers[name]) / numbers[name])
    medians = {name: statistics.median(values) for name, values in samples.items()}
    spreads = {name: _spread(values) / medians[name] for name, values in samples.items()}
    return {name: value * 1e6 for name, value in medians.items()}, spreads


def _spread(values: list[float]) -> float:
    """The interquartile range of ``values`` (at least two)."""
    first, _, third = statistics.quantiles(values, n=4)
    return third - first


def run_worker(backend: str, settings: Settings, out: Path) -> None:
    """Time every function on ``backend`` in this process and write the results to ``out``."""
    ns, absent = cases.namespace(backend)
    active = ns["K"].backend()
    if active != backend:
        raise RuntimeError(f"multik runs on {active}, not {backend}: set MULTIK_BACKEND")
    results: dict[str, Any] = {"absent": absent, "sizes": {}}
    table = cases.statements(backend)
    for size in cases.SIZES:
        ns.update(cases.inputs(backend, cases.SHAPES[settings.shapes[size]], ns))
        rows = results["sizes"][size] = {}
        for function, calls in table.items():
            expected = np.asarray(eval(calls["raw"], ns))
            errors, timers = {}, {}
            for variant, expression in calls.items():
                if variant in absent:
                    continue
                problem = _check(expression, ns, expected)
                if problem:
                    errors[variant] = problem
                else:
                    timers[variant] = timeit.Timer(expression, globals=ns)
            us, spread = _time_interleaved(timers, settings)
            rows[function] = {"us": us, "spread": spread, "errors": errors}
    out.write_text(json.dumps(results))


# --------------------------------------------------------------------------- driver


def _thread_limits(threads: int) -> dict[str, str]:
    """Environment variables that hold NumPy's BLAS, TensorFlow, PyTorch and XLA to ``threads``."""
    n = str(threads)
    return {
        **dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), n),
        **dict.fromkeys(("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"), n),
        "XLA_FLAGS": f"--xla_cpu_multi_thread_eigen={str(threads > 1).lower()} "
        f"intra_op_parallelism_threads={n}",
    }


def _run_backend(
    backend: str, quick: bool, threads: int, module: str = "benchmarks.overhead"
) -> dict[str, Any] | str:
    """The results of ``module``'s worker for ``backend`` (its own HOME), or why it failed."""
    with tempfile.TemporaryDirectory(prefix="multik-bench-") as home:
        out = Path(home) / "results.json"
        env = {k: v for k, v in os.environ.items() if k not in ("MULTIK_BACKEND", "KERAS_HOME")}
        env.update(
            HOME=home,
            KERAS_HOME=str(Path(home) / ".keras"),
            KERAS_BACKEND=backend,
            MULTIK_BACKEND=backend,
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.update(_thread_limits(threads) if threads else {})
        command = [sys.executable, "-m", module, "--worker", backend,
                   "--out", str(out), *(["--quick"] if quick else [])]  # fmt: skip
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            return f"worker failed: {tail[0]}"
        return json.loads(out.read_text())


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One Markdown paragraph: the CPU, cores, OS, Python and the versions measured."""
    versions = ", ".join(f"{d} {_version(d)}" for d in DISTRIBUTIONS)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"**Machine:** {_cpu_model()}, {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}; load average at the start {load}.  \n"
        f"**Versions:** {versions}."
    )


def _us(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _added(value: float) -> str:
    return ("+" if value >= 0 else "-") + _us(abs(value))


#: Why small-tensor misses remain, per backend: measured piece by piece (``timeit``, one thread,
#: medians of 9 interleaved rounds, on the machine the page names), and what would close them.
#: The page prints the paragraph of a backend only where that backend misses a small target.
WHY_SMALL_MISSES = {
    "common": "A K call is two Python calls before the framework's: the K function (its generated "
    "body reads the active backend: a context-variable read, 0.04 µs) and the adapter's fast "
    "path, whose guard checks the tensor's class and dtype (and, for two-tensor functions, "
    "shapes or memory layout) before the one framework call. That floor is 0.13-0.20 µs on "
    "NumPy before any attribute is read; what a guard reads is what decides the rest. Closing "
    "the gap further needs fewer Python frames (binding K's names to one backend's methods, "
    "which would break per-thread `use_backend`) or guards in C.",
    "numpy": "NumPy: reading `x.dtype` costs 0.024 µs and `x.flags.c_contiguous` 0.05 µs; "
    "`square` lands near the limit, `relu` adds the checks of its three defaulted arguments, "
    "and `dot`/`batch_dot` check two arrays' class, dtype and C order (the check that keeps "
    "results independent of the caller's memory layout, which NumPy's kernels follow; "
    "`batch_dot` also reads the configured batch_dot rules), 0.5-1.4 µs over a 1-2 µs raw "
    "call; TensorLy calls `np.dot` with no check at all.",
    "torch": "torch: `x.dtype` costs 0.055 µs, `x.shape` 0.11 µs and `x.dim()` 0.06 µs per "
    "read (Python-level property wrappers around C++); a single-tensor guard is 0.08-0.1 µs, "
    "so `sum`/`square`/`softmax` add ~0.3 µs; `dot`/`batch_dot` check two classes, two dtypes "
    "and two shapes (their shapes are checked, not caught, because torch.compile reports an "
    "error raised while tracing as its own), ~0.4 µs more.",
    "jax": "JAX: every dispatch captures the Python traceback (JAX's tracebacks are on by "
    "default), which costs ~0.04-0.1 µs per Python frame on the stack (three wrapper frames "
    "add 0.30 µs with tracebacks on, 0.18 µs with them off), so K's two frames cost JAX more "
    "than they cost NumPy before any guard runs; `x.dtype`, `x.shape` and `x.ndim` are Python "
    "properties (0.14-0.25 µs), which the guards avoid by reading `x.aval` once.",
    "tensorflow": "TensorFlow: reading an eager tensor's dtype (`x.dtype`, a Python property, "
    "or the enum behind it) costs 0.1-0.2 µs alone and 0.5-1 µs in a loop that also runs ops, "
    "and each Python frame around a generated op wrapper ~0.2 µs (three wrapper frames add "
    "0.64 µs); `square` and `relu` (one kernel of ~15 µs) add 2-4 µs from run to run, where "
    "the limit is 3 % (~0.5 µs). `sum`, `dot`, `batch_dot` and `softmax` are faster than the "
    "public `tf.*` calls, which run more Python.",
}


def verdict(backend: str, size: str, function: str, row: dict[str, Any]) -> str:
    """Whether multik meets its target in this row, and by how much it misses if not."""
    us, errors = row["us"], row["errors"]
    if "multik" in errors:
        return f"**no**: multik {errors['multik']}"
    raw, multik = us["raw"], us["multik"]
    missed = []
    if size == "small":
        if function not in cases.SEVERAL_CALLS[backend]:
            limit = max(ADDED_US, ADDED_SHARE * raw)
            if multik - raw > limit:
                missed.append(f"adds {multik - raw:.2f} µs (limit {limit:.2f})")
        for library in ("tensorly", "eagerpy"):
            if library in us and multik >= us[library]:
                missed.append(f"not below {library} ({_us(multik)} vs {_us(us[library])} µs)")
    elif multik > LARGE_RATIO * raw:
        spread = max(row["spread"]["raw"], row["spread"]["multik"])
        missed.append(f"{multik / raw:.2f}× raw (limit {LARGE_RATIO}×; spread {spread:.0%})")
    if missed:
        return "**no**: " + "; ".join(missed)
    return "yes" if size == "large" or function not in cases.SEVERAL_CALLS[backend] else "yes¹"


def _cell(variant: str, function: str, row: dict[str, Any], absent: dict[str, str]) -> str:
    if variant in row["errors"]:
        return "✗"
    if variant not in row["us"]:
        return "n/a" if variant in absent and function in cases.LIBRARY_CALLS[variant] else "—"
    value = row["us"][variant]
    return f"{_us(value)} ({value / row['us']['raw']:.2f}×)"


def _shapes(shapes: dict[str, Any]) -> str:
    s = shapes
    return (
        f"x, t, o {s['x']}; dot {s['a']}·{s['b']}; batch_dot {s['p']}·{s['q']}; "
        f"one_hot {s['labels'][0]:,} labels of {s['classes']} classes"
    )


HEADER = ("function", "raw µs", "multik µs", "multik added µs", "ratio", "keras3", "tf_keras",
          "tensorly", "eagerpy", "target met?")  # fmt: skip


def _table(backend: str, size: str, result: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The Markdown table of one backend and size, and its notes on failed variants."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    notes = []
    for function, row in result["sizes"][size].items():
        us = row["us"]
        if "multik" in us:
            raw, multik = us["raw"], us["multik"]
            mine = [_us(raw), _us(multik), _added(multik - raw), f"{multik / raw:.2f}×"]
        else:
            mine = [_us(us["raw"]), "✗", "—", "—"]
        others = [_cell(library, function, row, result["absent"]) for library in cases.LIBRARIES]
        cells = [f"`{function}`", *mine, *others, verdict(backend, size, function, row)]
        lines.append("| " + " | ".join(cells) + " |")
        notes += [f"- ✗ `{function}`, {variant}: {why}" for variant, why in row["errors"].items()]
    return lines, notes


def _calls_measured(backends: list[str]) -> list[str]:
    lines = ["## Calls measured", ""]
    for backend in backends:
        lines += [f"### {backend}", "", "| function | " + " | ".join(cases.VARIANTS) + " |",
                  "|" + "---|" * (len(cases.VARIANTS) + 1)]  # fmt: skip
        for function, calls in cases.statements(backend).items():
            cells = [f"`{calls[v]}`" if v in calls else "—" for v in cases.VARIANTS]
            lines.append(f"| `{function}` | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def generated_by(module: str, quick: bool, threads: int) -> str:
    """The sentence that opens a generated report: the command, when, and not to edit it."""
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (a quick smoke run: its numbers mean little)" if quick else ""
    return (
        f"Generated by `python -m {module}{' --quick' if quick else ''}"
        f"{f' --threads {threads}' if threads != 1 else ''} --write` on "
        f"{today}{mode}; rerun it to refresh this page rather than editing it."
    )


def report(
    results: dict[str, dict[str, Any] | str],
    settings: Settings,
    quick: bool,
    threads: int,
    host: str,
) -> str:
    """The whole Markdown report: machine, method, summary, one table per backend and size."""
    lines = [
        "# multik performance",
        "",
        generated_by("benchmarks.overhead", quick, threads),
        "",
        host,
        "",
        "## Method",
        "",
        "- One process per backend, run one after the other: Keras 3's `KERAS_BACKEND` and "
        "multik's `MULTIK_BACKEND` are set before import; HOME and KERAS_HOME point at a "
        "temporary directory.",
        "- "
        + (
            "Every framework (NumPy's BLAS, TensorFlow, PyTorch, XLA) runs "
            + ("one thread" if threads == 1 else f"{threads} threads")
            + " (`--threads`), so that kernel times do not hang on how busy other cores are."
            if threads
            else "Every framework runs its default number of threads (`--threads 0`)."
        ),
        "- Inputs are native tensors of the backend, made before timing (float32; int32 labels, "
        "int64 on torch). Before timing, every variant is checked to give the raw call's values.",
        f"- Per function, the variants are timed in turn, {settings.rounds} rounds (the order "
        f"rotated each round); each timing runs back-to-back calls for about "
        f"{settings.budget * 1000:g} ms (`timeit`, garbage collector off). The tables give the "
        "median µs per call, and in parentheses the ratio to the raw call. Where multik misses "
        "the large-tensor target, the spread (interquartile range of the rounds / median, the "
        "larger of raw's and multik's) says how much of the miss may be noise.",
        "- `raw` is the fastest natural call of the framework itself; JAX variants end with "
        "`.block_until_ready()`; EagerPy variants wrap and unwrap (`ep.astensor(x)...raw`), "
        "as native tensors go in and out of every variant. The exact calls are listed at the end.",
        f"- Targets, small tensors: multik adds at most {ADDED_US} µs per call or "
        f"{ADDED_SHARE:.0%} of the raw call, whichever is larger, where the raw call is one "
        "framework call (¹: raw is a formula of several calls, so only the next rule applies); "
        "and multik is faster than TensorLy and EagerPy. Large tensors: multik at most "
        f"{LARGE_RATIO}× the raw call.",
        "- `—`: the library has no such function; `n/a`: the library is not installed or did not "
        "load; `✗`: the call failed or gave other values (see the notes under the table).",
        "",
    ]
    body, missed, total = [], [], 0
    for backend, result in results.items():
        body += [f"## {backend}", ""]
        if isinstance(result, str):
            body += [f"Not measured: {result}.", ""]
            continue
        absent = [f"- {library} not measured: {why}" for library, why in result["absent"].items()]
        body += [*absent, ""] if absent else []
        for size in cases.SIZES:
            table, notes = _table(backend, size, result)
            shapes = _shapes(cases.SHAPES[settings.shapes[size]])
            body += [f"### {backend}, {size} ({shapes})", "", *table, ""]
            body += [*notes, ""] if notes else []
            for function, row in result["sizes"][size].items():
                total += 1
                text = verdict(backend, size, function, row)
                if text.startswith("**no**"):
                    missed.append(f"- {backend}, {size}, `{function}`: {text[8:]}")
    lines += [f"## Summary: {total - len(missed)} of {total} targets met", ""]
    lines += [*missed, ""] if missed else []
    small_misses = [b for b in results if any(f"- {b}, small," in line for line in missed)]
    if small_misses:
        lines += ["### Why the small-tensor misses remain", "", WHY_SMALL_MISSES["common"], ""]
        lines += [f"- {WHY_SMALL_MISSES[b]}" for b in small_misses]
        lines += [""]
    measured = [b for b, r in results.items() if not isinstance(r, str)]
    return "\n".join([*lines, *body, *_calls_measured(measured)]).rstrip() + "\n"


def _backends(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in cases.BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"backends are among {', '.join(cases.BACKENDS)}")
    return names


def write_page(doc: Path, text: str, section: str | None = None) -> None:
    """Write a report into the generated page ``doc``: the page itself (``section`` None),
    keeping the sections other benchmarks added at its end, or the section ``section`` (a
    module name), replacing that module's earlier one or added at the end."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    head, *parts = old.split(_SECTION_START)
    sections = {part.split(" -->", 1)[0]: _SECTION_START + part.rstrip() for part in parts}
    if section is None:
        head = text
    else:
        sections[section] = f"{_SECTION_START}{section} -->\n\n{text.rstrip()}"
    doc.write_text("\n\n".join([head.rstrip(), *sections.values()]) + "\n", encoding="utf-8")


#: What opens a section that a benchmark module writes into another module's page.
_SECTION_START = "<!-- section generated by "


def drive(
    argv: list[str] | None,
    module: str,
    description: str | None,
    doc: Path,
    full: Settings,
    worker: Callable[[str, Settings, Path], None],
    write_report: Callable[..., str],
    quick: Settings = QUICK,
    section: bool = False,
) -> dict[str, dict[str, Any] | str] | None:
    """The command line of a benchmark ``module``: parse ``argv``; as a worker run ``worker``
    and return None; else run one worker per backend, print ``write_report``'s Markdown (also to
    ``doc`` with --write, as the module's own section of the page with ``section``) and return
    the results by backend. ``full`` and ``quick`` time normal and --quick runs."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--backends",
        type=_backends,
        default=list(cases.BACKENDS),
        help="comma-separated backends (default: all four)",
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per framework (default 1; 0: each framework's default)",
    )
    parser.add_argument("--write", action="store_true", help=f"also write {doc.relative_to(ROOT)}")
    parser.add_argument("--worker", choices=cases.BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = quick if args.quick else full
    if args.worker:
        worker(args.worker, settings, args.out)
        return None
    from multik.backends import is_installed

    host = machine()
    results: dict[str, dict[str, Any] | str] = {}
    for backend in args.backends:
        start = time.perf_counter()
        results[backend] = (
            _run_backend(backend, args.quick, args.threads, module)
            if is_installed(backend)
            else f"{backend} is not installed"
        )
        print(f"{backend}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    text = write_report(results, settings, args.quick, args.threads, host)
    print(text, end="")
    if args.write:
        write_page(doc, text, module if section else None)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one backend's part of it); 1 if a backend failed."""
    results = drive(argv, "benchmarks.overhead", __doc__, DOC, FULL, run_worker, report)
    return 1 if results and any(isinstance(r, str) for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
