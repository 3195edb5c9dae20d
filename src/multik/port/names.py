"""Where the legacy backend lives: the module paths that are the Keras 2 backend, and how a
name or attribute chain in a file resolves to a module path through the file's imports.

Resolution is per file, not per scope: a name bound by an import anywhere in the file counts
everywhere in it (legacy code imports the backend once, at the top).
"""

from __future__ import annotations

import libcst as cst

__all__ = [
    "LEGACY_MODULES",
    "MULTIK_MODULE",
    "TENSORFLOW",
    "TF_EQUIVALENTS",
    "Bindings",
    "bound_name",
    "dotted",
    "from_module",
    "is_legacy_module",
    "root_name",
    "split_legacy",
]

#: Module paths of the Keras 2 backend (``from keras import backend as K`` and its spellings).
LEGACY_MODULES = (
    "keras.backend",
    "tensorflow.keras.backend",
    "tensorflow.python.keras.backend",
    "tensorflow.compat.v1.keras.backend",
    "tensorflow.compat.v2.keras.backend",
    "tf_keras.backend",
)
MULTIK_MODULE = "multik.backend"
TENSORFLOW = "tensorflow"
#: ``K.tf.<name>`` (TensorFlow reached through the Keras 2 backend) -> the K function for it.
TF_EQUIVALENTS = {"batch_gather": "batch_gather"}


def dotted(node: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for a Name or a chain of Attributes on a Name, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import alias binds: ``K`` for ``backend as K``, ``keras`` for
    ``import keras.backend``."""
    node = alias.asname.name if alias.asname is not None else alias.name
    name = dotted(node)
    assert name is not None
    return name.split(".")[0]


def root_name(node: cst.Attribute) -> str:
    """The Name an attribute chain starts from (``tf`` in ``tf.keras.backend``)."""
    value: cst.BaseExpression = node
    while isinstance(value, cst.Attribute):
        value = value.value
    assert isinstance(value, cst.Name)
    return value.value


def from_module(node: cst.ImportFrom) -> str | None:
    """The module an absolute ``from ... import`` reads from; None for a relative import."""
    return None if node.relative else dotted(node.module)


def split_legacy(path: str | None) -> tuple[str, str] | None:
    """(legacy module, the rest of ``path`` after it) when ``path`` is a legacy backend module
    (rest ``""``) or something inside one (``"sum"``, ``"tf.batch_gather"``); else None."""
    if path is None:
        return None
    for module in LEGACY_MODULES:
        if path == module:
            return module, ""
        if path.startswith(module + "."):
            return module, path[len(module) + 1 :]
    return None


def is_legacy_module(path: str | None) -> bool:
    """Whether ``path`` is a legacy backend module itself."""
    return path in LEGACY_MODULES


class Bindings(dict[str, str]):
    """Local name -> the module path (or module attribute) an import binds it to."""

    @classmethod
    def of(cls, module: cst.Module) -> Bindings:
        """The names the absolute imports of ``module`` bind."""
        collector = _ImportCollector()
        module.visit(collector)
        return collector.bindings

    def resolve(self, node: cst.CSTNode) -> str | None:
        """The module path ``node`` (a Name or Attribute chain) stands for, or None."""
        path = dotted(node)
        if path is None:
            return None
        root, _, rest = path.partition(".")
        bound = self.get(root)
        if bound is None:
            return None
        return f"{bound}.{rest}" if rest else bound

    def is_module_alias(self, name: str) -> bool:
        """Whether ``name`` is bound to a legacy backend module itself (``K``)."""
        return is_legacy_module(self.get(name))


class _ImportCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.bindings = Bindings()

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = dotted(alias.name)
            assert full is not None
            local = bound_name(alias)
            self.bindings[local] = full if alias.asname is not None else local
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = from_module(node)
        if module is None or isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            self.bindings[bound_name(alias)] = f"{module}.{dotted(alias.name)}"
        return False
