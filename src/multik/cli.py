"""The ``multik`` command line: ``multik info``, ``multik conformance``, ``multik port``."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator, Sequence

from multik.errors import MultikError
from multik.port.cli import add_parser as add_port_parser


def format_info(info: dict) -> str:
    """``backend_info()`` as aligned ``key: value`` lines."""
    lines = []
    for key, value in info.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {name:<12} {item}" for name, item in value.items())
        elif isinstance(value, list):
            lines.append(f"{key + ':':<19}{', '.join(map(str, value)) or '-'}")
        else:
            lines.append(f"{key + ':':<19}{value}")
    return "\n".join(lines)


def _info(args: argparse.Namespace) -> int:
    from multik.info import backend_info

    print(format_info(backend_info(devices=args.devices)))
    return 0


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
    from multik.conformance.report import run_matrix
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


def _conformance(args: argparse.Namespace) -> int:
    return run_conformance(args.backends, args.markdown)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="multik",
        description="The legacy Keras backend API on TensorFlow, PyTorch, JAX and NumPy.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show the active backend, why, and what is installed")
    info.add_argument(
        "--devices",
        action="store_true",
        help="also list the backend's devices; this imports its framework (and importing "
        "TensorFlow writes ~/.keras/keras.json when it does not exist)",
    )
    info.set_defaults(run=_info)
    conformance = commands.add_parser(
        "conformance", help="run the conformance cases and print the function x backend matrix"
    )
    conformance.add_argument("--backends", help="comma-separated backends (default: all installed)")
    conformance.add_argument("--markdown", metavar="FILE", help="also write the matrix as Markdown")
    conformance.set_defaults(run=_conformance)
    add_port_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors print one line naming what to fix and exit with status 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except MultikError as exc:
        print(f"multik: error: {exc}", file=sys.stderr)
        return 2
