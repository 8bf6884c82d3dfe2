"""Render audit results: a rich table, Markdown, JSON and a trajectory plot."""

from __future__ import annotations

import json
from pathlib import Path

COLUMNS = [
    ("backend", "backend"),
    ("device", "device"),
    ("component", "component"),
    ("config", "config"),
    ("dtype", "dtype"),
    ("stock", "stock Keras 3 equivalent"),
    ("ulp", "max ulp"),
    ("rel", "rel vs ref"),
    ("tolerance", "bound"),
    ("stock_identical", "= stock"),
    ("stock_rel", "rel vs stock"),
    ("stock_default_drift", "stock-default drift"),
    ("status", "status"),
]


def _cell(key: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.1e}"
    return str(value)


def table(rows: list[dict], title: str):
    """A `rich.table.Table` with one line per row."""
    from rich.table import Table

    t = Table(title=title, header_style="bold", show_lines=False)
    for key, header in COLUMNS:
        t.add_column(header, justify="right" if key in {"ulp", "rel", "tolerance"} else "left")
    for row in rows:
        cells = [_cell(key, row.get(key)) for key, _ in COLUMNS]
        style = None if row["status"] == "PASS" else "bold red"
        t.add_row(*cells, style=style)
    return t


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
    lines = [f"# {title}", "", "| " + " | ".join(h for _, h in COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    for row in rows:
        lines.append("| " + " | ".join(_cell(k, row.get(k)) for k, _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


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
