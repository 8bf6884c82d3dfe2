"""keras_ref optimizers against the independent NumPy transcription of the legacy formulas.

The grid cases run through the audit engine itself (`keras_ref.audit.engine.optimizer_row`), so
the suite and `keras-ref audit` cannot disagree: 60 steps of `gradient_sequence` (magnitudes
1e-4..1e2, zeros, sign flips) over a scalar, a vector, a matrix and a 4-D kernel, for every
configuration of `OPTIMIZER_GRID`; the whole trajectory is compared, not only the end point.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from parity_support import dtype_params, record

from keras_ref import optimizers
from keras_ref.audit import engine, run_optimizer, tolerances
from keras_ref.audit.grid import OPTIMIZER_GRID

CASES = [(name, label) for name, grid in OPTIMIZER_GRID.items() for label in grid]

FLOAT64_REL = tolerances.OPTIMIZER_REL["float64"]
FLOAT32_REL_VS_EXACT = tolerances.OPTIMIZER_REL["float32"]
FLOAT32_REL_VS_REPLAY = tolerances.OPTIMIZER_REL_VS_FLOAT32_REPLAY
FLOAT32_FIRST_STEP_ULP = tolerances.OPTIMIZER_FIRST_STEP_ULP  # why each: keras_ref.audit.tolerances


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize(("name", "label"), CASES)
def test_audit_row_matches_the_legacy_formula(name, label, dtype):
    """The audit's own row for this case: what `keras-ref audit` reports is what is asserted."""
    row = engine.optimizer_row(name, label, dtype, steps=60, device="cpu")
    case = f"{name}/{label}"
    if dtype == "float64":
        record("float64 vs exact formula (rel, 1st-step ulp)", case, row.rel, row.ulp)
        assert row.rel <= FLOAT64_REL
    else:
        record("float32 vs float32 replay (rel, 1st-step ulp)", case, row.rel_replay, row.ulp)
        record("float32 vs exact formula (rel)", case, row.rel, 0)
        assert row.rel_replay <= FLOAT32_REL_VS_REPLAY
        assert row.rel <= FLOAT32_REL_VS_EXACT
        assert row.ulp <= FLOAT32_FIRST_STEP_ULP
    assert row.status == "PASS"


@pytest.mark.parametrize("dtype", dtype_params())
def test_decay_divides_by_completed_steps(dtype):
    """Step k+1 of SGD uses lr / (1 + decay * k): the first step uses lr itself."""
    g = [[np.array([1.0])] for _ in range(4)]
    ours = run_optimizer(optimizers.SGD(lr=0.5, decay=1.0), [np.zeros(1)], g, dtype)
    expected = -np.cumsum([0.5, 0.25, 0.5 / 3, 0.125])
    # float32: four roundings of a value near 1 (ulp 1.2e-7), so 3e-7 relative.
    rtol = 1e-15 if dtype == "float64" else 3e-7
    np.testing.assert_allclose([float(p[0][0]) for p in ours], expected, rtol=rtol)


@pytest.mark.parametrize("dtype", dtype_params())
def test_clipnorm_is_global_and_runs_before_clipvalue(dtype):
    """Global norm 5 of (3, 4) scaled to 1 gives (0.6, 0.8); clipvalue 0.7 then caps 0.8."""
    g = [[np.array([3.0]), np.array([4.0])]]
    ours = run_optimizer(
        optimizers.SGD(lr=1.0, clipnorm=1.0, clipvalue=0.7), [np.zeros(1), np.zeros(1)], g, dtype
    )
    np.testing.assert_allclose([p[0] for p in ours[0]], [-0.6, -0.7], rtol=1e-7)  # 1 ulp
    per_variable = run_optimizer(optimizers.SGD(lr=1.0, clipnorm=4.5), [np.zeros(1)] * 2, g, dtype)
    np.testing.assert_allclose([p[0] for p in per_variable[0]], [-2.7, -3.6], rtol=1e-7)


@pytest.mark.parametrize("dtype", dtype_params())
def test_decay_applies_on_top_of_a_schedule(dtype):
    """lr_k = schedule(k) * (1 / (1 + decay * k)), k = completed steps."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.5)
    g = [[np.array([1.0])] for _ in range(3)]
    ours = run_optimizer(optimizers.SGD(lr=schedule, decay=1.0), [np.zeros(1)], g, dtype)
    expected = -np.cumsum([0.5 * 0.5**k / (1 + k) for k in range(3)])
    rtol = 1e-7 if dtype == "float32" else 1e-15  # the schedule itself computes in float32
    np.testing.assert_allclose([float(p[0][0]) for p in ours], expected, rtol=rtol)


def test_gradient_accumulation_counts_decay_in_updates():
    """With gradient_accumulation_steps=2 the decay step k counts applied updates, not calls."""
    g = [[np.array([1.0])] for _ in range(4)]
    opt = optimizers.SGD(lr=1.0, decay=1.0, gradient_accumulation_steps=2)
    ours = run_optimizer(opt, [np.zeros(1)], g, "float32")
    np.testing.assert_allclose([float(p[0][0]) for p in ours], [0.0, -1.0, -1.0, -1.5])
