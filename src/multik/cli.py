"""The ``multik`` command line: ``multik info``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from multik.errors import MultikError


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


def _info(_args: argparse.Namespace) -> int:
    from multik.info import backend_info

    print(format_info(backend_info()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="multik", description="The legacy Keras backend API on TensorFlow, PyTorch, JAX and NumPy."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show the active backend, why, and what is installed")
    info.set_defaults(run=_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; errors print one line naming what to fix and exit with status 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except MultikError as exc:
        print(f"multik: error: {exc}", file=sys.stderr)
        return 2
