"""What multik's convolution and pooling cost, next to the framework's own fastest call.

    python -m benchmarks.conv [--quick] [--backends numpy,torch] [--threads N] [--write]

Cases, float32: conv2d 3x3 'same' of x (32, 32, 32, 64) to 64 channels, channels_last and
channels_first; pool2d max 2x2 stride 2, both layouts; pool2d avg 3x3 stride 1 'same',
channels_last. For each backend, one subprocess times multik's ``K`` call and the natural calls
a user of the framework would write for the same layout (several where a framework offers
several; the fastest is the reference): torch converts channels_last data to NCHW views
(which is torch's channels_last memory format), TensorFlow's CPU kernels transpose
channels_first data, JAX names the layout in its dimension numbers, and NumPy has no
convolution: its reference is a good im2col (``sliding_window_view`` + one matrix product)
and the reshape or sliding-window pools a NumPy user would write. Target: multik at most
1.10x the reference, 3x on NumPy. The Markdown goes to stdout and, with ``--write``, to its
own section at the end of docs/performance.md; progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
import timeit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks.overhead import Settings, _check, _time_interleaved, drive, generated_by

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"

#: multik's time at most this multiple of the fastest reference call (NumPy: of the baseline).
TARGET = 1.10
NUMPY_TARGET = 3.0
SIZE, CHANNELS, FILTERS = 32, 64, 64


@dataclass(frozen=True)
class ConvSettings(Settings):
    """Settings with the batch size of the inputs."""

    batch: int = 32


#: Each conv2d call takes tens of milliseconds: a timing is a few calls.
FULL = ConvSettings(rounds=5, budget=0.3, shapes={}, batch=32)
QUICK = ConvSettings(rounds=2, budget=0.001, shapes={}, batch=2)

#: (case, what it computes).
CASES = {
    "conv2d channels_last": "conv2d 3x3 'same', 64 -> 64 channels",
    "conv2d channels_first": "conv2d 3x3 'same', 64 -> 64 channels",
    "pool2d max channels_last": "pool2d max 2x2, strides 2",
    "pool2d max channels_first": "pool2d max 2x2, strides 2",
    "pool2d avg channels_last": "pool2d avg 3x3, strides 1, 'same'",
}

MULTIK = {
    "conv2d channels_last": "K.conv2d(xl, w, padding='same')",
    "conv2d channels_first": "K.conv2d(xf, w, padding='same', data_format='channels_first')",
    "pool2d max channels_last": "K.pool2d(xl, (2, 2), (2, 2))",
    "pool2d max channels_first": "K.pool2d(xf, (2, 2), (2, 2), data_format='channels_first')",
    "pool2d avg channels_last": "K.pool2d(xl, (3, 3), padding='same', pool_mode='avg')",
}

#: Per backend and case, the natural framework calls (name -> expression) on the same inputs:
#: xl (batch, 32, 32, 64) and xf (batch, 64, 32, 32) hold the same values, w is (3, 3, 64, 64);
#: wt is w as torch's (out, in, 3, 3), xm is xf in torch's channels_last memory format.
REFERENCES: dict[str, dict[str, dict[str, str]]] = {
    "numpy": {
        "conv2d channels_last": {"im2col": "im2col_conv(xl, w, True)"},
        "conv2d channels_first": {"im2col": "im2col_conv(xf, w, False)"},
        "pool2d max channels_last": {"reshape": "xl.reshape(b, 16, 2, 16, 2, 64).max(axis=(2, 4))"},
        "pool2d max channels_first": {
            "reshape": "xf.reshape(b, 64, 16, 2, 16, 2).max(axis=(3, 5))"
        },
        "pool2d avg channels_last": {"windows": "window_mean(xl)"},
    },
    "tensorflow": {
        "conv2d channels_last": {"conv2d": "tf.nn.conv2d(xl, w, 1, 'SAME')"},
        "conv2d channels_first": {
            "transposed": "tf.transpose(tf.nn.conv2d(tf.transpose(xf, (0, 2, 3, 1)), w, 1, "
            "'SAME'), (0, 3, 1, 2))"
        },
        "pool2d max channels_last": {"max_pool2d": "tf.nn.max_pool2d(xl, 2, 2, 'VALID')"},
        "pool2d max channels_first": {
            "transposed": "tf.transpose(tf.nn.max_pool2d(tf.transpose(xf, (0, 2, 3, 1)), 2, 2, "
            "'VALID'), (0, 3, 1, 2))"
        },
        "pool2d avg channels_last": {"avg_pool2d": "tf.nn.avg_pool2d(xl, 3, 1, 'SAME')"},
    },
    "torch": {
        "conv2d channels_last": {
            "permuted": "F.conv2d(xl.permute(0, 3, 1, 2), wt, padding=1).permute(0, 2, 3, 1)",
            "memory format": "F.conv2d(xm, wt, padding=1).permute(0, 2, 3, 1)",
        },
        "conv2d channels_first": {"conv2d": "F.conv2d(xf, wt, padding=1)"},
        "pool2d max channels_last": {
            "permuted": "F.max_pool2d(xl.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1)",
            "memory format": "F.max_pool2d(xm, 2, 2).permute(0, 2, 3, 1)",
        },
        "pool2d max channels_first": {"max_pool2d": "F.max_pool2d(xf, 2, 2)"},
        "pool2d avg channels_last": {
            "permuted": "F.avg_pool2d(xl.permute(0, 3, 1, 2), 3, 1, 1, count_include_pad=False)"
            ".permute(0, 2, 3, 1)",
        },
    },
    "jax": {
        "conv2d channels_last": {
            "lax": "lax.conv_general_dilated(xl, w, (1, 1), 'SAME', "
            "dimension_numbers=('NHWC', 'HWIO', 'NHWC'))"
        },
        "conv2d channels_first": {
            "lax": "lax.conv_general_dilated(xf, w, (1, 1), 'SAME', "
            "dimension_numbers=('NCHW', 'HWIO', 'NCHW'))"
        },
        "pool2d max channels_last": {
            "lax": "lax.reduce_window(xl, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), 'VALID')"
        },
        "pool2d max channels_first": {
            "lax": "lax.reduce_window(xf, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), 'VALID')"
        },
        "pool2d avg channels_last": {
            "lax": "lax.reduce_window(xl, 0.0, lax.add, (1, 3, 3, 1), (1, 1, 1, 1), 'SAME') / "
            "lax.reduce_window(jnp.ones((1, 32, 32, 1), xl.dtype), 0.0, lax.add, (1, 3, 3, 1), "
            "(1, 1, 1, 1), 'SAME')"
        },
    },
}

# --------------------------------------------------------------------------- NumPy baselines


def im2col_conv(x: np.ndarray, w: np.ndarray, channels_last: bool) -> np.ndarray:
    """A 3x3 'same' convolution as a NumPy user writes it: pad, every window's values in one
    (positions, 9 * in) matrix, one matrix product."""
    if not channels_last:
        x = x.transpose(0, 2, 3, 1)
    batch, rows, cols, channels = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = sliding_window_view(padded, (3, 3), axis=(1, 2))  # (b, rows, cols, in, 3, 3)
    columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(batch * rows * cols, 9 * channels)
    y = (columns @ w.reshape(9 * channels, -1)).reshape(batch, rows, cols, -1)
    return y if channels_last else y.transpose(0, 3, 1, 2)


def window_mean(x: np.ndarray) -> np.ndarray:
    """3x3 'same' average of channels_last ``x``, padding not counted: window sums over the
    zero-padded input divided by the number of unpadded elements."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    sums = sliding_window_view(padded, (3, 3), axis=(1, 2)).sum(axis=(-2, -1))
    edge = np.full(x.shape[1], 3.0)
    edge[[0, -1]] = 2.0
    return sums / np.multiply.outer(edge, edge)[:, :, None]


