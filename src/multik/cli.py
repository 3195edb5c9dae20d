"""The ``multik`` command line: ``multik info``, ``multik conformance``, ``multik port``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def _conformance(args: argparse.Namespace) -> int:
    from multik.conformance.report import run_conformance

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
