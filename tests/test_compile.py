"""keras_ref.training.compile on real Keras 3 models: fit/evaluate report the legacy numbers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import keras_ref.backend as K
import keras_ref.losses as L
import keras_ref.metrics as M
import keras_ref.optimizers as O
from keras_ref.reference import losses as R
from keras_ref.reference import metrics as RM
from keras_ref.training import compile as legacy_compile

RTOL = 1e-5  # float32 model outputs through a float32 loss and Keras's float32 loss tracker


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(42)
    x = rng.normal(size=(10, 4)).astype("float32")
    y = rng.normal(size=(10, 2)).astype("float32")
    w = np.array([1, 0, 2, 0, 1, 0.5, 0, 3, 1, 0], "float32")
    return x, y, w


def dense_model(units=2, activation=None, outputs=1):
    inputs = keras.Input((4,))
    heads = [
        keras.layers.Dense(units, activation=activation, name=f"out{i}")(inputs)
        for i in range(outputs)
    ]
    return keras.Model(inputs, heads if outputs > 1 else heads[0])


def sequence_model():
    """Embedding with mask_zero: the (N, T) mask reaches the loss through the output."""
    inputs = keras.Input((5,), dtype="int32")
    hidden = keras.layers.Embedding(6, 3, mask_zero=True)(inputs)
    return keras.Model(inputs, keras.layers.Dense(2)(hidden))


def evaluate(model, x, y, **kwargs):
    return model.evaluate(x, y, verbose=0, return_dict=True, **kwargs)


# -- arguments resolved the legacy way ----------------------------------------------------------
def test_optimizer_and_loss_are_resolved_by_keras_ref():
    model = dense_model()
    legacy_compile(model, "nadam", loss="mse")
    assert isinstance(model.optimizer, O.Nadam) and model.optimizer.schedule_decay == 0.004
    legacy_compile(model, {"class_name": "SGD", "config": {"lr": 0.1}}, loss=L.mean_squared_error)
    assert isinstance(model.optimizer, O.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1)


def test_zero_sample_weights_give_the_legacy_loss(data):
    """sum(L*w) / count(w != 0); stock Keras 3 reports sum(L*w) / N for the same model."""
    x, y, w = data
    model = dense_model()
    legacy_compile(model, "sgd", loss="mse")
    per_sample = R.mean_squared_error(y, model.predict(x, verbose=0))
    got = evaluate(model, x, y, sample_weight=w, batch_size=10)["loss"]
    assert got == pytest.approx(R.legacy_reduce(per_sample, w), rel=RTOL)
    batched = evaluate(model, x, y, sample_weight=w, batch_size=4)["loss"]
    expected = RM.legacy_epoch_value(R.mean_squared_error, y, model.predict(x, verbose=0), 4, w)
    assert batched == pytest.approx(expected, rel=RTOL)
    model.compile("sgd", loss="mse")
    stock = evaluate(model, x, y, sample_weight=w, batch_size=10)["loss"]
    assert stock == pytest.approx(R.keras3_weighted_reduce(per_sample, w), rel=RTOL)


def test_fit_trains_on_the_legacy_loss(data):
    x, y, w = data
    model = dense_model()
    legacy_compile(model, O.SGD(lr=0.0), loss="mae")  # lr 0: the reported loss is before any step
    per_sample = R.mean_absolute_error(y, model.predict(x, verbose=0))
    history = model.fit(x, y, sample_weight=w, batch_size=10, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(R.legacy_reduce(per_sample, w), rel=RTOL)


def test_masked_outputs_are_normalised_per_batch():
    rng = np.random.default_rng(1)
    x = np.array([[1, 2, 0, 0, 0], [3, 1, 2, 0, 0], [1, 0, 0, 0, 0], [2, 2, 2, 2, 5]])
    y = rng.normal(size=(4, 5, 2)).astype("float32")
    w = np.array([1.0, 0.0, 2.0, 1.0], "float32")
    model = sequence_model()
    legacy_compile(model, "sgd", loss="mse", metrics=["mae"])
    p = model.predict(x, verbose=0)
    got = evaluate(model, x, y, sample_weight=w, batch_size=4)
    mask = x != 0
    assert got["loss"] == pytest.approx(R.legacy_reduce(R.mean_squared_error(y, p), w, mask), RTOL)
    mae = R.legacy_reduce(R.mean_absolute_error(y, p), None, mask)  # unweighted metric: mask only
    assert got["mean_absolute_error"] == pytest.approx(mae, rel=RTOL)


def test_temporal_sample_weights():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 6, size=(4, 5))
    y = rng.normal(size=(4, 5, 2)).astype("float32")
    w = (rng.uniform(size=(4, 5)) * (rng.uniform(size=(4, 5)) > 0.3)).astype("float32")
    model = sequence_model()
    legacy_compile(model, "sgd", loss="mse", sample_weight_mode="temporal")
    p = model.predict(x, verbose=0)
    got = evaluate(model, x, y, sample_weight=w, batch_size=4)["loss"]
    assert got == pytest.approx(R.legacy_reduce(R.mean_squared_error(y, p), w), rel=RTOL)


def test_multi_output_loss_weights(data):
    x, y, _ = data
    model = dense_model(outputs=2)
    legacy_compile(model, "sgd", loss=["mse", "mae"], loss_weights={"out0": 0.3})  # out1: 1.0
    p0, p1 = model.predict(x, verbose=0)
    got = evaluate(model, x, [y, y], batch_size=10)
    mse, mae = np.mean(R.mean_squared_error(y, p0)), np.mean(R.mean_absolute_error(y, p1))
    assert got["out0_loss"] == pytest.approx(mse, rel=RTOL)  # per-output losses: unweighted
    assert got["out1_loss"] == pytest.approx(mae, rel=RTOL)
    assert got["loss"] == pytest.approx(0.3 * mse + 1.0 * mae, rel=RTOL)


def test_acc_per_output_and_weighted_metric_names(data):
    x, _, w = data
    rng = np.random.default_rng(3)
    inputs = keras.Input((4,))
    tags = keras.layers.Dense(3, activation="sigmoid", name="tags")(inputs)
    kind = keras.layers.Dense(4, activation="softmax", name="kind")(inputs)
    model = keras.Model(inputs, [tags, kind])
    legacy_compile(
        model,
        "adam",
        loss={"tags": "binary_crossentropy", "kind": "sparse_categorical_crossentropy"},
        metrics=["acc"],
        weighted_metrics={"tags": "accuracy"},
    )
    y_tags = (rng.uniform(size=(10, 3)) > 0.5).astype("float32")
    y_kind = rng.integers(0, 4, size=(10, 1))
    p_tags, p_kind = model.predict(x, verbose=0)
    got = evaluate(model, x, [y_tags, y_kind], sample_weight=w, batch_size=10)
    binary = RM.binary_accuracy(y_tags, p_tags)
    assert got["tags_acc"] == pytest.approx(np.mean(binary), rel=RTOL)
    assert got["tags_weighted_acc"] == pytest.approx(R.legacy_reduce(binary, w), rel=RTOL)
    sparse = RM.sparse_categorical_accuracy(y_kind, p_kind)
    assert got["kind_acc"] == pytest.approx(np.mean(sparse), rel=RTOL)


def test_legacy_custom_metric_runs_unchanged(data):
    """The seed's ``mean_pred``, written against ``keras.backend as K``."""
    x, _, _ = data

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    model = dense_model(units=1, activation="sigmoid")
    legacy_compile(model, "rmsprop", loss="binary_crossentropy", metrics=["accuracy", mean_pred])
    y = (x[:, :1] > 0).astype("float32")
    p = model.predict(x, verbose=0)
    got = evaluate(model, x, y, batch_size=4)  # batches 4/4/2
    expected = RM.epoch_mean([p[:4].mean(), p[4:8].mean(), p[8:].mean()], [4, 4, 2])
    assert got["mean_pred"] == pytest.approx(expected, rel=RTOL)
    assert got["acc"] == pytest.approx(np.mean(RM.binary_accuracy(y, p)), rel=RTOL)