# --------------------------------------------------------------------------- worker (one backend)


def _namespace(backend: str, batch: int) -> dict[str, Any]:
    """The modules and native inputs the expressions use."""
    from multik import backend as K

    rng = np.random.default_rng(0)
    xl = rng.standard_normal((batch, SIZE, SIZE, CHANNELS), dtype=np.float32)
    w = (rng.standard_normal((3, 3, CHANNELS, FILTERS), dtype=np.float32) / 24).astype(np.float32)
    xf = np.ascontiguousarray(xl.transpose(0, 3, 1, 2))
    ns: dict[str, Any] = {"np": np, "K": K, "b": batch, "im2col_conv": im2col_conv}
    ns["window_mean"] = window_mean
    if backend == "numpy":
        ns.update(xl=xl, xf=xf, w=w)
    elif backend == "tensorflow":
        import tensorflow as tf

        ns.update(tf=tf, xl=tf.constant(xl), xf=tf.constant(xf), w=tf.constant(w))
    elif backend == "torch":
        import torch
        import torch.nn.functional as F

        xf_t = torch.from_numpy(xf)
        ns.update(torch=torch, F=F, xl=torch.from_numpy(xl), xf=xf_t, w=torch.from_numpy(w))
        ns["wt"] = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
        ns["xm"] = xf_t.contiguous(memory_format=torch.channels_last)
    else:
        import jax
        import jax.numpy as jnp

        ns.update(jax=jax, jnp=jnp, lax=jax.lax)
        ns.update({name: jnp.asarray(value) for name, value in (("xl", xl), ("xf", xf), ("w", w))})
    return ns


def _synced(backend: str, expression: str) -> str:
    return f"({expression}).block_until_ready()" if backend == "jax" else expression


