"""The `keras-ref` command line: version, help, audit and bench, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import BACKEND

import keras_ref


def keras_ref_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "keras_ref", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_version_and_help():
    done = keras_ref_cli("--version")
    assert done.returncode == 0 and keras_ref.__version__ in done.stdout
    done = keras_ref_cli("--help")
    assert done.returncode == 0 and "audit" in done.stdout and "bench" in done.stdout


def test_audit_writes_json_markdown_and_rows_for_each_kind(tmp_path):
    out, md = tmp_path / "a.json", tmp_path / "a.md"
    done = keras_ref_cli(
        "audit", "--backend", BACKEND, "--dtype", "float32", "--steps", "10",
        "--only", "adam", "hinge", "binary_accuracy", "--json", str(out), "--markdown", str(md),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(out.read_text())
    kinds = {row["kind"] for row in result["rows"]}
    assert kinds == {"optimizer", "loss", "metric"}
    assert all(row["status"] == "PASS" for row in result["rows"])
    assert result["backends"][BACKEND]["versions"]["keras"]
    assert "| component |" in md.read_text()
    assert "passed, 0 failed" in done.stdout


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["audit", "--steps", "0"], "--steps"),
        (["audit", "--backend", "caffe"], "--backend"),
        (["audit", "--device", "tpu"], "--device"),
        (["bench", "--backend", "mxnet"], "--backend"),
    ],
)
def test_bad_flags_exit_2_naming_the_flag(args, flag):
    done = keras_ref_cli(*args, timeout=120)
    assert done.returncode == 2
    assert flag in done.stderr


@pytest.mark.skipif(BACKEND != "torch", reason="timed once, in the (fastest) torch pass")
def test_bench_reports_ratios(tmp_path):
    out = tmp_path / "b.json"
    done = keras_ref_cli(
        "bench", "--backend", "torch", "--quick", "--only", "sgd", "--json", str(out)
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())["results"]["torch"]
    rows = result["rows"]
    assert result["seconds"] > 0  # the worker's wall time, reported (never asserted on)
    assert {row["case"].split(" (")[0] for row in rows} == {"compiled step", "fit mlp", "fit many"}
    assert all(row["ratio"] > 0 for row in rows)
    (step,) = [row for row in rows if row["case"].startswith("compiled step")]
    assert step["copy_bandwidth_gb_s"] > 0 and step["bound_ms"] > 0
