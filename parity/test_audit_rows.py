"""Every loss and metric row of `keras-ref audit` passes on this backend (CPU).

The optimizer rows are asserted case by case in test_optimizers_vs_reference.py; together these
are exactly the rows the audit prints, so the suite and the audit cannot disagree.
"""

from __future__ import annotations

import pytest
from parity_support import dtype_params, record

from keras_ref.audit.loss_inputs import INPUT_SETS
from keras_ref.audit.loss_rows import loss_row
from keras_ref.audit.metric_rows import metric_row
from keras_ref.reference.metrics import METRICS


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize("name", list(INPUT_SETS))
def test_loss_row_passes(name, dtype):
    row = loss_row(name, dtype, device="cpu")
    record(f"audit loss rows {dtype} (scaled rel, ulp)", name, row.rel, row.ulp)
    assert row.nan_match and row.rel <= row.tolerance and row.status == "PASS"


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize("name", list(METRICS))
def test_metric_row_passes(name, dtype):
    row = metric_row(name, dtype, device="cpu")
    record(f"audit metric rows {dtype} (rel, ulp)", name, row.rel, row.ulp)
    assert row.nan_match and row.rel <= row.tolerance and row.status == "PASS"


def test_known_stock_deltas_show_in_the_rows():
    """Hinge with {0,1} labels and binary_accuracy's threshold differ from stock, as documented."""
    assert loss_row("hinge", "float32", device="cpu").stock_identical == "no"
    assert metric_row("binary_accuracy", "float32", device="cpu").stock_default_drift > 0
