"""The function x backend conformance matrix, as text and Markdown, and docs/deviations.md.

``python -m multik.conformance.report --deviations`` prints docs/deviations.md;
``python -m multik.conformance.report [--backends numpy,jax] [--markdown FILE]`` runs the cases
(all modes) and prints the matrix, like ``multik conformance``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from multik.conformance.cases import CASES
from multik.conformance.deviations import DEVIATIONS, LEGACY_NAMES, UNSUPPORTED
from multik.conformance.runner import case_modes, run_case

__all__ = ["LEGEND", "Matrix", "Progress", "deviations_markdown", "main", "run_matrix"]

PASS, DEVIATES, UNSUPPORTED_MARK, FAILING = "✓", "✓ dev", "unsupported", "FAILING"
SKIPPED = "skipped"

#: What every symbol of the matrix means (printed under it, in the terminal and in Markdown).
LEGEND = (
    f"{PASS}: every case passes in every mode; {DEVIATES}: passes, with a documented difference "
    f"from tf_keras (docs/deviations.md); {UNSUPPORTED_MARK}: the backend raises "
    f"UnsupportedError (docs/deviations.md); {FAILING} n/m: n of the cell's m runs fail (each "
    f"is listed under the matrix); a trailing ', k {SKIPPED}': k runs this environment cannot "
    f"make (each is listed under the matrix with the reason); {SKIPPED}: all of the cell's runs."
)

#: ``progress(backend, runs done, runs in all, failing)``, called after each case.
Progress = Callable[[str, int, int, int], None]


@dataclass
class Matrix:
    """Per (function, backend): runs, failures and skipped runs, with their details."""

    backends: list[str]
    runs: dict[tuple[str, str], int] = field(default_factory=dict)
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str, str]] = field(default_factory=list)

    def cell(self, function: str, backend: str) -> str:
        """The matrix cell: a mark (see ``LEGEND``), then how many of its runs were skipped."""
        runs = self.runs.get((function, backend), 0)
        skipped = sum(1 for f, b, _, _ in self.skipped if (f, b) == (function, backend))
        if skipped and skipped == runs:
            return SKIPPED
        return self._mark(function, backend, runs) + (f", {skipped} {SKIPPED}" if skipped else "")

    def _mark(self, function: str, backend: str, runs: int) -> str:
        failed = sum(1 for f, b, _, _ in self.failures if (f, b) == (function, backend))
        if failed:
            return f"{FAILING} {failed}/{runs}"
        if (backend, function) in UNSUPPORTED:
            return UNSUPPORTED_MARK
        if any(function in d.functions for d in DEVIATIONS):
            return DEVIATES
        return PASS

    @property
    def functions(self) -> list[str]:
        """The functions covered, in case-table order."""
        return list(dict.fromkeys(case.function for case in CASES))

    @property
    def failing(self) -> bool:
        """Whether any cell is failing."""
        return bool(self.failures)

    def text(self) -> str:
        """The matrix as aligned plain text, its legend, then the failures and skipped runs."""
        rows = [["function", *self.backends]]
        rows += [[f, *(self.cell(f, b) for b in self.backends)] for f in self.functions]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        lines.append(f"\n{LEGEND}")
        lines.append(
            f"\n{len(CASES)} cases; {sum(self.runs.values())} runs; {len(self.failures)} failing; "
            f"{len(self.skipped)} {SKIPPED}"
        )
        lines.extend(f"FAIL {backend} {where}: {why}" for _, backend, where, why in self.failures)
        lines.extend(f"SKIP {backend} {where}: {why}" for _, backend, where, why in self.skipped)
        return "\n".join(lines)

    def markdown(self) -> str:
        """The matrix as a Markdown table, with its legend."""
        lines = [
            "| function | " + " | ".join(self.backends) + " |",
            "|---|" + "---|" * len(self.backends),
        ]
        for function in self.functions:
            lines.append(
                f"| `{function}` | "
                + " | ".join(self.cell(function, b) for b in self.backends)
                + " |"
            )
        lines += ["", LEGEND]
        return "\n".join(lines) + "\n"


def run_matrix(backends: Sequence[str], progress: Progress | None = None) -> Matrix:
    """Run every case on ``backends`` in all their modes, reporting ``progress`` if given."""
    matrix = Matrix(list(backends))
    for backend in backends:
        total = sum(len(case_modes(case, backend)) for case in CASES)
        done = failing = 0
        for case in CASES:
            for mode in case_modes(case, backend):
                key = (case.function, backend)
                matrix.runs[key] = matrix.runs.get(key, 0) + 1
                outcome = run_case(case, backend, mode)
                record = (case.function, backend, f"{mode} {case.id}", outcome.detail)
                if outcome.status == "skipped":
                    matrix.skipped.append(record)
                elif not outcome.ok:
                    matrix.failures.append(record)
                    failing += 1
                done += 1
            if progress is not None:
                progress(backend, done, total, failing)
    return matrix


def deviations_markdown() -> str:
    """docs/deviations.md: the deviations from tf_keras 2.21 and the unsupported cells."""
    lines = [
        "# Deviations from tf_keras 2.21",
        "",
        "Generated by `python -m multik.conformance.report --deviations` from",
        "`src/multik/conformance/deviations.py`; do not edit by hand. The legacy-parity tests run",
        "every conformance case through `tf_keras.backend` and fail on any difference not listed",
        "here, and on any listed difference that no longer occurs. Each row's anchor is its tag",
        "(`docs/deviations.md#int-mean`), which `multik port` and `docs/api.md` link to.",
        "",
        "| functions | what differs | why |",
        "|---|---|---|",
    ]
    for d in DEVIATIONS:
        functions = ", ".join(f"`{f}`" for f in d.functions)
        lines.append(f'| <a id="{d.tag}"></a>{functions} | {d.what} | {d.why} |')
    lines += [
        "",
        "## Functions tf_keras 2.21 does not export",
        "",
        "| function | compared with |",
        "|---|---|",
    ]
    lines += [f"| `{f}` | {what} |" for f, what in LEGACY_NAMES.items()]
    lines += ["", "## Unsupported (backend, function) cells", ""]
    if UNSUPPORTED:
        lines += ["| backend | function | reason |", "|---|---|---|"]
        lines += [f"| {b} | `{f}` | {why} |" for (b, f), why in UNSUPPORTED.items()]
    else:
        lines.append("None: every function runs on every backend.")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the command


def run_conformance(backends: str | None, markdown: str | None) -> int:
    """Run the conformance cases on ``backends`` (comma-separated; default: all installed) in all
    modes, print the function x backend matrix, optionally write it as Markdown; 1 if any fails.

    JAX runs with its 64-bit mode on, as in the pytest suite (this process exists only to run it).
    The cases feed NaN, inf and overflows on purpose, so the frameworks' warnings about them
    (and their start-up logs) are silenced: the verdicts are in the matrix. On a terminal,
    stderr shows each backend's progress.
    """
    quiet_framework_logs()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _conformance_matrix(backends, markdown)


def quiet_framework_logs() -> None:
    """Keep the frameworks' logs to errors: TensorFlow's C++ log (``TF_CPP_MIN_LOG_LEVEL=2``
    unless the user set it; it is read when TensorFlow is imported) and the Python loggers of
    TensorFlow (per-case retracing notices) and absl."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    if importlib.util.find_spec("absl") is not None:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)


