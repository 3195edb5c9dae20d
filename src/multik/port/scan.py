"""``multik port`` without ``--rewrite``: what a file uses of the legacy backend, how multik
covers each function, and the lines that need more than the import changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from multik.coverage import Coverage, coverage
from multik.port.analysis import Flag, analyze

__all__ = ["FileReport", "scan_module", "scan_source"]


@dataclass
class FileReport:
    """The legacy backend use of one file."""

    path: str
    #: K function name -> lines using it, in order of first use.
    uses: dict[str, list[int]] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    #: Why the file could not be parsed, if it could not.
    error: str | None = None

    def coverage(self) -> list[Coverage]:
        """How multik covers each function used, in order of first use."""
        return [coverage(name) for name in self.uses]

    @property
    def ported(self) -> bool:
        """Whether the file runs on every backend once ``--rewrite`` has changed its imports."""
        return (
            self.error is None
            and all(c.ported for c in self.coverage())
            and all(f.fixed_by_rewrite for f in self.flags)
        )


def scan_module(module: cst.Module, path: str) -> FileReport:
    """The report of a parsed file."""
    analysis = analyze(module)
    return FileReport(path, analysis.uses, analysis.flags)


def scan_source(code: str | bytes, path: str = "<string>") -> FileReport:
    """The report of one file's source; a file that does not parse gets ``error`` set."""
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as exc:
        return FileReport(path, error=f"not valid Python 3: syntax error at line {exc.raw_line}")
    return scan_module(module, path)
