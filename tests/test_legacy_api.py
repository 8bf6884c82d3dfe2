"""The legacy (Keras 2.2.4) API edges: lookup, serialization, custom losses, shared optimizers.

Each test states what a Keras 2.2.4 user saw and checks keras_ref gives the same, on the
backend chosen by KERAS_BACKEND. See docs/legacy-api.md.
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import pytest
from keras import ops

import keras_ref
import keras_ref.backend as K
import keras_ref.losses as L
import keras_ref.metrics as M
import keras_ref.optimizers as O
from keras_ref import reference
from keras_ref._validation import UnknownIdentifierError


def _np(x):
    return ops.convert_to_numpy(x)


def _dense_model(units: int = 1, inputs: int = 2, **dense_kwargs) -> tuple[keras.Model, object]:
    layer = keras.layers.Dense(units, **dense_kwargs)
    source = keras.Input((inputs,))
    return keras.Model(source, layer(source)), layer


# -- 1. the losses re-exported as metrics -------------------------------------------------------
@pytest.mark.parametrize("name", M.LOSS_REEXPORTS)
def test_metrics_reexports_the_legacy_loss_functions(name):
    assert getattr(M, name) is getattr(L, name)


def test_reexported_metric_gives_per_sample_values():
    y, p = np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_allclose(_np(M.mean_squared_error(y, p)), [0.25, 0.5], rtol=0, atol=0)
    np.testing.assert_allclose(_np(M.mse(y, p)), [0.25, 0.5], rtol=0, atol=0)


# -- 2. and 5. serialize / deserialize with custom objects --------------------------------------
class _Blend:
    """A legacy loss object: a plain class with get_config and no from_config."""

    def __init__(self, fraction):
        self.fraction = fraction

    def __call__(self, y_true, y_pred):
        mse, mae = L.mean_squared_error(y_true, y_pred), L.mean_absolute_error(y_true, y_pred)
        return self.fraction * mse + (1 - self.fraction) * mae

    def get_config(self):
        return {"fraction": self.fraction}


def test_serialize_gives_a_function_name_and_a_legacy_dict():
    def hit_rate(y_true, y_pred):
        return y_pred

    assert M.serialize(hit_rate) == "hit_rate"
    assert L.serialize(L.mean_squared_error) == "mean_squared_error"
    assert L.serialize(_Blend(0.25)) == {"class_name": "_Blend", "config": {"fraction": 0.25}}
    with pytest.raises(ValueError, match="cannot serialize"):
        M.serialize(object())


def test_deserialize_returns_a_custom_name_as_is():
    marker = object()
    assert M.deserialize("hit_rate", custom_objects={"hit_rate": marker}) is marker
    assert L.deserialize("blend", custom_objects={"blend": marker}) is marker


@pytest.mark.parametrize("module", [L, M], ids=["losses", "metrics"])
def test_deserialize_builds_a_plain_custom_class_from_its_config(module):
    config = module.serialize(_Blend(0.3))
    built = module.deserialize(config, custom_objects={"_Blend": _Blend})
    assert isinstance(built, _Blend) and built.fraction == 0.3
    with keras.saving.custom_object_scope({"_Blend": _Blend}):
        scoped = module.deserialize(config)
    assert isinstance(scoped, _Blend) and scoped.fraction == 0.3


def test_saved_model_with_a_plain_custom_loss_class_loads(tmp_path):
    model, _ = _dense_model()
    keras_ref.compile(model, "sgd", _Blend(0.3))
    path = str(tmp_path / "blend.keras")
    model.save(path)
    with keras.saving.custom_object_scope({"_Blend": _Blend}):
        loaded = keras.models.load_model(path)
    assert isinstance(loaded.loss.fn, _Blend) and loaded.loss.fn.fraction == 0.3
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def test_get_reads_the_custom_object_scope():
    def doubled_mae(y_true, y_pred):
        return 2.0 * L.mean_absolute_error(y_true, y_pred)

    with keras.saving.custom_object_scope({"doubled_mae": doubled_mae}):
        loss, metric = L.get("doubled_mae"), M.get("doubled_mae")
    assert loss.fn is doubled_mae and metric.fn is doubled_mae
    y, p = np.zeros((2, 1), np.float32), np.array([[1.0], [3.0]], np.float32)
    assert float(_np(loss(y, p))) == 4.0  # mean of 2*|p - y|


# -- 3. the error of `get` for an unknown identifier --------------------------------------------
@pytest.mark.parametrize("get", [M.get, L.get, O.get], ids=["metrics", "losses", "optimizers"])
def test_get_of_a_number_is_a_value_error_and_a_type_error(get):
    for error in (ValueError, TypeError, UnknownIdentifierError):
        with pytest.raises(error, match="`identifier` must be"):
            get(5)


# -- 4. top-k accuracy: the batch mean ----------------------------------------------------------
_TOPK_P = np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.7]], np.float32)
_TOPK_Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)


@pytest.mark.parametrize(("k", "expected"), [(3, 1.0), (2, 0.5), (1, 0.0)])
def test_top_k_functions_return_the_batch_mean(k, expected):
    assert _np(M.top_k_categorical_accuracy(_TOPK_Y, _TOPK_P, k=k)).shape == ()
    assert float(_np(M.top_k_categorical_accuracy(_TOPK_Y, _TOPK_P, k=k))) == expected
    for labels in (np.array([1, 0]), np.array([[1], [0]])):
        got = M.sparse_top_k_categorical_accuracy(labels, _TOPK_P, k=k)
        assert float(_np(got)) == expected


def test_weighted_top_k_scales_the_batch_mean_as_legacy():
    # hits [1, 0, 0], weights [1, 2, 0]: legacy mean(w) * mean(hits) / mean(w != 0) = 0.5
    p = np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]], np.float32)
    y = np.eye(3, dtype=np.float32)[[0, 0, 1]]
    w = np.array([1.0, 2.0, 0.0])
    hits = reference.metrics.in_top_k(p, np.argmax(y, -1), 1).astype(np.float64)
    expected = np.mean(w) * np.mean(hits) / np.mean(w != 0)
    metric = M.TopKCategoricalAccuracy(k=1)
    metric.update_state(y, p, sample_weight=w)
    assert float(_np(metric.result())) == pytest.approx(expected, rel=1e-6)

    model = keras.Sequential([keras.Input((3,)), keras.layers.Identity()])
    keras_ref.compile(model, "sgd", "mse", weighted_metrics=[M.top_k_categorical_accuracy])
    logs = model.evaluate(p, y, sample_weight=w, batch_size=3, verbose=0, return_dict=True)
    k5 = np.mean(w) * 1.0 / np.mean(w != 0)  # k=5 >= 3 classes: every sample is a hit
    assert logs["weighted_top_k_categorical_accuracy"] == pytest.approx(k5, rel=1e-6)


# -- 6. and 7. callable objects, partials and lambdas as losses ---------------------------------
@pytest.mark.parametrize(
    "loss",
    [
        _Blend(0.3),
        functools.partial(L.mean_squared_error),
        lambda y, p: L.mean_absolute_error(y, p),
    ],
    ids=["object", "partial", "lambda"],
)
def test_callable_losses_train_through_compile(loss):
    model, _ = _dense_model()
    keras_ref.compile(model, "sgd", loss)
    x, y = np.random.default_rng(0).random((8, 2)), np.random.default_rng(1).random((8, 1))
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert L.get(loss).name in ("blend", "mean_squared_error", "lambda")


# -- 8. legacy metric functions get tensors of the output's dtype under *_on_batch -------------
def test_metric_functions_get_targets_as_tensors_on_batch():
    seen = []

    def mean_gap(y_true, y_pred):
        seen.append((ops.is_tensor(y_true), keras.backend.standardize_dtype(y_true.dtype)))
        return K.mean(K.pow(y_true - y_pred, 2))

    model, _ = _dense_model(units=2, inputs=3, kernel_initializer="zeros")
    keras_ref.compile(model, "rmsprop", "mse", metrics=[mean_gap])
    x = np.ones((4, 3))
    y = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])  # float64 targets
    logs = model.test_on_batch(x, y, return_dict=True)
    assert logs["mean_gap"] == pytest.approx(np.mean(y**2), rel=1e-6)
    model.train_on_batch(x, y)
    assert all(is_tensor and dtype == "float32" for is_tensor, dtype in seen)


# -- 9. loss_weights must be a list or a dict ---------------------------------------------------
def test_tuple_loss_weights_is_a_type_error():
    source = keras.Input((3,))
    model = keras.Model(source, [keras.layers.Dense(1)(source), keras.layers.Dense(1)(source)])
    with pytest.raises(TypeError, match="loss_weights"):
        keras_ref.compile(model, "sgd", "mse", loss_weights=(0.5, 0.5))
    keras_ref.compile(model, "sgd", "mse", loss_weights=[0.5, 0.5])


# -- 10. one optimizer instance, two models -----------------------------------------------------
def test_one_optimizer_trains_two_models_with_their_own_constraints():
    optimizer = O.Adam()
    first, _ = _dense_model(units=3, inputs=4)
    second, constrained = _dense_model(units=3, inputs=4, kernel_constraint=lambda w: 0 * w + 1)
    keras_ref.compile(first, optimizer, "mse")
    keras_ref.compile(second, optimizer, "mse")
    x, y = np.random.default_rng(2).random((8, 4)), np.random.default_rng(3).random((8, 3))
    first.train_on_batch(x, y)
    first.train_on_batch(x, y)
    second.train_on_batch(x, y)
    np.testing.assert_array_equal(constrained.get_weights()[0], np.ones((4, 3), np.float32))
    # legacy: the models keep their own moments and count their steps in one `iterations`
    assert second.optimizer is not optimizer
    assert int(_np(optimizer.iterations)) == 3
    assert int(_np(second.optimizer.iterations)) == 3
    keras_ref.compile(first, optimizer, "mse")  # recompiling a model keeps its optimizer
    assert first.optimizer is optimizer


# -- 11. symbolic tensors from keras.Input (a loss built from model tensors) --------------------
def test_losses_and_backend_functions_accept_symbolic_tensors():
    a, b = keras.Input((4,)), keras.Input((4,))
    xent = L.binary_crossentropy(a, b)
    vae_like = K.mean(xent + K.sum(K.clip(b, 0.0, 1.0), axis=-1))
    assert tuple(xent.shape) == (None,) and tuple(vae_like.shape) == ()
    cce = L.categorical_crossentropy(a, b)
    model = keras.Model([a, b], [xent, vae_like, cce])
    rng = np.random.default_rng(4)
    y = rng.random((5, 4)).astype(np.float32)
    p = rng.uniform(0.05, 0.95, (5, 4)).astype(np.float32)
    got_xent, got_vae, got_cce = (_np(t) for t in model([y, p]))  # eager: op by op, as below
    np.testing.assert_array_equal(got_xent, _np(L.binary_crossentropy(y, p)))
    np.testing.assert_array_equal(got_cce, _np(L.categorical_crossentropy(y, p)))
    want = _np(K.mean(L.binary_crossentropy(y, p) + K.sum(K.clip(p, 0.0, 1.0), axis=-1)))
    np.testing.assert_array_equal(got_vae, want)
