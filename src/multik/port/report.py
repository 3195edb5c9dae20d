"""The ``multik port`` report: plain text for a terminal, or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from os import PathLike
from typing import Any

from multik.coverage import DEVIATES, MISSING, PARTIAL, SUPPORTED, Coverage, deviation_link
from multik.port.analysis import Flag
from multik.port.scan import FileReport

__all__ = ["as_json", "as_text"]

_MARKS = {SUPPORTED: "✓", DEVIATES: "✓ dev", PARTIAL: "✓ part", MISSING: "✗"}
_LEGEND = (
    "✓: runs on numpy, tensorflow, torch and jax as in tf_keras; ✓ dev: runs everywhere, with a "
    "documented difference from tf_keras; ✓ part: raises UnsupportedError on some backends; "
    "✗: not in multik; !: needs a change by hand; ~: fixed by --rewrite."
)


def _detail(c: Coverage) -> str:
    if c.status == MISSING:
        return "not yet implemented in multik" if c.legacy else "not a Keras 2 backend function"
    if c.status == PARTIAL:
        return "; ".join(f"UnsupportedError on {b}: {why}" for b, why in c.unsupported.items())
    return ", ".join(deviation_link(d) for d in c.deviations)


def _lines(lines: Sequence[int]) -> str:
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(map(str, lines))


def _flag_line(flag: Flag) -> str:
    mark = "~" if flag.fixed_by_rewrite else "!"
    return f"  {mark} line {flag.line}: {flag.code}: {flag.message}"


def _file_text(report: FileReport) -> list[str]:
    if report.error is not None:
        return [f"{report.path}: {report.error}"]
    if not report.uses and not report.flags:
        return [f"{report.path}: no legacy backend use"]
    lines = [f"{report.path}:"]
    covered = report.coverage()
    width = max((len(c.name) for c in covered), default=0)
    for c in covered:
        row = f"  {_MARKS[c.status]:<6} {c.name:<{width}}  {_lines(report.uses[c.name])}"
        detail = _detail(c)
        lines.append(f"{row}  ({detail})" if detail else row)
    lines.extend(_flag_line(flag) for flag in report.flags)
    return lines


def _summary(reports: Sequence[FileReport]) -> dict[str, Any]:
    functions = {c.name: c for r in reports for c in r.coverage()}
    statuses = [c.status for c in functions.values()]
    return {
        "files": len(reports),
        "functions": len(functions),
        SUPPORTED: statuses.count(SUPPORTED),
        DEVIATES: statuses.count(DEVIATES),
        PARTIAL: statuses.count(PARTIAL),
        MISSING: statuses.count(MISSING),
        "by_hand": sum(not f.fixed_by_rewrite for r in reports for f in r.flags),
        "fixed_by_rewrite": sum(f.fixed_by_rewrite for r in reports for f in r.flags),
        "unparsed": sum(r.error is not None for r in reports),
        "ported": all(r.ported for r in reports),
    }


def as_text(reports: Sequence[FileReport]) -> str:
    """The report for a terminal: one block per file, then a summary and the legend."""
    lines = [line for report in reports for line in _file_text(report)]
    s = _summary(reports)
    verdict = (
        "portable: everything used runs on every backend once the imports point at "
        "multik.backend (multik port --rewrite changes them)"
        if s["ported"]
        else "not portable by changing the imports alone: see the ✗ and ! lines"
    )
    lines += [
        "",
        f"{s['files']} file(s), {s['functions']} K function(s): {s[SUPPORTED]} supported, "
        f"{s[DEVIATES]} with a documented deviation, {s[PARTIAL]} unsupported on some backend, "
        f"{s[MISSING]} not in multik; {s['by_hand']} line(s) to change by hand, "
        f"{s['fixed_by_rewrite']} fixed by --rewrite"
        + (f"; {s['unparsed']} file(s) not parsed" if s["unparsed"] else ""),
        f"Verdict: {verdict}.",
        _LEGEND,
    ]
    return "\n".join(lines) + "\n"


def _file_json(report: FileReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "error": report.error,
        "ported": report.ported,
        "functions": [
            {
                "name": c.name,
                "lines": report.uses[c.name],
                "status": c.status,
                "legacy_api": c.legacy is not None,
                "deviations": [{"tag": d.tag, "link": deviation_link(d)} for d in c.deviations],
                "unsupported": c.unsupported,
            }
            for c in report.coverage()
        ],
        "flags": [
            {
                "line": f.line,
                "kind": f.kind,
                "code": f.code,
                "message": f.message,
                "fixed_by_rewrite": f.fixed_by_rewrite,
            }
            for f in report.flags
        ],
    }


def as_json(reports: Sequence[FileReport], rewritten: Sequence[PathLike[str]] = ()) -> str:
    """The report as JSON: ``files`` (one object per file), ``summary``, and ``rewritten`` (the
    files ``--rewrite`` changed)."""
    document = {
        "files": [_file_json(r) for r in reports],
        "summary": _summary(reports),
        "rewritten": [str(path) for path in rewritten],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
