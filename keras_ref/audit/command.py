"""`keras-ref audit`: run the parity engine on one or every backend, each in its own process."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
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


def _run_backend(backend: str, args, progress, task) -> dict:
    """Run the worker for `backend` in a subprocess; return its JSON result."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [
            sys.executable, "-m", "keras_ref.audit.worker", "--steps", str(args.steps),
            "--device", args.device, "--dtype", args.dtype, "--out", str(out),
        ]  # fmt: skip
        if args.only:
            cmd += ["--only", *args.only]
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        if args.dtype != "float32":
            env["JAX_ENABLE_X64"] = "1"
        proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for line in proc.stdout:
            if line.startswith("PROGRESS "):
                _, done, total, label = line.rstrip("\n").split(" ", 3)
                progress.update(task, completed=int(done), total=int(total), description=label)
        stderr = proc.stderr.read()
        if proc.wait() != 0 or not out.exists():
            return {"error": f"{backend} worker failed (exit {proc.returncode}):\n{stderr[-3000:]}"}
        return json.loads(out.read_text())


def run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

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
    with Progress(
        TextColumn("{task.description:<48}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        for backend in backends:
            task = progress.add_task(f"{backend}: starting", total=None)
            results[backend] = _run_backend(backend, args, progress, task)

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