def test_custom_loss_function_gets_the_legacy_reduction(data):
    x, y, w = data

    def cubed_error(y_true, y_pred):
        return K.mean(K.abs(y_pred - y_true) ** 3, axis=-1)

    model = dense_model()
    legacy_compile(model, "sgd", loss=cubed_error)
    p = model.predict(x, verbose=0)
    got = evaluate(model, x, y, sample_weight=w, batch_size=10)["loss"]
    assert got == pytest.approx(R.legacy_reduce(np.mean(np.abs(p - y) ** 3, -1), w), rel=RTOL)


def test_unbuilt_sequential_model_resolves_acc_at_the_first_batch(data):
    x, _, _ = data
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    legacy_compile(model, "sgd", loss="mse", metrics=["acc"])
    y = (x[:, :1] > 0).astype("float32")
    got = evaluate(model, x, y, batch_size=10)
    p = model.predict(x, verbose=0)
    assert got["acc"] == pytest.approx(np.mean(RM.binary_accuracy(y, p)), rel=RTOL)


class TwoHeads(keras.Model):
    """A subclassed model: no outputs (names, shapes) until it is called."""

    def __init__(self):
        super().__init__()
        self.first, self.second = keras.layers.Dense(2), keras.layers.Dense(1, activation="sigmoid")

    def call(self, x):
        return [self.first(x), self.second(x)]


