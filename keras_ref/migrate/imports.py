"""Import placement for the rewrites: the keras_ref block and ``import keras`` (isort order)."""

from __future__ import annotations

import sys

import libcst as cst

from keras_ref.migrate.scan import dotted_name
from keras_ref.migrate.syntax import code


def parse_line(text: str) -> cst.SimpleStatementLine:
    """One statement line parsed from `text`."""
    return cst.parse_statement(text + "\n")


def _all_keras_ref(node: cst.Import) -> bool:
    return all(dotted_name(a.name).split(".")[0] == "keras_ref" for a in node.names)


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(item, (cst.Import, cst.ImportFrom)) for item in statement.body
    )


def _is_keras_ref_import(statement: cst.CSTNode) -> bool:
    if not _is_import(statement):
        return False
    item = statement.body[0]
    if isinstance(item, cst.Import):
        return _all_keras_ref(item)
    return dotted_name(item.module).split(".")[0] == "keras_ref"


def _sort_key(statement: cst.SimpleStatementLine) -> tuple[int, str]:
    item = statement.body[0]
    if isinstance(item, cst.Import):
        return 0, dotted_name(item.names[0].name)
    return 1, dotted_name(item.module)


def place_keras_ref_imports(module: cst.Module, extra: list, add_import: bool) -> cst.Module:
    """Gather the top-level keras_ref imports into one block after the other imports (isort)."""
    body = list(module.body)
    region = _last_import_index(body)
    block, kept, carry = [], [], []
    for index, statement in enumerate(body):
        if index <= region and _is_keras_ref_import(statement):
            carry += [line for line in statement.leading_lines if line.comment is not None]
            block.append(statement)
            continue
        if carry:
            statement = statement.with_changes(leading_lines=[*carry, *statement.leading_lines])
            carry = []
        kept.append(statement)
    block += extra
    if add_import:
        block.append(parse_line("import keras_ref"))
    if not block:
        return module
    unique, seen = [], set()
    for statement in sorted(block, key=_sort_key):
        text = code(statement.with_changes(leading_lines=[])).strip()
        if text not in seen:
            seen.add(text)
            unique.append(statement.with_changes(leading_lines=[]))
    last = _last_import_index(kept)
    if last >= 0:
        unique[0] = unique[0].with_changes(leading_lines=[cst.EmptyLine()])
    position = last + 1
    if position < len(kept):
        following = kept[position]
        if not following.leading_lines or following.leading_lines[0].comment is not None:
            kept[position] = following.with_changes(
                leading_lines=[cst.EmptyLine(), *following.leading_lines]
            )
    return module.with_changes(body=[*kept[:position], *unique, *kept[position:]])


def _last_import_index(body: list) -> int:
    """Index of the last top-level import before the first definition; -1 if none."""
    last = -1
    for index, statement in enumerate(body):
        if _is_import(statement):
            last = index
        elif not isinstance(statement, cst.SimpleStatementLine):
            break
    if last == -1:  # after a docstring, if any
        first = body[0] if body else None
        if (
            isinstance(first, cst.SimpleStatementLine)
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return 0
    return last


def _module_name(statement: cst.SimpleStatementLine) -> str:
    item = statement.body[0]
    if isinstance(item, cst.Import):
        return dotted_name(item.names[0].name)
    return dotted_name(item.module) if item.module is not None else ""


def _stdlib(name: str) -> bool:
    root = name.split(".")[0]
    return root == "__future__" or root in getattr(sys, "stdlib_module_names", ())


def add_keras_import(
    module: cst.Module, text: str = "import keras", package: str = "keras"
) -> cst.Module:
    """Add ``import keras`` (or `text`, importing `package`) among the third-party imports of the
    top import block (isort order)."""
    body = list(module.body)
    last = _last_import_index(body)
    imports = [i for i in range(last + 1) if _is_import(body[i])]
    new = parse_line(text)
    position = None
    for index in imports:
        name = _module_name(body[index])
        if _stdlib(name):
            continue
        if name.split(".")[0] == "keras_ref":
            position = index
            break
        if isinstance(body[index].body[0], cst.ImportFrom) or name > package:
            position = index
            new = new.with_changes(leading_lines=body[index].leading_lines)
            body[index] = body[index].with_changes(leading_lines=[])
            break
    if position is None:
        position = imports[-1] + 1 if imports else last + 1
        previous = body[position - 1] if position > 0 else None
        if previous is not None and (not _is_import(previous) or _stdlib(_module_name(previous))):
            new = new.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(position, new)
    return module.with_changes(body=body)
