"""The package's shape: no import cycles, small modules, and a front-end that shows only the API."""

from __future__ import annotations

import ast
from pathlib import Path

from multik import backend as K

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "multik"
#: Modules that are data tables rather than code may be longer.
TABLES = ("conformance/cases/",)
MAX_LINES = 700


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:`` (type-only imports)."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The multik modules ``path`` imports at run time, at module level or inside functions."""
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: _imports(path, modules) - {name} for name, path in paths.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name)):
            return found
    return None


def _without_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's ``__init__`` importing its own submodules is containment, not a cycle."""
    return {
        name: {dep for dep in deps if not name.startswith(dep + ".")}
        for name, deps in graph.items()
    }


def test_no_import_cycles():
    cycle = _cycle(_without_packages(_graph()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_module_is_too_long():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > MAX_LINES
        and not str(path.relative_to(PACKAGE)).startswith(TABLES)
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_front_end_shows_only_the_api():
    # (pytest's assertion rewriting adds "@py_builtins" to modules of its plugins' packages)
    public = {name for name in dir(K) if not name.startswith(("_", "@"))}
    assert public == set(K.__all__) | {"CONFIG_FUNCTIONS", "GRAPH_FUNCTIONS"}
    assert not {"np", "Any", "config", "SymbolicInput", "Sequence"} & set(dir(K))
