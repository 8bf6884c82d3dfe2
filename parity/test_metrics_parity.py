"""keras_ref metrics vs the NumPy reference (and TensorFlow's `in_top_k`), and known deltas.

Per-sample accuracies are 0/1, or k/C for `binary_accuracy`: these match exactly except for the
division k/C, which JAX on CPU (XLA) evaluates as ``k * (1/C)`` when C is a broadcast scalar, one
ulp off (e.g. 3/5 -> 0.6000000000000001); hence RTOL64 rather than bit equality.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

import keras_ref.backend as K
import keras_ref.metrics as M
import keras_ref.training as T
from keras_ref._backend_specific import float64_supported
from keras_ref.reference import metrics as RM

BACKEND = keras.backend.backend()
needs_float64 = pytest.mark.skipif(
    not float64_supported(), reason="float64 on JAX needs JAX_ENABLE_X64=1 (x64 is off)"
)
RTOL64 = 1e-12
RTOL32 = 2.4e-7  # float32 epoch values (sums of k/C * n_b): measured worst 6e-8 (0.5 ulp); 2 ulp


def _numpy(x):
    return ops.convert_to_numpy(x)


@pytest.fixture(scope="module")
def ranked():
    """Rows with ties at the k-th value, non-finite entries and out-of-range targets."""
    predictions = np.array(
        [
            [0.1, 0.3, 0.3, 0.3, 0.0],  # three-way tie for first place
            [0.5, 0.2, 0.2, 0.2, 0.1],  # three-way tie for second place
            [0.4, 0.4, 0.4, 0.4, 0.4],  # all tied
            [np.nan, 0.3, 0.2, 0.1, 0.0],  # NaN anywhere in the row: False
            [np.inf, 0.3, 0.2, 0.1, 0.0],
            [0.5, 0.3, 0.2, 0.1, -np.inf],
            [0.1, 0.2, 0.3, 0.4, 0.5],
            [-1.0, -2.0, -3.0, -4.0, -5.0],  # negative scores
        ]
    )
    targets = np.array([3, 2, 4, 1, 1, 1, 0, 4])
    return predictions, targets


# -- per-sample functions -----------------------------------------------------------------------
def test_binary_accuracy_rounds_half_to_even():
    y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]])
    p = np.array([[0.5, 0.5, 1.5, -0.5, 2.5, -0.6, 0.5001, 1.0, 0.4999]])
    expected = RM.binary_accuracy(y, p)
    got = _numpy(M.binary_accuracy(y.astype("float32"), p))
    np.testing.assert_allclose(got, expected, rtol=RTOL32, atol=0)
    # round: [0, 0, 2, -0, 2, -1, 1, 1, 0] -> hits [F, T, F, T, F, F, T, T, T]
    np.testing.assert_allclose(expected, [5 / 9])


@needs_float64
@pytest.mark.parametrize("shape", [(7,), (6, 5), (2, 3, 4)])
def test_accuracies_match_reference_1d_2d_3d(shape):
    rng = np.random.default_rng(11)
    p = np.round(rng.uniform(size=shape), 1)  # rounding to 0.1 makes ties likely
    y_binary = (rng.uniform(size=shape) > 0.5).astype(float)
    y_onehot = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    cases = [
        (M.binary_accuracy, RM.binary_accuracy, y_binary),
        (M.categorical_accuracy, RM.categorical_accuracy, y_onehot),
    ]
    if len(shape) >= 2:
        labels = np.argmax(y_onehot, -1)
        cases += [
            (M.sparse_categorical_accuracy, RM.sparse_categorical_accuracy, labels[..., None]),
            (M.sparse_categorical_accuracy, RM.sparse_categorical_accuracy, labels),
        ]
    for ours, ref, y in cases:
        got = _numpy(ours(y, p))
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, ref(y, p), rtol=RTOL64, atol=0, err_msg=ours.__name__)


def test_categorical_accuracy_takes_the_first_maximum_on_ties():
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    p = np.array([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]], np.float32)
    np.testing.assert_array_equal(_numpy(M.categorical_accuracy(y, p)), [0.0, 1.0])


@pytest.mark.parametrize("k", [1, 2, 3, 5, 6])
def test_in_top_k_matches_reference_and_tensorflow(ranked, k):
    tf = pytest.importorskip("tensorflow")
    predictions, targets = ranked
    for dtype in ("float32", "float64") if float64_supported() else ("float32",):
        got = _numpy(K.in_top_k(predictions.astype(dtype), targets, k))
        expected = RM.in_top_k(predictions, targets, k)
        oracle = tf.math.in_top_k(targets, predictions.astype(dtype), k).numpy()
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(expected, oracle)
    y = np.eye(5)[targets]
    top_k = _numpy(M.top_k_categorical_accuracy(y.astype("float32"), predictions, k=k))
    sparse = _numpy(M.sparse_top_k_categorical_accuracy(targets[:, None], predictions, k=k))
    np.testing.assert_array_equal(top_k, RM.top_k_categorical_accuracy(y, predictions, k))
    np.testing.assert_array_equal(
        sparse, RM.sparse_top_k_categorical_accuracy(targets, predictions, k)
    )


def test_in_top_k_ties_count_as_in(ranked):
    predictions, targets = ranked
    k1 = RM.in_top_k(predictions, targets, 1)
    assert k1[0] and k1[2]  # tied for first place: in the top 1
    assert not k1[1] and RM.in_top_k(predictions, targets, 2)[1]  # tied for second: top 2
    assert not any(RM.in_top_k(predictions, targets, 5)[3:6])  # non-finite rows: never
    got = _numpy(K.in_top_k(predictions, np.array([5, -1, 0, 0, 0, 0, 0, 0]), 5))
    assert not got[0] and not got[1]  # out-of-range targets: False


def test_in_top_k_3d():
    rng = np.random.default_rng(2)
    p = np.round(rng.uniform(size=(2, 3, 4)), 1)
    labels = rng.integers(0, 4, size=(2, 3))
    got = _numpy(M.sparse_top_k_categorical_accuracy(labels, p, k=2))
    np.testing.assert_array_equal(got, RM.sparse_top_k_categorical_accuracy(labels, p, 2))


# -- epoch averaging ----------------------------------------------------------------------------
def _feed(metric, y, p, batch_size, sample_weight=None):
    metric.reset_state()
    for start in range(0, len(p), batch_size):
        part = slice(start, start + batch_size)
        w = None if sample_weight is None else sample_weight[part]
        metric.update_state(y[part], p[part], sample_weight=w)
    return float(_numpy(metric.result()))


@pytest.fixture(scope="module")
def seven_samples():
    """7 samples in batches 3/3/1; correct predictions at samples 2 and 5 (0-based)."""
    y = np.eye(2, dtype="float32")[[0, 0, 0, 0, 0, 0, 0]]
    p = np.eye(2, dtype="float32")[[1, 1, 0, 1, 1, 0, 1]]
    w = np.array([0, 0, 1, 0, 0, 2, 1], "float32")
    return y, p, w


def test_weighted_epoch_value_is_the_legacy_batch_average(seven_samples):
    """Batches: 1/1 -> 1, 2/1 -> 2, 0/1 -> 0; legacy (3*1 + 3*2 + 1*0) / 7 = 9/7 = 1.285714."""
    y, p, w = seven_samples
    expected = RM.legacy_epoch_value(RM.categorical_accuracy, y, p, 3, sample_weight=w)
    assert expected == pytest.approx(9 / 7, rel=1e-15)
    got = _feed(M.CategoricalAccuracy(), y, p, 3, sample_weight=w)
    assert got == pytest.approx(9 / 7, rel=RTOL32)


def test_known_delta_weighted_metric_epoch_rule(seven_samples):
    """Stock Keras 3 accumulates sum(w*v) / sum(w) = 3/4 over the epoch."""
    y, p, w = seven_samples
    stock = _feed(keras.metrics.CategoricalAccuracy(), y, p, 3, sample_weight=w)
    values = RM.categorical_accuracy(y, p)
    assert stock == pytest.approx(RM.keras3_weighted_epoch_value(values, w), rel=1e-7)
    assert stock == pytest.approx(0.75, rel=1e-7)


def test_unweighted_epoch_value_is_batch_size_weighted(seven_samples):
    y, p, _ = seven_samples
    rng = np.random.default_rng(4)
    p = rng.uniform(size=(7, 2)).astype("float32")
    for batch_size in (1, 2, 3, 7):
        got = _feed(M.BinaryAccuracy(), y, p, batch_size)
        expected = RM.legacy_epoch_value(RM.binary_accuracy, y, p, batch_size)
        assert got == pytest.approx(expected, rel=RTOL32), batch_size


def test_custom_scalar_metric_epoch_value(seven_samples):
    """A legacy ``K.mean(y_pred)`` metric: batch means, weighted by batch size (3, 3, 1)."""
    y, p, _ = seven_samples
    p = np.linspace(0.0, 1.0, 14, dtype="float32").reshape(7, 2)
    metric = M.MeanMetricWrapper(lambda y_true, y_pred: K.mean(y_pred), name="mean_pred")
    got = _feed(metric, y, p, 3)
    expected = RM.epoch_mean([p[:3].mean(), p[3:6].mean(), p[6:].mean()], [3, 3, 1])
    assert got == pytest.approx(expected, rel=RTOL32)


# -- known delta: the 'acc' rule ----------------------------------------------------------------
def test_known_delta_acc_with_multilabel_binary_crossentropy():
    """Legacy picks binary accuracy for a BCE loss; stock Keras 3 decides by shape (categorical)."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(12, 4)).astype("float32")
    y = (rng.uniform(size=(12, 3)) > 0.5).astype("float32")

    def model():
        inputs = keras.Input((4,))
        outputs = keras.layers.Dense(3, activation="sigmoid", kernel_initializer="ones")(inputs)
        return keras.Model(inputs, outputs)

    ours, stock = model(), model()
    T.compile(ours, "sgd", loss="binary_crossentropy", metrics=["acc"])
    stock.compile("sgd", loss="binary_crossentropy", metrics=["acc"])
    p = ours.predict(x, verbose=0)
    got = ours.evaluate(x, y, batch_size=12, verbose=0, return_dict=True)["acc"]
    stock_acc = stock.evaluate(x, y, batch_size=12, verbose=0, return_dict=True)["acc"]
    assert got == pytest.approx(np.mean(RM.binary_accuracy(y, p)), rel=RTOL32)
    assert stock_acc == pytest.approx(np.mean(RM.categorical_accuracy(y, p)), rel=RTOL32)
    assert got != pytest.approx(stock_acc)


def test_known_delta_binary_accuracy_threshold():
    """Stock thresholds at 0.5; legacy rounds (1.5 -> 2 misses a 1; -0.6 -> -1 misses a 0)."""
    y = np.array([[1.0, 0.0, 1.0]], np.float32)
    p = np.array([[1.5, -0.6, 2.5]], np.float32)
    assert float(_numpy(M.binary_accuracy(y, p))[0]) == 0.0
    assert float(np.mean(_numpy(keras.metrics.binary_accuracy(y, p)))) == 1.0
