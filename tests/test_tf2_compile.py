"""`keras_ref.tf2.compile`: a tiny model fitted on each backend equals genuine tf_keras's run.

Both start from the same weights, some of which saturate the output activation, so the logits
shortcut decides the loss (without it a sample costs at most about 15.4). Plain SGD (stock Keras 3
vs tf_keras legacy) is the same update, so the weights and the epoch values must agree to float32
rounding of the gradient computations.
"""

from __future__ import annotations

import importlib.util

import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.reference import tf2_losses as reference

HAVE_TF_KERAS = importlib.util.find_spec("tf_keras") is not None
needs_tf_keras = pytest.mark.skipif(
    not HAVE_TF_KERAS, reason="genuine tf.keras 2.x needs `pip install tf_keras`"
)
BACKEND = keras.backend.backend()
#: Relative agreement of epoch values and weights after 3 epochs of 3 batches, in float32:
#: the two frameworks differentiate and sum in different orders (a few ulps per step).
RTOL = 2e-5

CASES = {
    # name: (units, activation, loss, metrics, labels)
    "binary": (1, "sigmoid", "binary_crossentropy", ["accuracy", "binary_crossentropy"], "bits"),
    "sparse": (4, "softmax", "sparse_categorical_crossentropy", ["acc", "crossentropy"], "ints"),
    "categorical": (4, "softmax", "categorical_crossentropy", ["accuracy", "ce"], "onehot"),
}


def _data(units: int, labels: str):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(12, 3)).astype("float32")
    kernel = rng.normal(scale=12.0, size=(3, units)).astype("float32")  # saturates
    bias = np.zeros(units, "float32")
    if labels == "bits":
        y = (rng.uniform(size=(12, 1)) > 0.5).astype("float32")
    elif labels == "ints":
        y = rng.integers(0, units, size=(12, 1))
    else:
        y = np.eye(units, dtype="float32")[rng.integers(0, units, size=12)]
    weights = np.linspace(0.0, 1.5, 12).astype("float32")  # one zero weight
    return x, y, weights, [kernel, bias]


def _fit(model, x, y, weights):
    history = model.fit(
        x, y, sample_weight=weights, batch_size=4, epochs=3, shuffle=False, verbose=0
    )
    return history.history, [np.asarray(w) for w in model.get_weights()]


def _genuine(case: str):
    import tf_keras

    units, activation, loss, metrics, labels = CASES[case]
    x, y, weights, initial = _data(units, labels)
    model = tf_keras.Sequential([tf_keras.layers.Dense(units, activation, input_shape=(3,))])
    model.set_weights(initial)
    model.compile(tf_keras.optimizers.legacy.SGD(0.05), loss, metrics=list(metrics))
    return _fit(model, x, y, weights)


def _ours(case: str):
    units, activation, loss, metrics, labels = CASES[case]
    x, y, weights, initial = _data(units, labels)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(units, activation)(inputs))
    model.set_weights(initial)
    keras_ref.tf2.compile(model, keras.optimizers.SGD(0.05), loss, metrics=list(metrics))
    return _fit(model, x, y, weights)


@needs_tf_keras
@pytest.mark.parametrize("case", sorted(CASES))
def test_fit_matches_genuine_tf_keras(case):
    genuine_history, genuine_weights = _genuine(case)
    history, weights = _ours(case)
    _, _, _, metrics, _ = CASES[case]
    np.testing.assert_allclose(history["loss"], genuine_history["loss"], rtol=RTOL)
    for ours, genuine in zip(weights, genuine_weights):
        np.testing.assert_allclose(ours, genuine, rtol=RTOL, atol=RTOL * np.max(np.abs(genuine)))
    for name in metrics:
        np.testing.assert_allclose(history[name], genuine_history[name], rtol=RTOL)


def test_first_epoch_loss_is_the_reference_on_every_backend():
    """Epoch 1, batch values by the NumPy reference (logits shortcut, SUM_OVER_BATCH_SIZE)."""
    units, activation, loss, _, labels = CASES["binary"]
    x, y, weights, (kernel, bias) = _data(units, labels)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(units, activation)(inputs))
    model.set_weights([kernel, bias])
    keras_ref.tf2.compile(model, keras.optimizers.SGD(0.0), loss)
    history, _ = _fit(model, x, y, weights)
    z = x.astype(np.float64) @ kernel + bias
    per_sample = reference.binary_crossentropy(y, z, from_logits=True)
    batches = [
        reference.sum_over_batch_size(per_sample[i : i + 4], weights[i : i + 4])
        for i in range(0, 12, 4)
    ]
    np.testing.assert_allclose(history["loss"][0], np.mean(batches), rtol=RTOL)
    probabilities = reference.binary_crossentropy(y, reference.sigmoid(z))
    assert np.max(per_sample) > np.max(probabilities) + 1  # the shortcut is what matters here


def test_compile_errors_name_the_argument():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    with pytest.raises(ValueError, match="`loss`"):
        keras_ref.tf2.compile(model, keras.optimizers.SGD(), "binary_crossentropyy")
    with pytest.raises(TypeError, match="sample_weight_mode"):
        keras_ref.tf2.compile(model, keras.optimizers.SGD(), "mse", sample_weight_mode="temporal")
    with pytest.raises(TypeError, match="`model`"):
        keras_ref.tf2.compile("model", keras.optimizers.SGD(), "mse")
