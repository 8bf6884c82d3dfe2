"""Property tests (hypothesis) of the legacy losses and metrics against the NumPy reference.

For random shapes, both dtypes, magnitudes up to 1e15 (squares stay inside float32) and values
at the clip bounds: the loss is finite exactly where the legacy formula (replayed in the same
dtype) is finite, matches it within the audit's bound, and does not depend on batch order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from keras import ops
from parity_support import dtype_params

import keras_ref.losses as L
import keras_ref.metrics as M
from keras_ref.audit import tolerances
from keras_ref.audit.errors import scaled_error
from keras_ref.audit.loss_inputs import INPUT_SETS, SPARSE, term_scale
from keras_ref.reference import losses as R
from keras_ref.reference import metrics as RM

EDGES = [0.0, 1.0, -1.0, 1e-7, 1 - 1e-7, 1e-9, 0.5]
PROBABILISTIC = {
    "categorical_crossentropy", SPARSE, "binary_crossentropy", "kullback_leibler_divergence",
    "poisson",
}  # fmt: skip
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine: CI never flakes
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _normal(v: float) -> bool:
    return v == 0 or abs(v) >= 1e-30


def values(probabilistic: bool):
    """Floats without subnormals: tensorflow flushes those to zero on the CPU (FTZ/DAZ)."""
    if probabilistic:
        return st.one_of(st.floats(-0.1, 1.1).filter(_normal), st.sampled_from(EDGES))
    wide = st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False).filter(_normal)
    return st.one_of(wide, st.sampled_from(EDGES))


@st.composite
def batches(draw, probabilistic: bool):
    # A few shapes only: JAX compiles each op once per shape, so shapes are drawn from a small set.
    shape = (draw(st.sampled_from([1, 3, 8])), draw(st.sampled_from([1, 2, 5])))
    y = draw(arrays(np.float64, shape, elements=values(probabilistic)))
    p = draw(arrays(np.float64, shape, elements=values(probabilistic)))
    order = draw(st.permutations(range(shape[0])))
    return y, p, np.asarray(order)


def evaluate(name, y, p, dtype):
    y_in = np.argmax(y, -1) if name == SPARSE else y.astype(dtype)
    return y_in, ops.convert_to_numpy(getattr(L, name)(y_in, p.astype(dtype)))


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize("name", list(INPUT_SETS))
def test_loss_properties(name, dtype):
    @SETTINGS
    @given(batches(name in PROBABILISTIC))
    def check(batch):
        y, p, order = batch
        y_in, ours = evaluate(name, y, p, dtype)
        with np.errstate(all="ignore"):
            expected = R.LOSSES[name](y_in, p.astype(dtype), dtype=np.dtype(dtype).type)
            scale = term_scale(name, y, p)
        np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(expected))
        finite = np.isfinite(expected)
        if finite.any():
            scaled, _, _ = scaled_error(ours[finite], expected[finite], scale[finite])
            assert scaled <= tolerances.LOSS_REL[dtype]
        _, shuffled = evaluate(name, y[order], p[order], dtype)
        # Per sample, so equal up to rounding: tensorflow's vectorised log/exp on the CPU round a
        # row's values differently by its position in the batch (measured: 1 ulp).
        np.testing.assert_array_equal(np.isfinite(shuffled), np.isfinite(ours[order]))
        if finite.any():
            keep = finite[order]
            moved, _, _ = scaled_error(shuffled[keep], ours[order][keep], scale[order][keep])
            assert moved <= tolerances.LOSS_REL[dtype]

    check()


@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize("name", list(RM.METRICS))
def test_metric_properties(name, dtype):
    @SETTINGS
    @given(batches(probabilistic=True), st.integers(1, 6))
    def check(batch, k):
        y, p, order = batch
        kwargs = {"k": k} if "top_k" in name else {}
        if name == "binary_accuracy":
            y_in = (y > 0.5).astype(dtype)
        elif "sparse" in name:
            y_in = np.argmax(y, -1)[:, None]
        else:
            y_in = np.eye(y.shape[-1], dtype=dtype)[np.argmax(y, -1)]
        ours = ops.convert_to_numpy(getattr(M, name)(y_in, p.astype(dtype), **kwargs))
        expected = RM.METRICS[name](y_in, p.astype(dtype), dtype=np.dtype(dtype).type, **kwargs)
        scaled, _, same_nans = scaled_error(ours, expected, 0.0)
        assert same_nans and scaled <= tolerances.METRIC_REL[dtype]
        assert np.all((ours >= 0) & (ours <= 1))
        shuffled = ops.convert_to_numpy(
            getattr(M, name)(y_in[order], p[order].astype(dtype), **kwargs)
        )
        # the top-k accuracies are the batch mean (as in Keras 2.2.4): a mean of 0/1 is exact
        np.testing.assert_array_equal(shuffled, ours if ours.ndim == 0 else ours[order])

    check()
