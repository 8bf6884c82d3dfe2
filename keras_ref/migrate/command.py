"""``keras-ref migrate PATH... [--to keras_ref|stock] [--diff] [--write]``."""

from __future__ import annotations

import argparse
import difflib
import io
import os
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import libcst as cst

from keras_ref.migrate.engine import ROUTES, Migration, migrate_source
from keras_ref.migrate.findings import FLAG, NOTE, REWRITE

_SKIPPED_DIRECTORIES = {"__pycache__", "node_modules", "site-packages"}

DESCRIPTION = (
    "Find Keras 2 usages that Keras 3 rejects, ignores or computes differently (optimizer "
    "arguments and defaults, optimizer/loss/metric names in compile, the removed keras.backend "
    "functions, legacy loss names), say what Keras 3 does to each and rewrite them: "
    "--to keras_ref (default) keeps the Keras 2 numbers with keras_ref; --to stock moves to "
    "the exact stock Keras 3 equivalent and flags the places that have none. Comments and "
    "formatting are kept. Exit status: 0 nothing needs attention, 1 findings remain (rewrites "
    "not yet written, or flags to fix by hand, or files that do not parse), 2 usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``migrate`` sub-command's arguments."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python files or directories")
    parser.add_argument(
        "--to",
        choices=ROUTES,
        default="keras_ref",
        help="keras_ref: keep the Keras 2 numbers (default); stock: exact stock Keras 3 "
        "equivalents, flag the rest",
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff")
    parser.add_argument("--write", action="store_true", help="rewrite the files in place")


def python_files(paths: list[str]) -> Iterator[Path]:
    """The .py files named by `paths` (directories recursively, hidden ones skipped), sorted."""
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
            continue
        found = []
        for folder, directories, files in os.walk(path):
            directories[:] = sorted(
                d for d in directories if not d.startswith(".") and d not in _SKIPPED_DIRECTORIES
            )
            found += [Path(folder) / f for f in files if f.endswith(".py")]
        yield from sorted(found)


def read_source(path: Path) -> tuple[str, str]:
    """The text of `path` and its encoding (PEP 263 coding line, or ``utf-8-sig`` with a BOM).

    Line endings are kept; writing ``text.encode(encoding)`` back keeps the BOM and the encoding.
    """
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command; 0 nothing needs attention, 1 findings remain, 2 usage error."""
    out = out or sys.stdout
    err = err or sys.stderr
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"keras-ref migrate: no such file or directory: {', '.join(missing)}", file=err)
        return 2
    if args.to not in ROUTES:
        print(f"keras-ref migrate: --to must be one of {', '.join(ROUTES)}", file=err)
        return 2
    totals = {REWRITE: 0, FLAG: 0, NOTE: 0}
    attention, files, unparsable, written = False, 0, 0, 0
    for path in python_files(args.paths):
        files += 1
        shown = str(path)
        try:
            source, encoding = read_source(path)
            result = migrate_source(source, to=args.to)
        except (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError, LookupError) as error:
            unparsable += 1
            attention = True
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            print(f"{shown}: cannot parse, left untouched: {reason}", file=out)
            continue
        _report(shown, result, args, out)
        for finding in result.findings:
            totals[finding.status] += 1
            pending = finding.status == REWRITE and args.write
            attention = attention or (finding.needs_attention and not pending)
        if args.write and result.changed:
            path.write_bytes(result.code.encode(encoding))
            written += 1
    print(_summary(totals, files, unparsable, written, args), file=out)
    return 1 if attention else 0


def _report(shown: str, result: Migration, args: argparse.Namespace, out: TextIO) -> None:
    for finding in result.findings:
        print(finding.format(shown, written=args.write), file=out)
    if args.diff and result.changed:
        diff = difflib.unified_diff(
            result.source.splitlines(keepends=True),
            result.code.splitlines(keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
        out.writelines(diff)


def _summary(totals: dict, files: int, unparsable: int, written: int, args) -> str:
    count = sum(totals.values())
    verb = "rewritten" if args.write else "to rewrite with --write"
    parts = [
        f"{count} finding{'s' * (count != 1)} in {files} file{'s' * (files != 1)} "
        f"(route {args.to}): {totals[REWRITE]} {verb}, {totals[FLAG]} to fix by hand, "
        f"{totals[NOTE]} notes"
    ]
    if unparsable:
        parts.append(f"{unparsable} file{'s' * (unparsable != 1)} could not be parsed")
    if args.write:
        parts.append(f"{written} file{'s' * (written != 1)} written")
    return "; ".join(parts) + "."


def main(argv: list[str] | None = None) -> int:
    """``python -m keras_ref.migrate`` (the same as ``keras-ref migrate``)."""
    parser = argparse.ArgumentParser(prog="keras-ref migrate", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))
