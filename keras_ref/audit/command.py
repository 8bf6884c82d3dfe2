"""`keras-ref audit`: run the parity engine on one or every backend, each in its own process."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

BACKENDS = ("tensorflow", "jax", "torch")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=[*BACKENDS, "all"],
        default=os.environ.get("KERAS_BACKEND", "tensorflow"),
        help="backend to audit; 'all' runs each in its own process (default: KERAS_BACKEND)",
    )
    parser.add_argument("--device", choices=["cpu", "gpu", "all"], default="cpu")
    parser.add_argument("--dtype", choices=["float32", "float64", "all"], default="all")
    parser.add_argument("--steps", type=_positive_int, default=60, help="optimizer steps (60)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="audit only these components")
    parser.add_argument(
        "--family",
        choices=["keras2", "tf2", "all"],
        default="keras2",
        help="legacy family: keras2 (Keras 2.2.4, default), tf2 (tf.keras 2.x) or all",
    )
    parser.add_argument("--json", metavar="PATH", help="write rows and versions as JSON")
    parser.add_argument("--markdown", metavar="PATH", help="write the table as Markdown")
    parser.add_argument(
        "--plot", metavar="PATH", help="write a PNG of legacy vs stock trajectories"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _worker_argv(args) -> list[str]:
    argv = ["--steps", str(args.steps), "--device", args.device, "--dtype", args.dtype]
    argv += ["--family", args.family]
    return argv + (["--only", *args.only] if args.only else [])


def run(args) -> int:
    from rich.console import Console

    from keras_ref._workers import progress_bar, run_worker
    from keras_ref.audit import report

    console = Console() if sys.stdout.isatty() else Console(width=180)
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            console.print("--plot needs matplotlib: pip install 'keras-ref[plot]'")
            return 2
    backends = list(BACKENDS) if args.backend == "all" else [args.backend]
    results: dict[str, dict] = {}
    env = {"JAX_ENABLE_X64": "1"} if args.dtype != "float32" else {}
    with progress_bar(console) as progress:
        for backend in backends:
            task = progress.add_task(f"{backend}: starting", total=None)
            argv = _worker_argv(args)
            results[backend] = run_worker(
                "keras_ref.audit.worker", backend, argv, env, progress, task
            )

    failed_backends = [b for b, r in results.items() if "error" in r]
    for b in failed_backends:
        console.print(f"[bold red]{results[b]['error']}[/]")
    ok = {b: r for b, r in results.items() if "error" not in r}
    rows = [row for r in ok.values() for row in r["rows"]]
    notes = [note for r in ok.values() for note in r["notes"]]
    title = f"keras_ref parity audit ({', '.join(ok) or 'no backend'}; {args.steps} steps)"
    console.print(report.table(rows, title))
    for note in notes + report.row_notes(rows):
        console.print(f"note: {note}")
    failures = [r for r in rows if r["status"] != "PASS"]
    console.print(
        f"{len(rows) - len(failures)} passed, {len(failures)} failed"
        + (f" ({len(failed_backends)} backend(s) did not run)" if failed_backends else "")
    )
    combined = {
        "steps": args.steps,
        "backends": {b: {k: r[k] for k in ("versions", "devices", "notes")} for b, r in ok.items()},
        "rows": rows,
        "trajectories": {b: r["trajectories"] for b, r in ok.items()},
        "failed_backends": {b: results[b]["error"] for b in failed_backends},
    }
    if args.json:
        report.write_json(args.json, combined)
    if args.markdown:
        Path(args.markdown).write_text(report.markdown(rows, title))
    if args.plot and ok:
        first = next(iter(ok))
        report.plot(args.plot, ok[first]["trajectories"], f"legacy vs stock defaults ({first})")
    return 1 if failures or failed_backends else 0
