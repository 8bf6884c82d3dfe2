"""keras_ref.tf2 losses and metrics against the NumPy reference and genuine tf_keras.

Per-sample values are compared with `scaled_error`: ``|a - e| / max(|e|, scale)``, where `scale`
is the size of the terms the formula adds (no cancellation in these losses unless stated), as a
multiple of the dtype's machine epsilon.
"""

from __future__ import annotations

import importlib.util

import keras
import numpy as np
import pytest
from keras import ops

from keras_ref.audit.errors import scaled_error
from keras_ref.audit.tf2_rows import loss_inputs, term_scale
from keras_ref.reference import tf2_losses as reference
from keras_ref.tf2 import losses as L
from keras_ref.tf2 import metrics as M
from tests.support import requires_float64

HAVE_TF_KERAS = importlib.util.find_spec("tf_keras") is not None
needs_tf_keras = pytest.mark.skipif(
    not HAVE_TF_KERAS, reason="genuine tf.keras 2.x needs `pip install tf_keras`"
)
DTYPES = ["float32", pytest.param("float64", marks=requires_float64)]
EPS = 1e-7
#: Worst scaled error allowed, in machine epsilons of the dtype: a few roundings per element
#: (clip, add, log, multiply) plus the mean over at most 5 values.
TOLERANCE_EPS = 8


def _tolerance(dtype: str) -> float:
    return TOLERANCE_EPS * float(np.finfo(dtype).eps)


def _inputs(name: str, dtype: str):
    return loss_inputs(name, "probabilities", dtype)


def _logits(name: str, dtype: str):
    return loss_inputs(name, "logits", dtype)


_scale = term_scale


def _numpy(x):
    return np.asarray(ops.convert_to_numpy(x))


# -- against the NumPy reference, every backend ---------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("name", sorted(reference.LOSSES))
def test_tf2_loss_matches_numpy_reference(name, from_logits, dtype):
    y, p = _logits(name, dtype) if from_logits else _inputs(name, dtype)
    ours = _numpy(getattr(L, name)(y, p, from_logits=from_logits))
    expected = reference.LOSSES[name](y, p, from_logits=from_logits, dtype=np.dtype(dtype).type)
    assert ours.dtype == np.dtype(dtype)
    error, _, same_nans = scaled_error(ours, expected, _scale(name, y, p, from_logits))
    assert same_nans
    assert error <= _tolerance(dtype), f"{name}: {error / np.finfo(dtype).eps:.1f} eps"


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_crossentropy_is_capped_at_minus_log_two_eps(dtype):
    """A confidently wrong probability costs about -log(2 eps) = 15.425 (stock: -log(eps) = 16.118).

    In float32 ``1 - clip(1)`` is ``fl32(1) - fl32(1 - 1e-7) = 1.19e-7``, not 1e-7, so p = 1
    with y = 0 costs 15.333 there; p = 0 with y = 1 costs 15.425.
    """
    y = np.array([[1.0], [0.0]], dtype)
    p = np.array([[0.0], [1.0]], dtype)
    ours = _numpy(L.binary_crossentropy(y, p))
    expected = reference.binary_crossentropy(y, p, dtype=np.dtype(dtype).type)
    np.testing.assert_allclose(ours, expected, rtol=4 * np.finfo(dtype).eps)
    np.testing.assert_allclose(ours[0], reference.LOSS_CAP, rtol=4 * np.finfo(dtype).eps)
    if dtype == "float32":  # (in float64 1 - (1 - eps) is eps to 1.7e-11 relative)
        assert abs(float(ours[1]) - 15.333239) < 1e-5
    assert abs(float(reference.LOSS_CAP) - 15.424948) < 1e-6
    stock = _numpy(keras.losses.binary_crossentropy(y, p))
    # the known delta: stock is -log(q), tf.keras -log(q + eps), q = the clipped distance to y
    t = np.dtype(dtype).type
    q = np.array([t(EPS), t(1) - (t(1) - t(EPS))], np.float64)
    np.testing.assert_allclose(stock - ours, np.log1p(EPS / q), rtol=1e-5)


