"""Run keras_ref worker modules in subprocesses, one backend each, with a progress bar.

Workers print ``PROGRESS done total label`` lines and write a JSON result to ``--out``; the
parent feeds the lines to a rich progress bar (elapsed time and ETA). Their stderr is kept
and shown only if a worker fails, without the backends' C++ start-up lines. Used by
`keras-ref audit` and `keras-ref bench`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# what a worker's environment sets before its backend is imported: no C++ start-up logging
QUIET_BACKEND_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "3",
}

# start-up lines TensorFlow/XLA/absl print before TF_CPP_MIN_LOG_LEVEL takes effect
_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog|[IWE]\d{4} \d\d:\d\d:\d\d|"
    r"To enable the following instructions:|.*(cuda_platform|cudart_stub|cpu_feature_guard|"
    r"port\.cc|oneDNN custom operations))"
)

_LABEL_WIDTH = 30


def drop_backend_noise(text: str) -> str:
    """`text` without the backends' C++ start-up log lines."""
    return "".join(line for line in text.splitlines(True) if not _NOISE.match(line))


def run_worker(module: str, backend: str, argv: list[str], env: dict, progress, task) -> dict:
    """`python -m module argv --out tmp` with KERAS_BACKEND=backend; its JSON, or {"error"}."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", module, *argv, "--out", str(out)]
        full_env = {**os.environ, **QUIET_BACKEND_ENV, "KERAS_BACKEND": backend, **env}
        with tempfile.TemporaryFile("w+") as stderr:
            proc = subprocess.Popen(
                cmd, env=full_env, stdout=subprocess.PIPE, stderr=stderr, text=True
            )
            for line in proc.stdout:
                if line.startswith("PROGRESS "):
                    _, done, total, label = line.rstrip("\n").split(" ", 3)
                    label = label if len(label) <= _LABEL_WIDTH else label[: _LABEL_WIDTH - 1]
                    progress.update(
                        task, completed=int(done), total=int(total), description=f"{label:<30}"
                    )
            code = proc.wait()
            stderr.seek(0)
            errors = drop_backend_noise(stderr.read())
        if code != 0 or not out.exists():
            return {"error": f"{backend} worker failed (exit {code}):\n{errors[-3000:]}"}
        return json.loads(out.read_text())


def run_workers(
    jobs: list[tuple[str, str, list[str], dict]], parallel: int, output, *, quiet: bool = False
) -> list[tuple[str, dict]]:
    """Run ``(backend, module, argv, env)`` jobs, `parallel` at a time; ``(backend, result)``."""
    from keras_ref.cli_output import progress_bar

    with progress_bar(output, quiet=quiet) as progress:
        tasks = [progress.add_task(f"{backend}: waiting", total=None) for backend, *_ in jobs]

        def one(index: int) -> tuple[str, dict]:
            backend, module, argv, env = jobs[index]
            progress.update(tasks[index], description=f"{backend}: starting")
            return backend, run_worker(module, backend, argv, env, progress, tasks[index])

        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            return list(pool.map(one, range(len(jobs))))
