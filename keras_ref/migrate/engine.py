"""`migrate_source`: one module's findings and its rewritten source, for one route."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import MetadataWrapper

from keras_ref.migrate.findings import Finding
from keras_ref.migrate.imports import add_keras_import, place_keras_ref_imports
from keras_ref.migrate.scan import Scanner
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
    migrator = Migrator(scanner.facts, to)
    new = wrapper.visit(migrator)
    findings = sorted(migrator.findings, key=lambda f: (f.line, f.column))
    if not migrator.findings:
        return Migration(source, source, findings)
    context = CodemodContext()
    for local in sorted(migrator.touched):
        binding = scanner.facts.bindings.get(local)
        if binding is not None:
            RemoveImportsVisitor.remove_unused_import(
                context, binding.module, binding.obj, binding.asname
            )
    if migrator.touched:
        new = RemoveImportsVisitor(context).transform_module(new)
    add = migrator.needs_keras_ref and not scanner.facts.keras_ref_bound
    new = place_keras_ref_imports(new, migrator.moved, add)
    if migrator.needs_keras and "keras" not in scanner.facts.bindings:
        new = add_keras_import(new)
    return Migration(source, new.code, findings)