def run_worker(backend: str, settings: Settings, out: Path) -> None:
    """Time every case on ``backend`` in this process and write the results to ``out``."""
    batch = settings.batch if isinstance(settings, ConvSettings) else FULL.batch
    ns = _namespace(backend, batch)
    if ns["K"].backend() != backend:
        raise RuntimeError(f"multik runs on {ns['K'].backend()}, not {backend}")
    results: dict[str, Any] = {}
    for case, references in REFERENCES[backend].items():
        calls = {**references, "multik": MULTIK[case]}
        calls = {name: _synced(backend, call) for name, call in calls.items()}
        expected = np.asarray(eval(calls[next(iter(references))], ns))
        errors = {n: p for n, c in calls.items() if (p := _check(c, ns, expected)) is not None}
        timers = {n: timeit.Timer(c, globals=ns) for n, c in calls.items() if n not in errors}
        us, spread = _time_interleaved(timers, settings) if timers else ({}, {})
        results[case] = {"us": us, "spread": spread, "errors": errors, "calls": calls}
    out.write_text(json.dumps({"batch": batch, "cases": results}))


# --------------------------------------------------------------------------- report


def _ms(us: float) -> str:
    ms = us / 1000
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def _row(backend: str, case: str, row: dict[str, Any]) -> tuple[str, bool]:
    """One table row, and whether multik meets its target."""
    us, errors = row["us"], row["errors"]
    target = NUMPY_TARGET if backend == "numpy" else TARGET
    references = {name: t for name, t in us.items() if name != "multik"}
    if "multik" not in us or not references:
        why = errors.get("multik") or "; ".join(f"{n}: {p}" for n, p in errors.items())
        return f"| {backend} | {case} | — | — | — | — | **no**: {why} |", False
    best = min(references, key=references.__getitem__)
    ratio = us["multik"] / references[best]
    met = ratio <= target
    spread = max(row["spread"][best], row["spread"]["multik"])
    others = ", ".join(f"{name} {_ms(t)}" for name, t in references.items() if name != best)
    verdict = "yes" if met else f"**no** (spread {spread:.0%})"
    cells = [
        backend,
        case,
        f"{best} {_ms(references[best])}" + (f" ({others})" if others else ""),
        _ms(us["multik"]),
        f"{ratio:.2f}×",
        f"{target:.2f}×",
        verdict,
    ]
    return "| " + " | ".join(cells) + " |", met


def report(
    results: dict[str, dict[str, Any] | str],
    settings: Settings,
    quick: bool,
    threads: int,
    host: str,
) -> str:
    """The Markdown section: machine, method, one row per backend and case, the calls timed."""
    batch = settings.batch if isinstance(settings, ConvSettings) else FULL.batch
    lines = [
        "## Convolution and pooling",
        "",
        generated_by("benchmarks.conv", quick, threads),
        "",
        host,
        "",
        "The machine has 2 cores and is shared: other jobs were running while this was measured "
        "(see the load average), so absolute times are noisy; each ratio compares calls timed "
        "in turn within the same rounds.",
        "",
        f"- Inputs: float32, batch {batch}, 32x32 images of 64 channels (the same values in "
        "both layouts), a (3, 3, 64, 64) kernel; native tensors made before timing. "
        + (
            "Every framework runs one thread."
            if threads == 1
            else f"Threads: {threads or 'default'}."
        ),
        f"- Per case, the calls are timed in turn, {settings.rounds} rounds of about "
        f"{settings.budget * 1000:g} ms each; the table gives the median ms per call. Before "
        "timing, each call is checked to give the first reference's values.",
        "- Reference: the fastest of the natural framework calls for the layout (the others in "
        "parentheses); for NumPy, which has no convolution, a good im2col "
        "(`sliding_window_view` + one matrix product) and the reshape or sliding-window pools. "
        f"Target: multik at most {TARGET:.2f}× the reference, {NUMPY_TARGET:g}× on NumPy. Where "
        "it misses, the spread (interquartile range of the rounds / median) says how much may "
        "be noise.",
        "",
        "| backend | case | reference ms | multik ms | ratio | target | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    calls, total, met = [], 0, 0
    for backend, result in results.items():
        if isinstance(result, str):
            lines.append(f"| {backend} | — | — | — | — | — | not measured: {result} |")
            continue
        for case, row in result["cases"].items():
            text, ok = _row(backend, case, row)
            lines.append(text)
            total, met = total + 1, met + ok
            calls += [
                f"| {backend} | {case} | {name} | `{call}` |" for name, call in row["calls"].items()
            ]
    lines[1:1] = ["", f"{met} of {total} targets met."]
    lines += ["", "Calls timed:", "", "| backend | case | name | call |", "|---|---|---|---|"]
    return "\n".join([*lines, *calls]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one backend's part); 1 if a backend failed."""
    results = drive(
        argv, "benchmarks.conv", __doc__, DOC, FULL, run_worker, report, quick=QUICK, section=True
    )
    return 1 if results and any(isinstance(r, str) for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
