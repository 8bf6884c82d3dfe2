"""`migrate_source`: one module's findings and its rewritten source, for one route."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from keras_ref.migrate.findings import Finding
from keras_ref.migrate.imports import add_keras_import, parse_line, place_keras_ref_imports
from keras_ref.migrate.scan import Facts, Scanner
from keras_ref.migrate.syntax import KERAS_ROOT
from keras_ref.migrate.transformer import Migrator

ROUTES = ("keras_ref", "stock")

__all__ = ["ROUTES", "Migration", "migrate_source"]


@dataclass
class Migration:
    """The result for one source: `code` is the rewritten source (== the input if unchanged)."""

    source: str
    code: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.code != self.source


def migrate_source(source: str, to: str = "keras_ref") -> Migration:
    """Find the Keras 2 usages in `source` and rewrite them for route `to`.

    Raises ``libcst.ParserSyntaxError`` when `source` does not parse, ValueError for a bad `to`.
    """
    if to not in ROUTES:
        raise ValueError(f"migrate: `to` must be one of {', '.join(ROUTES)}, got {to!r}.")
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    scanner = Scanner()
    wrapper.visit(scanner)
    root = keras_root(scanner.facts)
    token = KERAS_ROOT.set(root)
    try:
        return _rewrite(source, wrapper, scanner.facts, to, root)
    finally:
        KERAS_ROOT.reset(token)


def keras_root(facts: Facts) -> str:
    """``keras``, or ``keras3`` where the module binds ``keras`` to something else."""
    binding = facts.bindings.get("keras")
    return "keras3" if binding is not None and binding.target != "keras" else "keras"


def _rewrite(source: str, wrapper: MetadataWrapper, facts: Facts, to: str, root: str):
    migrator = Migrator(facts, to)
    new = wrapper.visit(migrator)
    findings = sorted(migrator.findings, key=lambda f: (f.line, f.column))
    if not migrator.findings:
        return Migration(source, source, findings)
    if migrator.touched:
        new = _remove_unused_imports(new, migrator.touched, facts)
    add = migrator.needs_keras_ref and not facts.keras_ref_bound
    moved = list(migrator.moved)
    if migrator.needs_tf2:
        moved.append(parse_line("import keras_ref.tf2"))
    new = place_keras_ref_imports(new, moved, add)
    if migrator.needs_keras and root not in facts.bindings:
        text = "import keras" if root == "keras" else f"import keras as {root}"
        new = add_keras_import(new, text)
    if migrator.needs_tf and facts.tensorflow_local is None:
        new = add_keras_import(new, "import tensorflow as tf", "tensorflow")
    return Migration(source, new.code, findings)


def _remove_unused_imports(module: cst.Module, touched: set[str], facts: Facts) -> cst.Module:
    """Drop the imports of `touched` names that the rewrites left unused."""
    from libcst.codemod import CodemodContext  # ~1 s of imports: only when needed
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext()
    for local in sorted(touched):
        binding = facts.bindings.get(local)
        if binding is not None:
            RemoveImportsVisitor.remove_unused_import(
                context, binding.module, binding.obj, binding.asname
            )
    return RemoveImportsVisitor(context).transform_module(module)
