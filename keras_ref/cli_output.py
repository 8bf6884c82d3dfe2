"""What the `keras-ref` commands print: a console, tables fitted to its width, a progress bar.

A table keeps its columns in priority order and drops the least important ones that do not fit
the terminal (saying which, in the caption); the verdict column is never dropped. The full
table is always available with ``--format markdown`` or ``--format json``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    priority: int  # 0 always shown; higher numbers are dropped first when the table is too wide
    right: bool = False
    wrap_at: int | None = None  # long cells fold onto more lines beyond this many characters


def console(stderr: bool = False):
    """A rich Console for stdout (or stderr): the terminal's width, or $COLUMNS, or 80."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _width(column: Column, cells: Sequence[str]) -> int:
    words = max((len(word) for word in column.header.split()), default=0)
    natural = max([words, *map(len, cells)])
    return min(natural, max(words, column.wrap_at or natural)) + 3  # padding and border


def fitted_table(
    columns: Sequence[Column],
    rows: Sequence[dict],
    cell: Callable[[str, object], str],
    *,
    title: str,
    width: int,
    failed: Callable[[dict], bool] = lambda row: False,
):
    """A `rich.table.Table` of `rows` with the columns that fit in `width` characters."""
    from rich.table import Table

    cells = {c.key: [cell(c.key, row.get(c.key)) for row in rows] for c in columns}
    shown = list(columns)
    for candidate in sorted(columns, key=lambda c: -c.priority):
        if sum(_width(c, cells[c.key]) for c in shown) + 1 <= width or candidate.priority == 0:
            break
        shown.remove(candidate)
    hidden = [c.header for c in columns if c not in shown]
    caption = f"hidden to fit {width} columns: {', '.join(hidden)}" if hidden else None
    table = Table(title=title, caption=caption, header_style="bold")
    for c in shown:
        table.add_column(
            c.header,
            justify="right" if c.right else "left",
            no_wrap=c.wrap_at is None,
            overflow="fold",
            max_width=c.wrap_at,
        )
    for i, row in enumerate(rows):
        style = "bold red" if failed(row) else None
        table.add_row(*[cells[c.key][i] for c in shown], style=style)
    return table


def markdown_table(columns: Sequence[Column], rows: Sequence[dict], cell, title: str) -> str:
    """Every column, as a Markdown table under a heading."""
    lines = [f"# {title}", "", "| " + " | ".join(c.header for c in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    for row in rows:
        lines.append("| " + " | ".join(cell(c.key, row.get(c.key)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def progress_bar(output, quiet: bool = False):
    """The bar both commands show while their workers run: done/total, elapsed and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}", style="cyan"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=output,
        disable=quiet or not output.is_terminal,
        transient=True,
        expand=False,
    )