def test_unbuilt_subclassed_multi_output_model(data):
    x, y, _ = data
    model = TwoHeads()
    legacy_compile(model, "sgd", loss=["mse", "binary_crossentropy"], loss_weights=[1.0, 0.5])
    flags = (x[:, :1] > 0).astype("float32")
    got = evaluate(model, x, [y, flags], batch_size=10)
    p0, p1 = model.predict(x, verbose=0)
    mse = np.mean(R.mean_squared_error(y, p0))
    bce = np.mean(R.binary_crossentropy(flags, p1, dtype=np.float32))
    assert got["loss"] == pytest.approx(mse + 0.5 * bce, rel=RTOL)


def test_missing_output_in_loss_dict_warns_and_skips_it(data):
    x, y, _ = data
    model = dense_model(outputs=2)
    with pytest.warns(UserWarning, match='"out1" is missing'):
        legacy_compile(model, "sgd", loss={"out0": "mse"})
    p0, _ = model.predict(x, verbose=0)
    got = evaluate(model, x, [y, y], batch_size=10)
    assert got["loss"] == pytest.approx(np.mean(R.mean_squared_error(y, p0)), rel=RTOL)


# -- errors -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_outputs():
    return dense_model(outputs=2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target_tensors": [np.zeros((1, 2))]}, ValueError, "target_tensors"),
        ({"options": object()}, TypeError, "`options`"),
        ({"loss": {"out2": "mse"}}, ValueError, 'unknown output "out2".*outputs are: out0, out1'),
        ({"loss": ["mse"]}, ValueError, "one entry per model output"),
        ({"loss": "mean_sqared_error"}, ValueError, 'Did you mean "mean_squared_error"'),
        ({"loss": "mse", "loss_weights": 0.5}, TypeError, "`loss_weights`"),
        ({"loss": "mse", "loss_weights": [1.0]}, ValueError, "`loss_weights`"),
        ({"loss": "mse", "loss_weights": [1.0, "x"]}, TypeError, 'output "out1"'),
        ({"loss": "mse", "sample_weight_mode": "time"}, ValueError, "None or 'temporal'"),
        ({"loss": "mse", "sample_weight_mode": "temporal"}, ValueError, "time axis"),
        ({"loss": "mse", "metrics": "acc"}, TypeError, "`metrics` must be a list"),
        ({"loss": "mse", "metrics": {"outX": ["acc"]}}, ValueError, 'unknown output "outX"'),
    ],
)
def test_bad_arguments_are_named(two_outputs, kwargs, error, match):
    with pytest.raises(error, match=match):
        legacy_compile(two_outputs, "sgd", **kwargs)


def test_dicts_need_a_built_model_and_model_must_be_a_model():
    with pytest.raises(ValueError, match="Build it first"):
        legacy_compile(keras.Sequential([keras.layers.Dense(1)]), "sgd", loss={"a": "mse"})
    with pytest.raises(TypeError, match=r"keras\.Model"):
        legacy_compile(object(), "sgd", loss="mse")


def test_metric_objects_get_one_state_per_output(two_outputs):
    shared = M.BinaryAccuracy(name="bin")
    legacy_compile(two_outputs, "sgd", loss="mse", metrics=[shared])
    x = np.zeros((2, 4), "float32")
    y = np.zeros((2, 2), "float32")
    got = evaluate(two_outputs, x, [y, y])
    assert {"out0_bin", "out1_bin"} <= set(got)
