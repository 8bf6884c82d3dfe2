"""Behaviour of keras_ref.metrics: lookup, the legacy 'acc' rule, configs, metric state."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

import keras_ref.backend as K
import keras_ref.losses as L
import keras_ref.metrics as M


def _result(metric):
    return float(ops.convert_to_numpy(metric.result()))


# -- lookup -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "cls"), sorted(M.ALL_METRICS.items()))
def test_metric_names_classes_and_functions_resolve(name, cls):
    assert type(M.get(name)) is cls and M.get(name).name == name
    assert type(M.get(cls.__name__)) is cls
    assert type(M.get(getattr(M, name))) is cls
    assert type(M.get(cls)) is cls


@pytest.mark.parametrize(
    ("alias", "legacy_name"),
    [("mae", "mean_absolute_error"), ("MSE", "mean_squared_error"), ("cosine", "cosine_proximity")],
)
def test_loss_names_are_metrics_with_the_legacy_name(alias, legacy_name):
    metric = M.get(alias)
    assert isinstance(metric, M.MeanMetricWrapper)
    assert metric.name == legacy_name and metric.fn is getattr(L, legacy_name)


def test_get_passes_metric_instances_through_and_wraps_functions():
    stock = keras.metrics.AUC()
    assert M.get(stock) is stock

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    metric = M.get(mean_pred)
    assert isinstance(metric, M.MeanMetricWrapper) and metric.name == "mean_pred"


def test_unknown_names_and_bad_types():
    with pytest.raises(ValueError, match='Did you mean "binary_accuracy"'):
        M.get("binary_acuracy")
    with pytest.raises(TypeError, match="identifier"):
        M.get(7)
    with pytest.raises(ValueError, match="`k`"):
        M.TopKCategoricalAccuracy(k=0)
    with pytest.raises(ValueError, match="`k`"):
        M.top_k_categorical_accuracy(np.eye(3), np.eye(3), k=2.0)


# -- the 'acc' rule -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("loss", "shape", "expected"),
    [
        ("binary_crossentropy", (None, 3), M.BinaryAccuracy),  # multi-label: binary (legacy)
        (L.BinaryCrossentropy(from_logits=True), (None, 4), M.BinaryAccuracy),
        (keras.losses.BinaryCrossentropy(), (None, 4), M.BinaryAccuracy),
        (L.binary_crossentropy, None, M.BinaryAccuracy),  # BCE decides without a shape
        ("mse", (None, 1), M.BinaryAccuracy),
        ("sparse_categorical_crossentropy", (None, 1), M.BinaryAccuracy),  # last dim 1 first
        ("sparse_categorical_crossentropy", (None, 5), M.SparseCategoricalAccuracy),
        (L.SparseCategoricalCrossentropy, (None, 7, 5), M.SparseCategoricalAccuracy),
        ("categorical_crossentropy", (None, 5), M.CategoricalAccuracy),
        ("mse", (None, 2), M.CategoricalAccuracy),
        (None, (None, 3), M.CategoricalAccuracy),
    ],
)
def test_acc_follows_the_legacy_rule(loss, shape, expected):
    for name in ("acc", "accuracy"):
        metric = M.get(name, loss=loss, output_shape=shape)
        assert type(metric) is expected and metric.name == "acc"


def test_crossentropy_metric_follows_the_same_rule():
    metric = M.get("ce", loss="mse", output_shape=(None, 1))
    assert metric.fn is L.binary_crossentropy and metric.name == "ce"
    assert M.get("crossentropy", output_shape=(None, 4)).fn is L.categorical_crossentropy


def test_acc_without_an_output_shape_is_decided_at_the_first_batch():
    metric = M.get("acc", loss="mse")
    assert isinstance(metric, M.LegacyAutoMetric)
    metric.update_state(np.array([[1.0], [0.0]]), np.array([[0.8], [0.6]]))  # last dim 1: binary
    assert _result(metric) == pytest.approx(0.5)
    sparse = M.get("acc", loss="sparse_categorical_crossentropy")
    sparse.update_state(np.array([[2], [0]]), np.array([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]]))
    assert _result(sparse) == 1.0


# -- configs and state --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "metric",
    [
        M.BinaryAccuracy(name="b"),
        M.CategoricalAccuracy(),
        M.SparseCategoricalAccuracy(),
        M.TopKCategoricalAccuracy(k=2),
        M.SparseTopKCategoricalAccuracy(k=3, name="top3"),
        M.LegacyAutoMetric("ce", loss_family="sparse"),
        M.MeanMetricWrapper(L.mean_absolute_error),
    ],
    ids=lambda m: type(m).__name__,
)
def test_config_round_trip(metric):
    for restored in (
        M.deserialize(M.serialize(metric)),
        keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(metric)),
    ):
        assert type(restored) is type(metric)
        assert restored.get_config() == metric.get_config()


def test_configs_saved_before_the_package_split_still_load():
    """`.keras` files written when the metrics lived in one module name `keras_ref.metrics`."""
    saved = {
        "module": "keras_ref.metrics",
        "class_name": "MeanMetricWrapper",
        "config": {
            "name": "top_k_categorical_accuracy",
            "dtype": None,
            "fn": {
                "module": "builtins",
                "class_name": "function",
                "config": "keras_ref>top_k_categorical_accuracy",
                "registered_name": "function",
            },
            "k": 1,
        },
        "registered_name": "keras_ref>MeanMetricWrapper",
    }
    metric = keras.saving.deserialize_keras_object(saved)
    assert type(metric) is M.MeanMetricWrapper
    assert metric.fn is M.top_k_categorical_accuracy and metric.get_config()["k"] == 1
    accuracy = {**saved, "class_name": "BinaryAccuracy", "config": {"name": "acc", "dtype": None}}
    accuracy["registered_name"] = "keras_ref>BinaryAccuracy"
    assert type(keras.saving.deserialize_keras_object(accuracy)) is M.BinaryAccuracy


def test_state_resets_and_empty_result_is_zero():
    metric = M.CategoricalAccuracy()
    assert _result(metric) == 0.0
    metric.update_state(np.eye(3), np.eye(3))
    assert _result(metric) == 1.0
    metric.reset_state()
    assert _result(metric) == 0.0


def test_optimisation_direction_for_callbacks():
    assert M.BinaryAccuracy()._direction == "up"
    assert M.get("mae")._direction == "down"


def test_sparse_accuracy_label_shapes():
    p = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]], np.float32)
    for labels in (np.array([1, 0, 0]), np.array([[1], [0], [0]]), np.array([1.0, 0.0, 0.0])):
        got = ops.convert_to_numpy(M.sparse_categorical_accuracy(labels, p))
        np.testing.assert_array_equal(got, [1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="one label per sample"):
        M.sparse_categorical_accuracy(np.zeros((3, 1, 1)), p)
