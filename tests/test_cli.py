"""The `keras-ref` command line: version, help, audit and bench, as a user runs them."""

from __future__ import annotations

import json
import os
import re
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


def test_bench_worker_reports_ratios_on_a_tiny_problem(tmp_path, monkeypatch):
    """The bench's structure and arithmetic, on sizes that take seconds (no timing asserted)."""
    from keras_ref.bench import worker

    monkeypatch.setattr(worker, "STEP_SIZE", 4096)
    monkeypatch.setattr(worker, "COPY_SIZE", 4 * 4096)
    monkeypatch.setitem(worker.FIT_PLANS, BACKEND, ((3, {"mlp": 8, "many": 8}),) * 2)
    out = tmp_path / "b.json"
    assert worker.main(["--quick", "--only", "sgd", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert {row["case"].split(" (")[0] for row in rows} == {"compiled step", "fit mlp", "fit many"}
    assert {row["backend"] for row in rows} == {BACKEND}
    for row in rows:
        assert row["ratio"] > 0 and row["ours_ms"] > 0 and row["stock_ms"] > 0
        low, high = row["ratio_iqr"]
        assert low <= row["ratio"] <= high or low == high
    (step,) = [row for row in rows if row["case"].startswith("compiled step")]
    assert step["copy_bandwidth_gb_s"] > 0 and step["bound_ms"] > 0
    assert step["ratio_to_bound"] == pytest.approx(step["ours_ms"] / step["bound_ms"], rel=1e-12)


def test_bench_worker_times_the_tf2_family_in_fit(tmp_path, monkeypatch):
    """--family tf2: keras_ref.tf2 against the stock class of the same name, in `fit` only."""
    from keras_ref.bench import worker

    monkeypatch.setitem(worker.FIT_PLANS, BACKEND, ((3, {"mlp": 8, "many": 8}),) * 2)
    out = tmp_path / "b.json"
    assert worker.main(["--quick", "--family", "tf2", "--only", "adam", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert {row["case"].split(" (")[0] for row in rows} == {"fit mlp", "fit many"}
    assert {(row["family"], row["component"]) for row in rows} == {("tf2", "tf2.adam")}
    assert all(row["ratio"] > 0 and row["ours_ms"] > 0 and row["stock_ms"] > 0 for row in rows)


def test_bench_pairs_each_family_with_its_stock_baseline():
    from keras_ref.bench import worker
    from keras_ref.tf2 import optimizers as tf2_optimizers

    assert worker.family_names("keras2") == list(worker.TRAFFIC)
    assert worker.family_names("tf2") == list(tf2_optimizers.ALL_OPTIMIZERS)
    for name in worker.family_names("tf2"):
        both = worker._both(name, "tf2")
        assert type(both["ours"]) is tf2_optimizers.ALL_OPTIMIZERS[name]
        stock, fresh = both["stock"], type(both["stock"])()
        assert type(stock).__module__.startswith("keras")
        assert type(stock).__name__ == type(both["ours"]).__name__
        assert {**stock.get_config(), "name": ""} == {**fresh.get_config(), "name": ""}


def test_bench_table_and_markdown_render_every_kind_of_row():
    from keras_ref.bench import command
    from keras_ref.cli_output import fitted_table, markdown_table

    rows = [
        {"backend": "jax", "family": "tf2", "case": "fit mlp (6 tensors)",
         "component": "tf2.adam", "ours_ms": 2.5, "stock_ms": 2.4, "ratio": 1.04,
         "ratio_iqr": [1.0, 1.1]},
        {"backend": "jax", "family": "keras2", "case": "compiled step (16M float32)",
         "component": "sgd", "ours_ms": 120.0, "stock_ms": 119.0, "ratio": 1.008,
         "ratio_iqr": [0.99, 1.02], "bound_ms": 100.0, "ratio_to_bound": 1.2,
         "stock_ratio_to_bound": 1.19},
    ]  # fmt: skip
    text = markdown_table(command.COLUMNS, rows, command._cell, "t")
    assert (
        "| jax | fit mlp (6 tensors) | tf2.adam | 2.500 | 2.400 | 1.040 | 1.00–1.10 | - |" in text
    )
    assert "120.0" in text and "1.200" in text
    table = fitted_table(command.COLUMNS, rows, command._cell, title="t", width=200)
    assert table.row_count == 2


def test_bench_summary_gives_each_family_its_fit_median():
    from keras_ref.bench.command import _summary

    def fit(family, component, ratio):
        return {"case": "fit mlp (6 tensors)", "family": family, "component": component,
                "ratio": ratio}  # fmt: skip

    rows = [
        fit("keras2", "adam", 1.0), fit("keras2", "sgd", 1.04), fit("keras2", "nadam", 1.01),
        fit("tf2", "tf2.adam", 0.98), fit("stock", "stock adam vs itself (noise)", 1.003),
    ]  # fmt: skip
    line = _summary("jax", {"rows": rows, "seconds": 12.0})
    assert "keras2 median 1.010, max 1.040" in line
    assert "tf2 median 0.980, max 0.980" in line
    assert "off by 0.003" in line and "step" not in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "--only", "Nadamm"], "did you mean nadam"),
        (["audit", "--only", "adam", "msee"], "did you mean mse"),
        (["bench", "--only", "adamm"], "did you mean adam"),
        (["audit", "--json", "/nonexistent/dir/a.json"], "does not exist"),
        (["audit", "--plot", "/nonexistent/dir/a.png"], "does not exist"),
        (["audit", "--format", "html"], "--format"),
    ],
)
def test_bad_names_and_paths_exit_2_before_any_work(args, message):
    done = keras_ref_cli(*args, timeout=120)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert done.stdout == ""


def test_aliases_resolve_to_the_audited_names():
    from keras_ref import cli_arguments

    assert cli_arguments.flatten([cli_arguments.component(n) for n in ("MSE", "Nadam", "acc")]) == [
        "mean_squared_error", "nadam",
        "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    ]  # fmt: skip


def test_audit_progress_bar_shows_rows_done_elapsed_and_eta():
    """In a terminal the audit shows ``done/total elapsed ETA remaining`` while rows come in."""
    from test_cli_terminal import run_in_terminal

    code, lines = run_in_terminal(
        ["audit", "--backend", BACKEND, "--only", "sgd", "adam", "--steps", "10",
         "--dtype", "float32", "--jobs", "1"],
        120,
    )  # fmt: skip
    assert code == 0, "\n".join(lines[-40:])
    progress = [re.search(r"(\d+)/9 (\d:\d\d:\d\d) ETA (\d:\d\d:\d\d)", line) for line in lines]
    assert any(progress), "\n".join(lines)
    assert {int(m[1]) for m in progress if m} <= set(range(1, 10))


def test_audit_json_format_on_stdout_is_the_result(tmp_path):
    done = keras_ref_cli(
        "audit", "--backend", BACKEND, "--dtype", "float32", "--steps", "3", "--only", "mse",
        "--format", "json", "--quiet",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    (row,) = result["rows"]
    assert row["component"] == "mean_squared_error" and row["status"] == "PASS"
    assert "1 passed, 0 failed" in done.stderr
