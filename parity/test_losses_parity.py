"""keras_ref losses vs the independent NumPy reference, and the known deltas vs stock Keras 3.

Tolerance: ``|keras_ref - reference| <= rtol * max(|reference|, S)`` per sample, where ``S`` is the
magnitude of the terms the loss adds and subtracts (`term_scale`): the forward error of a sum is
bounded relative to the sum of its terms' magnitudes, not to the (possibly cancelled) result.
For losses whose terms are all non-negative ``S = 0`` and the bound is purely relative.
NaN must appear in exactly the same places (legacy arithmetic: e.g. an all-zero categorical row).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops
from parity_support import record

import keras_ref.losses as L
from keras_ref._backend_specific import float64_supported
from keras_ref.audit.errors import scaled_error
from keras_ref.audit.loss_inputs import INPUT_SETS, SPARSE, labels, loss_inputs, term_scale
from keras_ref.reference import losses as R

BACKEND = keras.backend.backend()
needs_float64 = pytest.mark.skipif(
    not float64_supported(), reason="float64 on JAX needs JAX_ENABLE_X64=1 (x64 is off)"
)

RTOL64 = 1e-12  # measured worst 5.7e-16 (msle, TensorFlow)
RTOL32 = 6e-7  # vs the float32 replay: measured worst 1.8e-7 (1.5 ulp, cosine, torch); ~5 ulp
EPS = 1e-7


@pytest.fixture(scope="module")
def inputs():
    return loss_inputs()


def assert_parity(name, actual, expected, scale, rtol, case=""):
    """Per sample ``|actual - expected| <= rtol * max(|expected|, scale)``; NaN where expected."""
    dtype = np.asarray(actual).dtype
    assert np.shape(actual) == np.shape(expected), (name, np.shape(actual), np.shape(expected))
    scaled, ulp, same_nans = scaled_error(actual, expected, scale)
    assert same_nans, f"{name}: NaN positions differ"
    record(f"loss {dtype} vs reference (scaled rel, ulp)", f"{name}/{case}", scaled, ulp)
    assert scaled <= rtol, f"{name} {case}: scaled error {scaled:.3g}"


def _case(name, key, inputs, dtype):
    y, p = inputs[key]
    y_in = labels(y) if name == SPARSE else y.astype(dtype)
    return y, y_in, p


def _run(name, y_in, p, dtype, **kwargs):
    return ops.convert_to_numpy(getattr(L, name)(y_in, p.astype(dtype), **kwargs))


CASES = [(name, key) for name, keys in INPUT_SETS.items() for key in keys]


# -- per-sample functions -----------------------------------------------------------------------
@needs_float64
@pytest.mark.parametrize(("name", "key"), CASES)
def test_loss_matches_reference_float64(inputs, name, key):
    y, y_in, p = _case(name, key, inputs, np.float64)
    actual = _run(name, y_in, p, np.float64)
    assert actual.dtype == np.float64
    expected = R.LOSSES[name](y_in, p, dtype=np.float64)
    assert_parity(name, actual, expected, term_scale(name, y, p), RTOL64, key)


@pytest.mark.parametrize(("name", "key"), CASES)
def test_loss_matches_reference_float32(inputs, name, key):
    y, y_in, p = _case(name, key, inputs, np.float32)
    actual = _run(name, y_in, p, np.float32)
    assert actual.dtype == np.float32
    expected = R.LOSSES[name](y_in, p, dtype=np.float32)
    assert_parity(name, actual, expected, term_scale(name, y, p), RTOL32, key)


@needs_float64
@pytest.mark.parametrize("name", ["categorical_crossentropy", SPARSE, "binary_crossentropy"])
def test_crossentropy_from_logits_matches_reference(inputs, name):
    y, _ = inputs["binary"] if name == "binary_crossentropy" else inputs["probabilities"]
    logits = np.random.default_rng(3).normal(size=y.shape) * 10
    logits[0] = [50.0, -50.0, 0.0, 1e-3, -1e-3, 30.0][: y.shape[-1]]  # far into the tails
    y_in = labels(y) if name == SPARSE else y
    actual = _run(name, y_in, logits, np.float64, from_logits=True)
    expected = R.LOSSES[name](y_in, logits, from_logits=True, dtype=np.float64)
    scale = term_scale(name, y, logits, from_logits=True)
    assert_parity(name, actual, expected, scale, RTOL64, "from_logits")


def test_clipped_crossentropy_is_minus_log_float32_epsilon():
    """Confident and wrong: ``-log(fl32(1e-7)) = 16.118095`` (docs/legacy-formulas.md)."""
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    p = np.array([[1.0, 0.0, 0.0]], np.float32)
    expected = -np.log(np.float32(1e-7))
    for name in ("categorical_crossentropy", "kullback_leibler_divergence"):
        got = ops.convert_to_numpy(getattr(L, name)(y, p))[0]
        np.testing.assert_allclose(got, expected, rtol=RTOL32, err_msg=name)
    got = ops.convert_to_numpy(L.sparse_categorical_crossentropy(np.array([1]), p))[0]
    np.testing.assert_allclose(got, expected, rtol=RTOL32)  # renormalising changes ~3e-7 only


def test_epsilon_is_read_at_call_time():
    y, p = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    old = keras.config.epsilon()
    try:
        keras.config.set_epsilon(1e-3)
        got = ops.convert_to_numpy(L.categorical_crossentropy(y.astype("float32"), p))[0]
    finally:
        keras.config.set_epsilon(old)
    np.testing.assert_allclose(got, -np.log(np.float32(1e-3)), rtol=RTOL32)


# -- the legacy reduction -----------------------------------------------------------------------
@needs_float64
def test_reduction_matches_reference_with_zero_weights_masks_and_timesteps():
    rng = np.random.default_rng(5)
    scores = rng.uniform(size=(6, 4))
    weights = np.array([1.0, 0.0, 2.5, 0.0, 1.0, 0.5])
    mask = rng.uniform(size=(6, 4)) > 0.3
    timestep_weights = rng.uniform(size=(6, 4)) * (rng.uniform(size=(6, 4)) > 0.4)
    for w, m in [(None, None), (weights, None), (None, mask), (weights, mask)]:
        got = L.legacy_weighted_mean(scores, w, m)
        np.testing.assert_allclose(ops.convert_to_numpy(got), R.legacy_reduce(scores, w, m), 1e-14)
    got = L.legacy_weighted_mean(scores, timestep_weights, mask)
    expected = R.legacy_reduce(scores, timestep_weights, mask)
    np.testing.assert_allclose(ops.convert_to_numpy(got), expected, rtol=1e-14)
    expected = np.sum(scores.mean(-1) * weights) / np.count_nonzero(weights)
    np.testing.assert_allclose(R.legacy_reduce(scores, weights), expected, rtol=1e-15)


@needs_float64
@pytest.mark.parametrize("name", sorted(L.ALL_LOSSES))
def test_loss_class_applies_the_legacy_reduction(inputs, name):
    y, p = inputs["probabilities"]
    y_in = labels(y) if name == SPARSE else y
    weights = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 0.0, 3.0, 1.0, 1.0, 1.0, 1.0])
    rows = slice(0, 10)  # leave out the all-zero row (NaN for the categorical losses)
    loss = L.class_for(name)(dtype="float64")
    got = ops.convert_to_numpy(loss(y_in[rows], p[rows], sample_weight=weights[rows]))
    per_sample = R.LOSSES[name](y_in[rows], p[rows])
    expected = R.legacy_reduce(per_sample, weights[rows])
    np.testing.assert_allclose(got, expected, rtol=RTOL64)
    unweighted = ops.convert_to_numpy(loss(y_in[rows], p[rows]))
    np.testing.assert_allclose(unweighted, np.mean(per_sample), rtol=RTOL64)


def test_all_zero_weights_give_nan_as_legacy():
    got = L.MeanSquaredError()(np.ones((2, 1)), np.zeros((2, 1)), sample_weight=np.zeros(2))
    assert np.isnan(ops.convert_to_numpy(got))


# -- known deltas vs stock Keras 3 --------------------------------------------------------------
def test_known_delta_hinge_with_01labels():
    """Legacy uses {0, 1} labels as given; stock maps them to {-1, 1} first."""
    y = np.array([[0.0, 1.0, 1.0, 0.0]], np.float32)
    p = np.array([[0.3, -0.4, 0.8, -2.0]], np.float32)
    # margins 1 - y*p: legacy [1, 1.4, 0.2, 1]; stock (y -> 2y - 1) [1.3, 1.4, 0.2, -1 -> 0]
    predicted = {"hinge": (0.9, 0.725), "squared_hinge": (1.0, 0.9225)}
    for name, (legacy, keras3) in predicted.items():
        ours = ops.convert_to_numpy(getattr(L, name)(y, p))
        stock = ops.convert_to_numpy(getattr(keras.losses, name)(y, p))
        np.testing.assert_allclose(ours, R.LOSSES[name](y, p, dtype=np.float32), rtol=RTOL32)
        np.testing.assert_allclose(stock, R.LOSSES[name](2 * y - 1, p, dtype=np.float32), 1e-6)
        np.testing.assert_allclose([ours[0], stock[0]], [legacy, keras3], rtol=1e-6, err_msg=name)


def test_known_delta_weighted_reduction_with_zero_weights():
    """Legacy divides by the count of non-zero weights; stock divides by the batch size."""
    y = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    p = np.array([[1.5], [2.0], [1.0], [0.0]], np.float32)
    w = np.array([1.0, 0.0, 2.0, 0.0], np.float32)
    per_sample = R.mean_squared_error(y, p)  # [0.25, 0, 4, 16]
    ours = float(ops.convert_to_numpy(L.MeanSquaredError()(y, p, sample_weight=w)))
    stock = float(ops.convert_to_numpy(keras.losses.MeanSquaredError()(y, p, sample_weight=w)))
    assert ours == pytest.approx(R.legacy_reduce(per_sample, w), rel=RTOL32)  # 8.25 / 2
    assert stock == pytest.approx(R.keras3_weighted_reduce(per_sample, w), rel=RTOL32)  # 8.25 / 4
    assert ours == pytest.approx(2 * stock, rel=RTOL32)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="the logits shortcut is TensorFlow-only")
def test_known_delta_tensorflow_logits_shortcut():
    """Stock TF crossentropy reads the logits behind a Keras softmax (40.0); legacy clips (16.1)."""
    logits = keras.Input((2,))
    model = keras.Model(logits, keras.layers.Softmax()(logits))
    y = np.array([[0.0, 1.0]], np.float32)
    x = np.array([[20.0, -20.0]], np.float32)
    probabilities = model(x)
    stock = float(ops.convert_to_numpy(keras.losses.categorical_crossentropy(y, probabilities))[0])
    ours = float(ops.convert_to_numpy(L.categorical_crossentropy(y, probabilities))[0])
    assert stock == pytest.approx(40.0, rel=1e-5)
    assert ours == pytest.approx(-np.log(np.float32(1e-7)), rel=RTOL32)
