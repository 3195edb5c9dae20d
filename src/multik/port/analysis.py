"""One pass over a parsed file: which K functions it uses (with line numbers), what will not
port by changing the import alone, and how each imported name is used (for the rewrite)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from multik.port.names import (
    TENSORFLOW,
    TF_EQUIVALENTS,
    Bindings,
    bound_name,
    from_module,
    root_name,
    split_legacy,
)

__all__ = ["Analysis", "Flag", "analyze"]

#: TensorFlow 1 session functions of the legacy backend.
SESSION_FUNCTIONS = frozenset({"get_session", "set_session"})
_CODE_WIDTH = 60


@dataclass(frozen=True)
class Flag:
    """A line that will not port by changing the import alone."""

    line: int
    kind: str
    code: str
    message: str
    #: True when ``multik port --rewrite`` fixes it.
    fixed_by_rewrite: bool = False


_MESSAGES = {
    "tf": "TensorFlow API: runs on TensorFlow only; write it with K functions",
    "tf-variable": "a TensorFlow variable: use K.variable",
    "k-tf": "TensorFlow reached through the backend (K.tf): multik.backend has no tf; write it "
    "with K functions",
    "k-tf-mapped": "--rewrite maps K.tf.{name} to K.{target}",
    "backend-check": "compares K.backend() with a name: under multik it is the active backend "
    "('numpy', 'tensorflow', 'torch' or 'jax'), so which branch runs changes with the backend",
    "tf-session": "a TensorFlow 1 session: use K.function, K.eval or K.get_value instead",
    "star-import": "star import of the backend: the K functions used through it are not listed",
    "tf-import": "imports TensorFlow, which every backend then needs installed: remove it once "
    "nothing else uses it",
    "tf-import-chains": "imports TensorFlow only to reach its Keras backend: --rewrite replaces it "
    "with import multik.backend",
}


@dataclass
class Analysis:
    """What one file does with the legacy backend."""

    bindings: Bindings
    #: K function name -> the lines using it, in order.
    uses: dict[str, list[int]] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    #: Imported names used as the root of a chain into a legacy module (``tf`` in
    #: ``tf.keras.backend.sum``), and how often they are used in any other way.
    chain_roots: Counter[str] = field(default_factory=Counter)
    other_uses: Counter[str] = field(default_factory=Counter)


def analyze(module: cst.Module) -> Analysis:
    """Analyze a parsed file."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    visitor = _Visitor(Analysis(Bindings.of(module)))
    wrapper.visit(visitor)
    visitor.analysis.flags.sort(key=lambda f: f.line)
    return visitor.analysis


class _Visitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.analysis = analysis
        self.bindings = analysis.bindings
        #: (local name, import node) for each name an import binds to TensorFlow.
        self.tensorflow_imports: list[tuple[str, cst.CSTNode]] = []

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _use(self, name: str, node: cst.CSTNode) -> None:
        lines = self.analysis.uses.setdefault(name, [])
        line = self._line(node)
        if line not in lines:
            lines.append(line)
        if name in SESSION_FUNCTIONS:
            self._flag("tf-session", node)

    def _flag(self, kind: str, node: cst.CSTNode, **names: str) -> None:
        code = cst.Module([]).code_for_node(node)
        if len(code) > _CODE_WIDTH:
            code = code[: _CODE_WIDTH - 3] + "..."
        message = _MESSAGES[kind].format(**names)
        fixed = kind in ("k-tf-mapped", "tf-import-chains")
        self.analysis.flags.append(Flag(self._line(node), kind, code, message, fixed))

    def _note_tensorflow_import(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            local = bound_name(alias)
            path = self.bindings.get(local, "")
            if path.split(".")[0] == TENSORFLOW and split_legacy(path) is None:
                self.tensorflow_imports.append((local, node))

    def leave_Module(self, original_node: cst.Module) -> None:
        """Flag each import of TensorFlow, now that every use is counted: --rewrite replaces
        those only used to reach the legacy backend (``tf.keras.backend.sum``); the others
        keep TensorFlow a dependency."""
        for local, node in self.tensorflow_imports:
            chains_only = self.analysis.chain_roots[local] and not self.analysis.other_uses[local]
            self._flag("tf-import-chains" if chains_only else "tf-import", node)

    # Imports: names imported from a legacy module are uses (a missing one fails at import).
    def visit_Import(self, node: cst.Import) -> bool:
        self._note_tensorflow_import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._note_tensorflow_import(node)
        found = split_legacy(from_module(node))
        if found is None or found[1]:
            return False
        if isinstance(node.names, cst.ImportStar):
            self._flag("star-import", node)
            return False
        for alias in node.names:
            self._use(alias.name.value, alias)  # type: ignore[union-attr]
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # a keyword's name is not a use of that name
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        path = self.bindings.resolve(node)
        found = split_legacy(path)
        if found is not None:
            self._legacy(node, found[1])
            return False
        if path is not None and path.startswith(TENSORFLOW + "."):
            self.analysis.other_uses[root_name(node)] += 1
            self._flag("tf-variable" if path == f"{TENSORFLOW}.Variable" else "tf", node)
            return False
        node.value.visit(self)  # the attribute's own Name is not a use of that name
        return False

    def _legacy(self, node: cst.Attribute, rest: str) -> None:
        root = root_name(node)
        if not self.bindings.is_module_alias(root):
            self.analysis.chain_roots[root] += 1
        if not rest:
            return
        first, _, after = rest.partition(".")
        if first != "tf":
            self._use(first, node)
        elif after in TF_EQUIVALENTS:
            self._use(TF_EQUIVALENTS[after], node)
            self._flag("k-tf-mapped", node, name=after, target=TF_EQUIVALENTS[after])
        else:
            self._flag("k-tf", node)

    def visit_Name(self, node: cst.Name) -> bool:
        path = self.bindings.get(node.value)
        if path is None:
            return False
        self.analysis.other_uses[node.value] += 1
        found = split_legacy(path)
        if found is not None and found[1]:
            self._use(found[1].split(".")[0], node)
        elif path.startswith(TENSORFLOW + "."):
            self._flag("tf", node)
        return False

    def visit_Comparison(self, node: cst.Comparison) -> bool:
        operands = [node.left, *(target.comparator for target in node.comparisons)]
        if any(self._is_backend_call(operand) for operand in operands):
            self._flag("backend-check", node)
        return True

    def _is_backend_call(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        found = split_legacy(self.bindings.resolve(node.func))
        return found is not None and found[1] == "backend"
