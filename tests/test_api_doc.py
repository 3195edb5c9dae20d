"""docs/api.md is what ``python -m multik.apidoc`` generates, and the legacy API table it is
built from is well formed."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from multik import backend as K
from multik.apidoc import COMMAND, api_markdown
from multik.coverage import coverage
from multik.legacy_api import FAMILIES, LEGACY_API

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def test_api_doc_is_generated():
    assert DOC.read_text(encoding="utf-8") == api_markdown(), (
        f"docs/api.md is stale (multik.backend, the legacy API table or the deviations "
        f"changed): regenerate it with {COMMAND}"
    )


def test_legacy_api_table_is_well_formed():
    names = [f.name for f in LEGACY_API]
    assert len(names) == len(set(names)) == 166
    for f in LEGACY_API:
        assert f.family in FAMILIES, f.name
        assert re.fullmatch(rf"{f.name}\(.*\)", f.signature), f.name
        assert f.rule.endswith("."), f.name
    assert [f.family for f in LEGACY_API] == sorted(f.family for f in LEGACY_API)


def _parameters(signature: str) -> list[str]:
    """Parameter names of a signature string, ``*args``/``**kwargs`` with their stars."""
    args = ast.parse(f"def {signature}: pass").body[0].args  # type: ignore[attr-defined]
    names = [a.arg for a in args.args]
    names += [f"*{args.vararg.arg}"] if args.vararg else []
    names += [a.arg for a in args.kwonlyargs]
    return names + ([f"**{args.kwarg.arg}"] if args.kwarg else [])


def test_implemented_names_take_the_legacy_parameters_in_order():
    for f in LEGACY_API:
        if coverage(f.name).implemented:
            ours = _parameters(f"f{inspect.signature(getattr(K, f.name))}")
            assert ours == _parameters(f.signature), f.name