# -- logits shortcut, direct call ---------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(reference.LOSSES))
def test_attached_logits_are_used_like_tf_keras(name):
    """An output of keras.activations.softmax/sigmoid carries its logits on TF and torch."""
    if keras.backend.backend() == "jax":
        pytest.skip("jax arrays take no attributes: the shortcut there goes through tf2.compile")
    y, z = _logits(name, "float32")
    activation = reference.SHORTCUT_ACTIVATIONS[name]
    tensor = ops.convert_to_tensor(z)
    output = getattr(keras.activations, activation)(tensor)
    if getattr(output, "_keras_logits", None) is None:
        pytest.skip("this tensor type does not carry attributes in eager mode")
    ours = _numpy(getattr(L, name)(y, output))
    expected = reference.LOSSES[name](y, z, from_logits=True, dtype=np.float32)
    error, _, _ = scaled_error(ours, expected, _scale(name, y, z, True))
    assert error <= _tolerance("float32")
    # the saturated rows show it: the probability form is capped, the logits form is not
    assert ours[0 if name == "binary_crossentropy" else 2] > 16.2 or name != "binary_crossentropy"


# -- against genuine tf_keras ---------------------------------------------------------------------
@needs_tf_keras
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("name", sorted(reference.LOSSES))
def test_tf2_loss_matches_genuine_tf_keras(name, from_logits, dtype):
    import tf_keras

    if dtype == "float64" and keras.backend.backend() == "jax":
        requires_float64.mark.args[0] and pytest.skip(requires_float64.mark.kwargs["reason"])
    y, p = _logits(name, dtype) if from_logits else _inputs(name, dtype)
    genuine = getattr(tf_keras.losses, name)(y, p, from_logits=from_logits).numpy()
    ours = _numpy(getattr(L, name)(y, p, from_logits=from_logits))
    error, _, same_nans = scaled_error(ours, genuine, _scale(name, y, p, from_logits))
    assert same_nans
    assert error <= _tolerance(dtype), f"{name}: {error / np.finfo(dtype).eps:.1f} eps"
    if keras.backend.backend() == "tensorflow" and name == "binary_crossentropy":
        np.testing.assert_array_equal(ours, genuine)  # the same TF ops in the same order


@needs_tf_keras
@pytest.mark.parametrize("name", sorted(reference.LOSSES))
def test_shortcut_matches_tf_keras_graph_mode(name):
    """tf.keras in graph mode reads the Softmax/Sigmoid op's input; keras_ref gives that value."""
    import tensorflow as tf
    import tf_keras

    y, z = _logits(name, "float32")
    activation = reference.SHORTCUT_ACTIVATIONS[name]
    tf_activation = tf.nn.sigmoid if activation == "sigmoid" else tf.nn.softmax

    @tf.function
    def genuine(logits):
        return getattr(tf_keras.losses, name)(y, tf_activation(logits))

    expected = genuine(tf.constant(z)).numpy()
    np.testing.assert_allclose(
        expected, reference.LOSSES[name](y, z, from_logits=True), rtol=1e-5, atol=1e-5
    )
    if keras.backend.backend() == "tensorflow":

        @tf.function
        def ours(logits):
            return getattr(L, name)(y, tf_activation(logits))

        got = ours(tf.constant(z)).numpy()
        error, _, _ = scaled_error(got, expected, _scale(name, y, z, True))
        assert error <= _tolerance("float32")


# -- reduction ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_loss_class_reduces_sum_over_batch_size(dtype):
    """``sum(L w) / N``: a zero weight still counts in N (Keras 2.2.4 divided by count(w != 0))."""
    y, p = _inputs("binary_crossentropy", dtype)
    weights = np.linspace(0.0, 2.0, len(y)).astype(dtype)
    per_sample = reference.binary_crossentropy(y, p, dtype=np.dtype(dtype).type)
    expected = reference.sum_over_batch_size(per_sample, weights, dtype=np.dtype(dtype).type)
    got = float(_numpy(L.BinaryCrossentropy()(y, p, sample_weight=weights)))
    assert abs(got - expected) <= _tolerance(dtype) * abs(expected)


@needs_tf_keras
@pytest.mark.parametrize("name", sorted(reference.LOSSES))
def test_loss_class_matches_tf_keras_class(name):
    import tf_keras

    y, p = _inputs(name, "float32")
    weights = np.linspace(0.0, 2.0, len(y)).astype("float32")
    class_name = "".join(part.capitalize() for part in name.split("_"))
    genuine = getattr(tf_keras.losses, class_name)()(y, p, sample_weight=weights).numpy()
    ours = float(_numpy(getattr(L, class_name)()(y, p, sample_weight=weights)))
    assert abs(ours - genuine) <= _tolerance("float32") * abs(genuine)


