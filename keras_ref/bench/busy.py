"""Busy background processes for `keras-ref bench --busy N`: a machine that is not quiet.

Each process spins on one core at full load, like a data-loading worker or a second job beside
the training. They are always stopped when the `busy` block ends (even on an error), and each one
also stops by itself when its parent is gone (its parent pid changes) or after `max_seconds`, so
that none outlives a bench that was killed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# The spinning process: argv = [parent pid, seconds]; it checks both about every 10 ms.
_SPIN = """
import os, sys, time
parent, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while os.getppid() == parent and time.monotonic() < deadline:
    for _ in range(100_000):
        pass
"""
MAX_SECONDS = 3600.0  # the longest a busy process lives, whatever happens to its parent


@contextlib.contextmanager
def busy(count: int, max_seconds: float = MAX_SECONDS) -> Iterator[list[subprocess.Popen]]:
    """Run `count` busy processes for the duration of the block; yields them (already running).

    Raises ValueError for a negative `count` or a `max_seconds` that is not positive.
    """
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"busy: `count` must be an integer >= 0, got {count!r}")
    if not max_seconds > 0:
        raise ValueError(f"busy: `max_seconds` must be > 0, got {max_seconds!r}")
    processes: list[subprocess.Popen] = []
    try:
        for _ in range(count):
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", _SPIN, str(os.getpid()), str(max_seconds)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield processes
    finally:
        stop(processes)


def stop(processes: list[subprocess.Popen], grace_seconds: float = 5.0) -> None:
    """Terminate `processes` and wait for them; kill any that outlast `grace_seconds`."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def process_count(text: str) -> int:
    """`--busy N`: a whole number of processes, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def quiet_and_busy(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """`keras-ref bench --busy N`: `run` once as asked, then again beside `args.busy` busy
    processes; with `--json`, one file ``{"quiet": ..., "busy": {"processes": N, ...}}``.
    Returns the worse exit status."""
    from rich.console import Console

    console = Console() if sys.stdout.isatty() else Console(width=200)
    with tempfile.TemporaryDirectory() as tmp:
        parts = {"quiet": Path(tmp) / "quiet.json", "busy": Path(tmp) / "busy.json"}
        console.print("[bold]Quiet: no background process started by bench[/]")
        codes = [run(argparse.Namespace(**{**vars(args), "busy": 0, "json": str(parts["quiet"])}))]
        console.print(f"[bold]Busy: {args.busy} busy background process(es) beside it[/]")
        with busy(args.busy):
            busy_args = {**vars(args), "busy": 0, "json": str(parts["busy"])}
            codes.append(run(argparse.Namespace(**busy_args)))
        if args.json:
            both = {name: json.loads(path.read_text()) for name, path in parts.items()}
            both["busy"]["processes"] = args.busy
            Path(args.json).write_text(json.dumps(both, indent=1))
    return max(codes)
