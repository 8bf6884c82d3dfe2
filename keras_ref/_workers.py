"""Run a keras_ref worker module in a subprocess for one backend, with progress reporting.

Workers print ``PROGRESS done total label`` lines and write a JSON result to ``--out``; the
parent feeds the lines to a rich progress bar. Used by `keras-ref audit` and `keras-ref bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def run_worker(module: str, backend: str, argv: list[str], env: dict, progress, task) -> dict:
    """`python -m module argv --out tmp` with KERAS_BACKEND=backend; its JSON, or {"error"}."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", module, *argv, "--out", str(out)]
        full_env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", **env}
        proc = subprocess.Popen(
            cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for line in proc.stdout:
            if line.startswith("PROGRESS "):
                _, done, total, label = line.rstrip("\n").split(" ", 3)
                progress.update(task, completed=int(done), total=int(total), description=label)
        stderr = proc.stderr.read()
        if proc.wait() != 0 or not out.exists():
            return {"error": f"{backend} worker failed (exit {proc.returncode}):\n{stderr[-3000:]}"}
        return json.loads(out.read_text())


def progress_bar(console):
    """The progress bar both commands show while their workers run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description:<48}"), BarColumn(), MofNCompleteColumn(), console=console
    )
