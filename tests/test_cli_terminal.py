"""`keras-ref audit` as a person sees it: in a pseudo-terminal 80 and 120 columns wide."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from support import BACKEND

_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78])")


def run_in_terminal(args: list[str], columns: int) -> tuple[int, list[str]]:
    """Run ``python -m keras_ref *args`` on a pty of `columns` x 40; exit code, screen lines."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "keras_ref", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm-256color"},
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the follower closed: the program ended
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    text = _ESCAPES.sub("", b"".join(chunks).decode("utf-8", "replace"))
    # what each line leaves on the screen: a carriage return starts the line again
    lines = [segment for line in text.split("\n") for segment in line.split("\r")]
    return proc.wait(), lines


@pytest.mark.parametrize("columns", [80, 120])
def test_audit_fits_the_terminal_and_shows_every_verdict(columns):
    code, lines = run_in_terminal(
        ["audit", "--backend", BACKEND, "--only", "sgd", "mse", "--steps", "3",
         "--dtype", "float32", "--jobs", "1"],
        columns,
    )  # fmt: skip
    assert code == 0, "\n".join(lines[-40:])
    too_wide = [line for line in lines if len(line) > columns]
    assert not too_wide, too_wide
    verdict_rows = [line for line in lines if re.search(r"│ PASS +│$", line.rstrip())]
    assert len(verdict_rows) == 4 + 1, "\n".join(lines)  # SGD's 4 configurations, and mse
    assert any("status" in line for line in lines)
    assert any(line.startswith("5 passed, 0 failed") for line in lines)
    assert not any("cuda" in line or "absl" in line for line in lines)  # no backend noise