def _conformance_matrix(backends: str | None, markdown: str | None) -> int:
    from multik.backends import available_backends, canonical_name
    from multik.conformance.runner import enable_jax_x64

    chosen = available_backends()
    if backends:
        named = (canonical_name(n, "--backends") for n in backends.split(","))
        chosen = [n for n in named if n is not None]
    if "jax" in chosen:
        enable_jax_x64()
    _load_quietly(chosen)
    matrix = run_matrix(chosen, _print_progress if sys.stderr.isatty() else None)
    print(matrix.text())
    if markdown:
        with open(markdown, "w", encoding="utf-8") as out:
            out.write(matrix.markdown())
    return 1 if matrix.failing else 0


def _load_quietly(backends: list[str]) -> None:
    """Import the backends' frameworks now: a missing one is one error naming its extra, not a
    failure per case, and TensorFlow's C++ start-up lines (written before any log level
    applies) are held back unless the import fails."""
    from multik.backends import load_adapter

    with _stderr_held_back():
        for name in backends:
            load_adapter(name, "--backends")


@contextlib.contextmanager
def _stderr_held_back() -> Iterator[None]:
    """Point file descriptor 2, where C++ code logs, at a temporary file during the block; what
    it caught is written to stderr only if the block raises."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        failed = True
        try:
            yield
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if failed:
                held.seek(0)
                sys.stderr.write(held.read().decode(errors="replace"))


def _print_progress(backend: str, done: int, total: int, failing: int) -> None:
    end = "\n" if done == total else ""
    print(f"\r{backend}: {done}/{total} runs, {failing} failing", end=end, file=sys.stderr)
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Print docs/deviations.md, or run the matrix; exit status 1 if any cell fails."""
    parser = argparse.ArgumentParser(prog="python -m multik.conformance.report")
    parser.add_argument(
        "--deviations", action="store_true", help="print docs/deviations.md and exit"
    )
    parser.add_argument("--backends", help="comma-separated backends (default: all installed)")
    parser.add_argument(
        "--markdown", metavar="FILE", help="also write the matrix as Markdown to FILE"
    )
    args = parser.parse_args(argv)
    if args.deviations:
        sys.stdout.write(deviations_markdown())
        return 0
    return run_conformance(args.backends, args.markdown)


if __name__ == "__main__":
    raise SystemExit(main())
