"""How much memory K's creation and element-wise functions take at their peak, per result size.

    python -m benchmarks.memory [--quick] [--write]

NumPy allocations are traced with ``tracemalloc`` (NumPy reports its buffers to it); the peak
of one call is divided by the size of its result. A creation function should peak at 1x its
result, an element-wise one at about 1x plus one temporary where its formula needs one, and a
bool mask where it selects between branches (at most 2.25x for float32). PyTorch's CPU
allocator keeps no statistics, so the report has numpy rows only. The Markdown report goes to
stdout and, with ``--write``, to docs/memory.md.
"""

from __future__ import annotations

import argparse
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import multik
from benchmarks.overhead import generated_by, machine
from multik import backend as K

DOC = Path(__file__).resolve().parent.parent / "docs" / "memory.md"
#: Peak / result at most this: the result, one temporary of its size and a bool mask (a
#: quarter of a float32 result) where the formula selects between two branches.
TARGET = 2.25


def _calls(x: np.ndarray, n: int) -> dict[str, Callable[[], Any]]:
    return {
        "zeros": lambda: K.zeros((n, n)),
        "ones": lambda: K.ones((n, n)),
        "eye": lambda: K.eye(n),
        "variable": lambda: K.variable(x),
        "constant": lambda: K.constant(x),
        "zeros_like": lambda: K.zeros_like(x),
        "cast": lambda: K.cast(x, "float64"),
        "square": lambda: K.square(x),
        "relu": lambda: K.relu(x),
        "sigmoid": lambda: K.sigmoid(x),
        "tanh": lambda: K.tanh(x),
        "softplus": lambda: K.softplus(x),
        "elu": lambda: K.elu(x),
        "hard_sigmoid": lambda: K.hard_sigmoid(x),
        "softmax": lambda: K.softmax(x),
    }


def _nbytes(result: Any) -> int:
    return int(np.asarray(K.eval(result)).nbytes)


def measure_numpy(n: int) -> list[tuple[str, float, float]]:
    """(function, result MiB, peak MiB) on the numpy backend for an n x n float32 input."""
    rows = []
    with multik.use_backend("numpy"):
        x = np.random.default_rng(0).random((n, n), dtype=np.float32) + 0.5
        for name, call in _calls(x, n).items():
            call()  # warm caches outside the trace
            tracemalloc.start()
            result = call()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append((name, _nbytes(result) / 2**20, peak / 2**20))
    return rows


def report(rows: list[tuple[str, float, float]], n: int, quick: bool) -> str:
    lines = [
        "# Memory of creation and element-wise functions",
        "",
        generated_by("benchmarks.memory", quick, 1),
        "",
        machine(),
        "",
        f"## numpy, {n}x{n} float32 input",
        "",
        f"Peak of one call over the size of its result; target at most {TARGET:g}x (the result, "
        "one temporary and a bool mask where a formula selects between branches). torch: the "
        "CPU allocator keeps no statistics, so no row.",
        "",
        "| function | result MiB | peak MiB | peak / result | target met |",
        "|---|---:|---:|---:|---|",
    ]
    for name, result, peak in rows:
        ratio = peak / result if result else float("nan")
        met = "yes" if ratio <= TARGET + 0.05 else "**no**"
        lines.append(f"| `{name}` | {result:.2f} | {peak:.2f} | {ratio:.2f}x | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 200x200 input (a smoke run)")
    parser.add_argument("--write", action="store_true", help="also write docs/memory.md")
    args = parser.parse_args(argv)
    n = 200 if args.quick else 2000
    text = report(measure_numpy(n), n, args.quick)
    sys.stdout.write(text)
    if args.write:
        DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
