"""``multik port PATH... [--json] [--rewrite | --diff]``: the command line of the porting tool.

Exit status: 0 when everything the files use runs on every backend (after ``--rewrite``'s
changes), 1 otherwise, 2 for a usage error (a missing path, no Python files, libcst missing).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multik.port import PortError, require_libcst

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["add_parser", "python_files", "run"]

_SKIPPED_DIRS = {"__pycache__", "site-packages", "node_modules"}


def add_parser(commands: Any) -> None:
    """Add the ``port`` subcommand to the ``multik`` command's subparsers."""
    port = commands.add_parser(
        "port",
        help="list the legacy Keras backend calls of Python files and rewrite them to multik",
        description="Find every use of the legacy Keras backend (from keras import backend as "
        "K, tf.keras.backend, tf_keras.backend, ...) in PATHs, say for each K function whether "
        "multik runs it on every backend, and flag what will not port by changing the import. "
        "Exit status 0 when everything used is supported, 1 otherwise, 2 for a usage error.",
    )
    port.add_argument("paths", nargs="+", metavar="PATH", help="Python files or directories")
    output = port.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the report as JSON")
    output.add_argument(
        "--diff", action="store_true", help="print the rewrite as a unified diff; write nothing"
    )
    port.add_argument(
        "--rewrite",
        action="store_true",
        help="rewrite the legacy backend imports to multik.backend in place (and K.tf."
        "batch_gather to K.batch_gather); everything else stays byte-identical",
    )
    port.set_defaults(run=run)


def python_files(paths: Iterable[str]) -> list[Path]:
    """The files named, and the ``*.py`` files under the directories named (hidden folders,
    ``__pycache__`` and installed packages skipped), in order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*.py"))
                if not any(
                    part.startswith(".") or part in _SKIPPED_DIRS
                    for part in p.relative_to(path).parts[:-1]
                )
            )
        else:
            raise PortError(f"{name}: no such file or directory")
    if not found:
        raise PortError(f"no Python files in {', '.join(paths)}")
    return found


def run(args: argparse.Namespace) -> int:
    """Scan, and with ``--rewrite`` or ``--diff`` rewrite, the files of ``args.paths``; the
    report is about the code as it was, its verdict about the code once rewritten."""
    require_libcst()
    import libcst as cst

    from multik.port.report import as_json, as_text
    from multik.port.rewrite import rewrite_module
    from multik.port.scan import FileReport, scan_module, scan_source

    reports: list[FileReport] = []
    rewritten: list[Path] = []
    for path in python_files(args.paths):
        source = path.read_bytes()
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError:
            reports.append(scan_source(source, str(path)))  # reports the syntax error
            continue
        reports.append(scan_module(module, str(path)))
        if not (args.rewrite or args.diff):
            continue
        new = rewrite_module(module)
        if new.bytes == source:
            continue
        if args.diff:
            sys.stdout.writelines(_diff(module, new, str(path)))
        else:
            path.write_bytes(new.bytes)
            rewritten.append(path)
    if args.json:
        sys.stdout.write(as_json(reports, rewritten))
    elif not args.diff:
        sys.stdout.writelines(f"rewrote {path}\n" for path in rewritten)
        sys.stdout.write(as_text(reports))
    return 0 if all(r.ported for r in reports) else 1


def _diff(old: cst.Module, new: cst.Module, path: str) -> Iterable[str]:
    """The unified diff from ``old`` to ``new``, the source of ``path``."""
    return difflib.unified_diff(
        old.code.splitlines(keepends=True),
        new.code.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