# -- metrics ------------------------------------------------------------------------------------
@needs_tf_keras
@pytest.mark.parametrize(
    "name", ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"]
)
def test_stock_accuracies_equal_tf_keras(name):
    """tf.keras 2.x accuracies are stock Keras 3's: identical epoch values, weighted too."""
    import tf_keras

    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(-0.2, 1.2, size=(9, 4)), 1).astype("float32")
    p[0, 0] = 0.5
    if name == "binary_accuracy":
        y = (rng.uniform(size=p.shape) > 0.5).astype("float32")
    elif name == "categorical_accuracy":
        y = np.eye(4)[rng.integers(0, 4, 9)].astype("float32")
    else:
        y = rng.integers(0, 4, size=(9, 1))
    weights = np.linspace(0.0, 1.0, 9).astype("float32")
    class_name = "".join(part.capitalize() for part in name.split("_"))
    genuine, stock = getattr(tf_keras.metrics, class_name)(), getattr(keras.metrics, class_name)()
    for start in (0, 4, 8):
        part = slice(start, start + 4)
        genuine.update_state(y[part], p[part], sample_weight=weights[part])
        stock.update_state(y[part], p[part], sample_weight=weights[part])
    assert float(_numpy(stock.result())) == pytest.approx(float(genuine.result()), abs=1e-7)
    expected_binary = reference.binary_accuracy(y, p) if name == "binary_accuracy" else None
    if expected_binary is not None:
        values = _numpy(tf_keras.metrics.binary_accuracy(y, p))
        np.testing.assert_array_equal(values, expected_binary.astype("float32"))


@pytest.mark.parametrize(
    ("true_shape", "pred_shape", "kind"),
    [
        ((8, 1), (8, 1), "binary"),
        ((8,), (8, 1), "binary"),
        ((8, 1), (8, 4), "sparse"),
        ((8,), (8, 4), "sparse"),
        ((8, 4), (8, 4), "categorical"),
        ((8, 5, 4), (8, 5, 4), "categorical"),
        ((8, 5), (8, 5, 4), "sparse"),
    ],
)
def test_accuracy_and_crossentropy_choice_by_shape(true_shape, pred_shape, kind):
    assert M.shape_kind(true_shape, pred_shape) == kind
    assert reference.shape_kind(true_shape, pred_shape) == kind


@pytest.mark.parametrize("dtype", DTYPES)
def test_crossentropy_metric_is_the_tf2_loss(dtype):
    y, p = _inputs("binary_crossentropy", dtype)
    y, p = y[:, :1], p[:, :1]  # last dimension 1: 'ce' is the binary crossentropy
    metric = M.get("ce")
    metric.update_state(y, p)
    expected = np.mean(reference.binary_crossentropy(y, p, dtype=np.dtype(dtype).type))
    assert metric.name == "ce"
    # the metric accumulates in its own dtype, floatx (float32), as tf.keras metrics did
    assert abs(float(_numpy(metric.result())) - expected) <= _tolerance(metric.dtype) * expected


# -- lookup and errors --------------------------------------------------------------------------
def test_get_resolves_tf_keras_names():
    assert type(L.get("binary_crossentropy")) is L.BinaryCrossentropy
    assert type(L.get("bce")) is L.BinaryCrossentropy
    assert type(L.get("SparseCategoricalCrossentropy")) is L.SparseCategoricalCrossentropy
    assert type(L.get(L.categorical_crossentropy)) is L.CategoricalCrossentropy
    assert L.get("logcosh") is keras.losses.log_cosh  # a name stock Keras 3 dropped
    assert L.get("mse") is keras.losses.mean_squared_error
    with pytest.raises(ValueError, match="binary_crossentropy"):
        L.get("binary_crossentropyy")
    with pytest.raises(TypeError, match="identifier"):
        L.get(3)
    assert M.get("acc") == "acc"  # stock Keras 3 resolves 'acc' by shape as tf.keras 2.2+
    assert M.get("logcosh").name == "logcosh"
    with pytest.raises(ValueError, match=r"Unknown tf\.keras 2\.x metric"):
        M.get("accuracyy")


def test_loss_config_round_trip():
    loss = L.BinaryCrossentropy(from_logits=True, name="bce_logits")
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(again) is L.BinaryCrossentropy
    assert again.get_config() == loss.get_config()
    with pytest.raises(TypeError, match="from_logits"):
        L.BinaryCrossentropy(from_logits=1)
