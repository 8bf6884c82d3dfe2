"""The audit rows on a GPU (TF32 off), with the CPU tolerances (keras_ref.audit.tolerances).

Skips where the backend sees no GPU. To run it on a CUDA machine, install the backend's CUDA
build (README, "GPU parity") and run this suite with KERAS_BACKEND set.
"""

from __future__ import annotations

import pytest
from parity_support import dtype_params, record

from keras_ref import _backend_specific
from keras_ref.audit import engine
from keras_ref.audit.grid import OPTIMIZER_GRID

pytestmark = pytest.mark.skipif(
    not _backend_specific.gpu_available(), reason="no GPU visible to this backend"
)


@pytest.fixture(scope="module", autouse=True)
def _full_float32():
    _backend_specific.disable_tf32()


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize(
    ("name", "label"), [(n, la) for n, grid in OPTIMIZER_GRID.items() for la in grid]
)
def test_gpu_audit_row_passes(name, label, dtype):
    row = engine.optimizer_row(name, label, dtype, steps=60, device="gpu")
    record(
        f"gpu {dtype} vs legacy formula (rel, 1st-step ulp)", f"{name}/{label}", row.rel, row.ulp
    )
    assert row.status == "PASS", row
