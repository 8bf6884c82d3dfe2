"""`keras-ref bench`: time keras_ref against stock Keras 3 on one or every backend."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from keras_ref.bench import busy

BACKENDS = ("tensorflow", "jax", "torch")
COLUMNS = [
    ("backend", "backend"),
    ("case", "case"),
    ("component", "component"),
    ("ours_ms", "keras_ref ms"),
    ("stock_ms", "stock ms"),
    ("ratio", "keras_ref/stock"),
    ("ratio_iqr", "ratio IQR"),
    ("bound_ms", "memory bound ms"),
    ("ratio_to_bound", "keras_ref/bound"),
    ("stock_ratio_to_bound", "stock/bound"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=[*BACKENDS, "all"],
        default=os.environ.get("KERAS_BACKEND", "tensorflow"),
        help="backend to time; 'all' runs each in its own process (default: KERAS_BACKEND)",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these optimizers")
    parser.add_argument("--json", metavar="PATH", help="write the rows as JSON")
    parser.add_argument(
        "--busy",
        type=busy.process_count,
        default=0,
        metavar="N",
        help="run twice: as usual, then beside N busy background processes that bench starts "
        "and always stops; report both",
    )


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return "–".join(f"{v:.2f}" for v in value)
    if isinstance(value, float):
        return f"{value:.3f}" if value < 100 else f"{value:.1f}"
    return str(value)


def run(args) -> int:
    if getattr(args, "busy", 0):
        return busy.quiet_and_busy(run, args)
    from rich.console import Console
    from rich.table import Table

    from keras_ref._workers import progress_bar, run_worker

    console = Console() if sys.stdout.isatty() else Console(width=200)
    backends = list(BACKENDS) if args.backend == "all" else [args.backend]
    argv = (["--quick"] if args.quick else []) + (["--only", *args.only] if args.only else [])
    results = {}
    with progress_bar(console) as progress:
        for backend in backends:
            task = progress.add_task(f"{backend}: starting", total=None)
            started = time.perf_counter()
            results[backend] = run_worker(
                "keras_ref.bench.worker", backend, argv, {}, progress, task
            )
            results[backend]["seconds"] = time.perf_counter() - started
    failed = {b: r["error"] for b, r in results.items() if "error" in r}
    for error in failed.values():
        console.print(f"[bold red]{error}[/]")
    rows = [row for r in results.values() if "error" not in r for row in r["rows"]]
    table = Table(title="keras_ref vs stock Keras 3 (medians, same process, alternating)")
    for _, header in COLUMNS:
        table.add_column(
            header, justify="left" if header in {"backend", "case", "component"} else "right"
        )
    for row in rows:
        table.add_row(*[_cell(row.get(key)) for key, _ in COLUMNS])
    console.print(table)
    for backend, r in results.items():
        if "error" not in r:
            console.print(_summary(backend, r))
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results}, indent=1))
    return 1 if failed else 0


def _summary(backend: str, result: dict) -> str:
    """One line per backend: the bandwidth used and the worst ratios, against the targets."""
    rows = result["rows"]
    fits = [row["ratio"] for row in rows if row["case"].startswith("fit") and not _noise(row)]
    noise = [f"{abs(row['ratio'] - 1):.3f}" for row in rows if _noise(row)]
    steps = [row for row in rows if "ratio_to_bound" in row]
    bandwidths = [row["copy_bandwidth_gb_s"] for row in steps]
    return (
        f"{backend} ({result['seconds']:.0f} s): "
        f"copy bandwidth {min(bandwidths):.1f}–{max(bandwidths):.1f} GB/s; "
        f"fit keras_ref/stock median {statistics.median(fits):.3f}, max {max(fits):.3f} "
        f"(target <= 1.02; stock against itself is off by {', '.join(noise) or '-'}); "
        f"step keras_ref/stock max {max(r['ratio'] for r in steps):.2f}, "
        f"step/bound max {max(r['ratio_to_bound'] for r in steps):.2f} (target <= 1.5 on "
        "tensorflow and jax)"
    )


def _noise(row: dict) -> bool:
    return row["component"].endswith("(noise)")
