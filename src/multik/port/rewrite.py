"""``multik port --rewrite``: point the legacy backend imports of a file at ``multik.backend``
and map ``K.tf.batch_gather`` to ``K.batch_gather``; every other byte stays as it was.

* ``from keras import backend as K`` (and the tensorflow.keras, tf_keras, ... spellings)
  becomes ``from multik import backend as K``; ``import keras.backend as K`` becomes
  ``import multik.backend as K``; ``from keras.backend import sum`` becomes
  ``from multik.backend import sum``;
* a chain such as ``tf.keras.backend.sum`` becomes ``multik.backend.sum``, with an
  ``import multik.backend`` line after the import of ``tf``; that import itself is replaced
  when nothing else in the file uses ``tf``;
* an import that also brings other names (``from keras import backend as K, layers``) keeps
  them, and the backend comes from a new line after it.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from multik.port.analysis import Analysis, analyze
from multik.port.names import (
    MULTIK_MODULE,
    TF_EQUIVALENTS,
    bound_name,
    dotted,
    from_module,
    is_legacy_module,
    root_name,
    split_legacy,
)

__all__ = ["rewrite_module", "rewrite_source"]


def rewrite_source(code: str) -> str:
    """``code`` with its legacy backend imports rewritten to multik (ParserSyntaxError if it is
    not valid Python)."""
    return rewrite_module(cst.parse_module(code)).code


def rewrite_module(module: cst.Module) -> cst.Module:
    """The rewritten module."""
    return module.visit(_Rewriter(analyze(module)))


def _multik_expr() -> cst.Attribute:
    expr = cst.parse_expression(MULTIK_MODULE)
    assert isinstance(expr, cst.Attribute)
    return expr


class _Rewriter(cst.CSTTransformer):
    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.bindings = analysis.bindings
        self.roots = set(analysis.chain_roots)
        #: Chain roots nothing else uses: their import can become ``import multik.backend``.
        self.replaceable = {r for r in self.roots if not analysis.other_uses[r]}
        self.import_added = False
        #: Statements to add after the line being rewritten.
        self.pending: list[cst.BaseSmallStatement] = []

    # ------------------------------------------------------------------ chains and K.tf
    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        found = split_legacy(self.bindings.resolve(original_node))
        if found is None:
            return updated_node
        first, _, after = found[1].partition(".")
        if not first and not self.bindings.is_module_alias(root_name(original_node)):
            return _multik_expr()  # tf.keras.backend -> multik.backend
        if first == "tf" and after in TF_EQUIVALENTS:
            module = updated_node.value
            assert isinstance(module, cst.Attribute)  # K.tf
            return updated_node.with_changes(
                value=module.value, attr=cst.Name(TF_EQUIVALENTS[after])
            )
        return updated_node

    # ------------------------------------------------------------------ imports
    def _multik_import(self) -> list[cst.BaseSmallStatement]:
        """``import multik.backend``, the first time a file needs it."""
        if self.import_added:
            return []
        self.import_added = True
        return [cst.Import(names=[cst.ImportAlias(name=_multik_expr())])]

    def visit_Import(self, node: cst.Import) -> bool:
        return False  # its names are rewritten by leave_Import, not as attribute chains

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        names = []
        for alias in updated_node.names:
            full = dotted(alias.name)
            local = bound_name(alias)
            if alias.asname is not None and is_legacy_module(full):
                names.append(alias.with_changes(name=_multik_expr()))  # import keras.backend as K
            elif local in self.replaceable:
                if self._multik_import():  # import tensorflow as tf, used for tf.keras.backend
                    names.append(alias.with_changes(name=_multik_expr(), asname=None))
            else:
                if local in self.roots:
                    self.pending += self._multik_import()
                names.append(alias)
        if not names:
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(names=_keep_last_comma(names, updated_node.names))

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        module = from_module(original_node)
        if is_legacy_module(module):
            return updated_node.with_changes(module=_multik_expr())  # from keras.backend import x
        if module is None or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept, moved, added = [], [], []
        for alias in updated_node.names:
            local = bound_name(alias)
            if is_legacy_module(f"{module}.{dotted(alias.name)}"):
                moved.append(alias)  # from keras import backend as K
            elif local in self.replaceable:
                added += self._multik_import()  # from tensorflow import keras: only keras.backend
            else:
                if local in self.roots:
                    added += self._multik_import()
                kept.append(alias)
        if moved and not kept and not added:
            return updated_node.with_changes(module=cst.Name("multik"))
        if moved:
            names = _keep_last_comma(moved, [cst.ImportAlias(cst.Name("backend"))])
            added.insert(0, cst.ImportFrom(module=cst.Name("multik"), names=names))
        if kept:
            self.pending += added
            return updated_node.with_changes(names=_keep_last_comma(kept, updated_node.names))
        if not added:
            return cst.RemovalSentinel.REMOVE
        self.pending += added[1:]
        return added[0]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if not self.pending:
            return updated_node
        added = [cst.SimpleStatementLine(body=[statement]) for statement in self.pending]
        self.pending = []
        return cst.FlattenSentinel([updated_node, *added])

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        if not self.pending:
            return updated_node
        body = [*updated_node.body, *self.pending]
        self.pending = []
        return updated_node.with_changes(body=body)


def _keep_last_comma(
    kept: list[cst.ImportAlias], original: Sequence[cst.ImportAlias]
) -> list[cst.ImportAlias]:
    """``kept`` (a subset of ``original``) ending as ``original`` ended: with its last comma
    (a trailing comma inside parentheses, or none) and the layout after it."""
    return [*kept[:-1], kept[-1].with_changes(comma=original[-1].comma)]
