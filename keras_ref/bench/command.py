"""`keras-ref bench`: time keras_ref against stock Keras 3 on one or every backend."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from keras_ref import cli_arguments as arguments
from keras_ref.bench import busy
from keras_ref.cli_output import Column, console, fitted_table, markdown_table

DESCRIPTION = (
    "Time each legacy optimizer in model.fit (a small MLP and a model with 102 weight "
    "tensors) and in one compiled step on 16M float32 parameters, against the closest "
    "stock Keras 3 configuration, alternating both in the same process; report medians, "
    "the ratio keras_ref/stock and the ratio to the step's memory-traffic bound. Also "
    "the losses on a large batch."
)
# priority: 0 always shown; the highest numbers are dropped first in a narrow terminal
COLUMNS = [
    Column("backend", "backend", 3),
    Column("case", "case", 0),
    Column("component", "component", 0),
    Column("ours_ms", "keras_ref ms", 2, right=True),
    Column("stock_ms", "stock ms", 2, right=True),
    Column("ratio", "keras_ref/stock", 0, right=True),
    Column("ratio_iqr", "ratio IQR", 4, right=True),
    Column("bound_ms", "memory bound ms", 5, right=True),
    Column("ratio_to_bound", "keras_ref/bound", 1, right=True),
    Column("stock_ratio_to_bound", "stock/bound", 3, right=True),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_backend_argument(parser, "time")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs")
    parser.add_argument(
        "--only", nargs="+", type=arguments.optimizer, metavar="NAME", help="only these optimizers"
    )
    parser.add_argument(
        "--json", type=arguments.output_path, metavar="PATH", help="write the rows as JSON"
    )
    parser.add_argument(
        "--family",
        choices=["keras2", "tf2", "all"],
        default="keras2",
        help="optimizers to time in model.fit: keras2 (Keras 2.2.4, default; also the compiled "
        "step and the losses), tf2 (tf.keras 2.x, against the stock class with its defaults) or "
        "all",
    )
    arguments.add_output_arguments(parser)
    parser.add_argument(
        "--busy",
        type=busy.process_count,
        default=0,
        metavar="N",
        help="run twice: as usual, then beside N busy background processes that bench starts "
        "and always stops; report both",
    )


def _cell(key: str, value) -> str:
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
    from keras_ref._workers import run_workers

    out = console()
    messages = console(stderr=args.format == "json")
    backends = list(arguments.BACKENDS) if args.backend == "all" else [args.backend]
    only = arguments.flatten(args.only)
    argv = (["--quick"] if args.quick else []) + (["--only", *only] if only else [])
    argv += ["--family", getattr(args, "family", "keras2")]
    results = {}
    for backend in backends:  # one at a time: timings need the machine to themselves
        started = time.perf_counter()
        ((_, results[backend]),) = run_workers(
            [(backend, "keras_ref.bench.worker", argv, {})], 1, messages, quiet=args.quiet
        )
        results[backend]["seconds"] = time.perf_counter() - started
    failed = {b: r["error"] for b, r in results.items() if "error" in r}
    for error in failed.values():
        messages.print(f"[bold red]{error}[/]", highlight=False)
    rows = [row for r in results.values() if "error" not in r for row in r["rows"]]
    title = "keras_ref vs stock Keras 3 (medians, same process, alternating)"
    if args.json:  # first: the measurements outlive any problem printing them
        Path(args.json).write_text(json.dumps({"results": results}, indent=1))
    if args.format == "json":
        print(json.dumps({"results": results}, indent=1))
    elif args.format == "markdown":
        print(markdown_table(COLUMNS, rows, _cell, title), end="")
    elif not args.quiet:
        out.print(fitted_table(COLUMNS, rows, _cell, title=title, width=out.width))
    for backend, r in results.items():
        if "error" not in r:
            messages.print(_summary(backend, r), markup=False)
    return 1 if failed else 0


def _summary(backend: str, result: dict) -> str:
    """One line per backend: the bandwidth used and the worst ratios, against the targets."""
    rows = result["rows"]
    fits = {}
    for row in rows:
        if row["case"].startswith("fit") and not _noise(row):
            fits.setdefault(row.get("family", "keras2"), []).append(row["ratio"])
    noise = [f"{abs(row['ratio'] - 1):.3f}" for row in rows if _noise(row)]
    fit_text = "; ".join(
        f"{family} median {statistics.median(ratios):.3f}, max {max(ratios):.3f}"
        for family, ratios in fits.items()
    )
    text = (
        f"{backend} ({result['seconds']:.0f} s): fit keras_ref/stock {fit_text or '-'} "
        f"(target <= 1.02; stock against itself is off by {', '.join(noise) or '-'})"
    )
    steps = [row for row in rows if "ratio_to_bound" in row]
    if steps:
        bandwidths = [row["copy_bandwidth_gb_s"] for row in steps]
        text += (
            f"; copy bandwidth {min(bandwidths):.1f}–{max(bandwidths):.1f} GB/s; "
            f"step keras_ref/stock max {max(r['ratio'] for r in steps):.2f}, "
            f"step/bound max {max(r['ratio_to_bound'] for r in steps):.2f} (target <= 1.5 on "
            "tensorflow and jax)"
        )
    return text


def _noise(row: dict) -> bool:
    return row["component"].endswith("(noise)")
