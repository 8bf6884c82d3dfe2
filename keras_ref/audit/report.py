"""Render audit results: a rich table, Markdown, JSON and a trajectory plot."""

from __future__ import annotations

import json
from pathlib import Path

from keras_ref.cli_output import Column, fitted_table, markdown_table

# priority: 0 always shown; the highest numbers are dropped first in a narrow terminal
COLUMNS = [
    Column("backend", "backend", 3),
    Column("device", "device", 6),
    Column("component", "component", 0, wrap_at=18),
    Column("config", "config", 1, wrap_at=14),
    Column("dtype", "dtype", 1),
    Column("stock", "stock Keras 3 equivalent", 7, wrap_at=16),
    Column("ulp", "max ulp", 5, right=True),
    Column("rel", "rel vs ref", 1, right=True),
    Column("tolerance", "bound", 4, right=True),
    Column("stock_identical", "= stock", 3),
    Column("stock_rel", "rel vs stock", 5, right=True),
    Column("stock_default_drift", "stock-default drift", 2, right=True),
    Column("status", "status", 0),
]


def _cell(key: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.1e}"
    return str(value)


def table(rows: list[dict], title: str, width: int = 200):
    """A `rich.table.Table` with one line per row and the columns that fit in `width`."""
    return fitted_table(
        COLUMNS, rows, _cell, title=title, width=width, failed=lambda r: r["status"] != "PASS"
    )


def row_notes(rows: list[dict]) -> list[str]:
    """The distinct notes rows carry (e.g. a stock function that rejects float64)."""
    return sorted(
        {
            f"{r['backend']} {r['component']} {r['dtype']}: {r['note']}"
            for r in rows
            if r.get("note")
        }
    )


def markdown(rows: list[dict], title: str) -> str:
    """Every column, as Markdown."""
    return markdown_table(COLUMNS, rows, _cell, title)


def write_json(path: str | Path, result: dict) -> None:
    Path(path).write_text(json.dumps(result, indent=1, sort_keys=True))


def plot(path: str | Path, trajectories: dict[str, dict], title: str) -> None:
    """One panel per optimizer: legacy defaults, stock defaults and the exact formula."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(trajectories)
    cols = 4
    rows = max(1, -(-len(names) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        curves = trajectories[name]
        ax.plot(curves["reference"], color="black", lw=3, alpha=0.3, label="legacy formula (f64)")
        ax.plot(curves["legacy"], color="tab:blue", lw=1.2, label="keras_ref (legacy defaults)")
        ax.plot(curves["stock_default"], color="tab:red", lw=1.2, ls="--", label="stock defaults")
        ax.set_title(name)
        ax.set_xlabel("step")
        ax.set_ylabel("scalar parameter")
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower right", frameon=False)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
