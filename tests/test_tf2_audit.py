"""`keras-ref audit --family`: tf2 rows pass on this backend; the keras2 audit is unchanged."""

from __future__ import annotations

import argparse

from keras_ref.audit import command, engine, tf2_rows


def test_tf2_loss_rows_pass_and_show_the_drift_from_stock():
    cases = list(
        tf2_rows.cases_for_family(
            "tf2", steps=3, dtypes=["float32"], device="cpu", only={"binary_crossentropy"}
        )
    )
    rows = [case.run() for case in cases]
    assert {row.config.split(" vs ")[0] for row in rows} == set(tf2_rows.INPUT_KINDS)
    assert all(row.passed for row in rows), [r for r in rows if not r.passed]
    probabilities = [r for r in rows if r.config.startswith("probabilities")]
    assert all(r.stock_identical == "no" and r.stock_rel > 1e-3 for r in probabilities)


def test_keras2_family_yields_the_default_audit_cases():
    only = {"mse"}
    default = [
        c.label for c in engine.all_cases(steps=3, dtypes=["float32"], device="cpu", only=only)
    ]
    keras2 = [
        c.label
        for c in tf2_rows.cases_for_family(
            "keras2", steps=3, dtypes=["float32"], device="cpu", only=only
        )
    ]
    assert keras2 == default


def test_family_option_defaults_to_keras2_and_reaches_the_worker():
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    args = parser.parse_args([])
    assert args.family == "keras2"
    args = parser.parse_args(["--family", "tf2"])
    argv = command._worker_argv(args, ["adam"])
    assert argv[argv.index("--family") + 1] == "tf2"
