"""`keras-ref audit`: run the parity engine on one or every backend, in worker processes.

The components are split over ``--jobs`` worker processes per backend (each worker runs whole
components, so the runs a component's rows share stay in one process); the rows are put back
in the audit's order, so the result does not depend on the split.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from keras_ref import cli_arguments as arguments
from keras_ref import cli_output

DESCRIPTION = (
    "Run every legacy optimizer (over its configuration grid), loss and metric on the "
    "chosen backend(s) and device(s); compare with an independent NumPy reference of "
    "the legacy formula and with stock Keras 3. Exit status 1 if any row fails."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_backend_argument(parser, "audit")
    parser.add_argument("--device", choices=["cpu", "gpu", "all"], default="cpu")
    parser.add_argument("--dtype", choices=["float32", "float64", "all"], default="all")
    parser.add_argument(
        "--family",
        choices=["keras2", "tf2", "all"],
        default="keras2",
        help="legacy family: keras2 (Keras 2.2.4, default), tf2 (tf.keras 2.x) or all",
    )
    parser.add_argument(
        "--steps", type=arguments.positive_int, default=60, help="optimizer steps (60)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        type=arguments.component,
        metavar="NAME",
        help="audit only these optimizers, losses or metrics (legacy aliases such as mse or "
        "acc accepted)",
    )
    parser.add_argument(
        "--jobs",
        type=arguments.positive_int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes at once (default: 2, or 1 on one core)",
    )
    parser.add_argument("--json", type=arguments.output_path, metavar="PATH", help="write JSON")
    parser.add_argument(
        "--markdown", type=arguments.output_path, metavar="PATH", help="write a Markdown table"
    )
    parser.add_argument(
        "--plot",
        type=arguments.output_path,
        metavar="PATH",
        help="write a PNG of legacy vs stock-default trajectories (needs matplotlib)",
    )
    arguments.add_output_arguments(parser)


def all_components() -> list[str]:
    """Every component the audit knows, in the audit's order (optimizers, losses, metrics)."""
    from keras_ref.audit.grid import OPTIMIZER_GRID
    from keras_ref.reference.losses import LOSSES
    from keras_ref.reference.metrics import METRICS

    return [*OPTIMIZER_GRID, *LOSSES, *METRICS]


def shards(components: list[str], count: int) -> list[list[str]]:
    """`components` in at most `count` groups of similar cost (optimizer configs dominate)."""
    from keras_ref.audit.grid import OPTIMIZER_GRID

    def cost(name: str) -> float:
        return 3.0 * len(OPTIMIZER_GRID[name]) if name in OPTIMIZER_GRID else 0.1

    groups: list[list[str]] = [[] for _ in range(min(count, len(components)))]
    loads = [0.0] * len(groups)
    for name in sorted(components, key=cost, reverse=True):
        lightest = loads.index(min(loads))
        groups[lightest].append(name)
        loads[lightest] += cost(name)
    return [g for g in groups if g]


def _worker_argv(args, only: list[str]) -> list[str]:
    argv = ["--steps", str(args.steps), "--device", args.device, "--dtype", args.dtype]
    argv += ["--family", args.family]
    return [*argv, "--only", *only]


def run(args) -> int:
    from keras_ref._workers import run_workers
    from keras_ref.audit import report

    out = cli_output.console()
    messages = cli_output.console(stderr=args.format == "json")
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            messages.print("--plot needs matplotlib: pip install 'keras-ref[plot]'")
            return 2
    backends = list(arguments.BACKENDS) if args.backend == "all" else [args.backend]
    components = arguments.flatten(args.only) or all_components()
    per_backend = max(1, args.jobs // len(backends)) if len(backends) > 1 else args.jobs
    env = {"JAX_ENABLE_X64": "1"} if args.dtype != "float32" else {}
    jobs = [
        (backend, "keras_ref.audit.worker", _worker_argv(args, shard), env)
        for backend in backends
        for shard in shards(components, per_backend)
    ]
    outcomes = run_workers(jobs, args.jobs, messages, quiet=args.quiet)
    results = _merge(outcomes, components)

    failed_backends = [b for b, r in results.items() if "error" in r]
    for b in failed_backends:
        messages.print(f"[bold red]{results[b]['error']}[/]", markup=True, highlight=False)
    ok = {b: r for b, r in results.items() if "error" not in r}
    rows = [row for r in ok.values() for row in r["rows"]]
    notes = [note for r in ok.values() for note in r["notes"]] + report.row_notes(rows)
    failures = [r for r in rows if r["status"] != "PASS"]
    title = f"keras_ref parity audit ({', '.join(ok) or 'no backend'}; {args.steps} steps)"
    combined = {
        "steps": args.steps,
        "backends": {b: {k: r[k] for k in ("versions", "devices", "notes")} for b, r in ok.items()},
        "rows": rows,
        "trajectories": {b: r["trajectories"] for b, r in ok.items()},
        "failed_backends": {b: results[b]["error"] for b in failed_backends},
    }
    summary = f"{len(rows) - len(failures)} passed, {len(failures)} failed" + (
        f" ({len(failed_backends)} backend(s) did not run)" if failed_backends else ""
    )
    if args.format == "json":
        print(json.dumps(combined, indent=1, sort_keys=True))
    elif args.format == "markdown":
        print(report.markdown(failures if args.quiet else rows, title), end="")
    else:
        shown = failures if args.quiet else rows
        if shown:
            out.print(report.table(shown, title, out.width))
    if not args.quiet:
        for note in notes:
            messages.print(f"note: {note}", markup=False)
    messages.print(summary, markup=False)
    if args.json:
        report.write_json(args.json, combined)
    if args.markdown:
        Path(args.markdown).write_text(report.markdown(rows, title))
    if args.plot and ok:
        first = next(iter(ok))
        report.plot(args.plot, ok[first]["trajectories"], f"legacy vs stock defaults ({first})")
    return 1 if failures or failed_backends else 0


def _merge(outcomes: list[tuple[str, dict]], components: list[str]) -> dict[str, dict]:
    """One result per backend from its workers' results, rows in the audit's order."""
    order = {name: i for i, name in enumerate(components)}
    merged: dict[str, dict] = {}
    for backend, result in outcomes:
        if "error" in result or "error" in merged.get(backend, {}):
            merged[backend] = result if "error" in result else merged[backend]
            continue
        into = merged.setdefault(
            backend, {"rows": [], "notes": [], "trajectories": {}, "devices": {}}
        )
        into["rows"] += result["rows"]
        into["notes"] += [n for n in result["notes"] if n not in into["notes"]]
        into["trajectories"] |= result["trajectories"]
        into["devices"] |= result["devices"]
        into["versions"] = result["versions"]
    for result in merged.values():
        if "rows" in result:
            result["rows"].sort(key=lambda r: (r["device"], order[r["component"].lower()]))
            result["trajectories"] = dict(
                sorted(result["trajectories"].items(), key=lambda kv: order[kv[0].lower()])
            )
    return merged
