"""`keras-ref bench --busy N`: the busy processes run during the busy pass only, and are gone after.

No timing: the structure of the two passes on a fake bench, and the processes' lifetimes (each
wait below is a bound against a hang, not a measure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import pytest

from keras_ref.bench import busy, command


def _gone(pid: int) -> bool:
    """Whether process `pid` has ended (no longer exists, or is a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.split()[1] == "Z" for line in f if line.startswith("State:"))
    except FileNotFoundError:
        return True


def _wait_until_gone(pid: int, bound_s: float = 120.0) -> bool:
    end = time.monotonic() + bound_s
    while time.monotonic() < end:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return False


linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc (Linux)")


@linux_only
def test_busy_processes_run_inside_the_block_and_are_gone_after():
    with busy.busy(2) as processes:
        assert len(processes) == 2
        assert all(p.poll() is None for p in processes)  # running
        pids = [p.pid for p in processes]
    assert all(p.poll() is not None for p in processes)
    assert all(_gone(pid) for pid in pids)


@linux_only
def test_busy_processes_are_stopped_when_the_block_raises():
    with pytest.raises(RuntimeError, match="boom"), busy.busy(1) as processes:
        raise RuntimeError("boom")
    assert processes[0].poll() is not None


def test_busy_with_no_process_starts_none():
    with busy.busy(0) as processes:
        assert processes == []


@pytest.mark.parametrize("count", [-1, 1.5, True])
def test_busy_rejects_a_bad_count(count):
    with pytest.raises(ValueError, match="count"), busy.busy(count):
        pass


def test_busy_rejects_a_bad_lifetime():
    with pytest.raises(ValueError, match="max_seconds"), busy.busy(1, max_seconds=0):
        pass


def test_a_busy_process_ends_by_itself_after_its_lifetime():
    with busy.busy(1, max_seconds=0.2) as processes:
        assert processes[0].wait(timeout=120) == 0  # ended on its own, cleanly


@linux_only
def test_a_busy_process_ends_when_its_parent_is_killed():
    """A parent that dies without cleaning up (SIGKILL, os._exit) leaves no busy process."""
    parent = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os\nfrom keras_ref.bench.busy import busy\n"
            "with busy(1) as p:\n    print(p[0].pid, flush=True)\n    os._exit(0)\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert _wait_until_gone(int(parent.stdout))


def test_process_count_parses_whole_numbers_only():
    assert busy.process_count("2") == 2
    for bad in ("-1", "x", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError, match="whole number"):
            busy.process_count(bad)


@linux_only
def test_bench_busy_runs_quiet_then_busy_and_writes_both(tmp_path):
    """`bench --busy 2` on a fake bench: the first pass has no busy process, the second has 2
    (running, children of bench), the JSON holds both passes, and none is left afterwards."""
    seen = []

    def fake_run(args) -> int:
        children = _busy_children()
        seen.append((args.busy, children))
        with open(args.json, "w") as f:
            json.dump({"results": {"torch": {"rows": [{"pass": len(seen)}]}}}, f)
        return 0

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    out = tmp_path / "bench.json"
    args = parser.parse_args(["--backend", "torch", "--busy", "2", "--json", str(out)])
    assert busy.quiet_and_busy(fake_run, args) == 0
    assert [(b, len(c)) for b, c in seen] == [(0, 0), (0, 2)]
    written = json.loads(out.read_text())
    assert written["quiet"]["results"]["torch"]["rows"] == [{"pass": 1}]
    assert written["busy"]["results"]["torch"]["rows"] == [{"pass": 2}]
    assert written["busy"]["processes"] == 2
    assert all(_gone(pid) for pid in seen[1][1])
    assert _busy_children() == []


def test_bench_busy_returns_the_worse_exit_status(tmp_path):
    codes = iter([0, 1])

    def fake_run(args) -> int:
        with open(args.json, "w") as f:
            json.dump({"results": {}}, f)
        return next(codes)

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    assert busy.quiet_and_busy(fake_run, parser.parse_args(["--busy", "1"])) == 1


def _busy_children() -> list[int]:
    """Pids of this process's living children that run the busy loop."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if ppid == me and b"getppid" in cmdline and not _gone(int(entry)):
            found.append(int(entry))
    return found
