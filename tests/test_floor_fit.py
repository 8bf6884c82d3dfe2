"""Every optimizer, loss and metric through `keras_ref.compile` and `fit`, against NumPy.

Small and fast on purpose: `.ci/run` runs it on the oldest supported Keras (`KERAS_FLOOR`, jax
only, no TensorFlow), as well as with the full suite on the newest. A float64 linear model is
trained for 4 steps; the NumPy oracle computes each step's gradient by hand (the model is
``x @ W + b``), runs the legacy update (`keras_ref.reference.optimizers.simulate`), and gives
the epoch losses and metrics (`keras_ref.reference.losses` / `.metrics`).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from support import BACKEND, requires_float64

import keras_ref
from keras_ref.reference import losses as R
from keras_ref.reference import metrics as RM
from keras_ref.reference.optimizers import simulate

pytestmark = [
    requires_float64,
    pytest.mark.skipif(
        BACKEND == "torch",
        reason="Keras's torch `matmul` returns float32 for float64 operands, so the float64 Dense "
        "model itself rounds to float32 (torch is covered by the parity and training tests)",
    ),
]

N, FEATURES, UNITS, BATCH, EPOCHS = 8, 3, 4, 4, 2
#: Legacy hyper-parameters, off their defaults where that exercises more of the rule.
OPTIMIZERS = {
    "sgd": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 0.01},
    "rmsprop": {"lr": 0.01, "decay": 0.001},
    "adagrad": {"lr": 0.05},
    "adadelta": {"decay": 0.01},
    "adam": {"lr": 0.01, "amsgrad": True, "clipnorm": 0.5},
    "adamax": {"lr": 0.01, "clipvalue": 0.05},
    "nadam": {"lr": 0.01},
}
CLASSES = {cls.__name__.lower(): cls for cls in keras_ref.optimizers.ALL_OPTIMIZERS.values()}


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


#: loss name -> (output activation, d(per-sample score)/d(pre-activation), reference score).
#: Scores are means over the last axis (crossentropy: a sum); the batch loss is their mean.
LOSSES = {
    "mean_squared_error": (
        "linear",
        lambda z, y: 2 * (z - y) / UNITS,
        R.mean_squared_error,
    ),
    "logcosh": ("linear", lambda z, y: np.tanh(z - y) / UNITS, R.logcosh),
    # softmax then crossentropy: d/dz = sum(y) * softmax(z) - y (probabilities stay unclipped)
    "categorical_crossentropy": (
        "softmax",
        lambda z, y: y.sum(-1, keepdims=True) * softmax(z) - y,
        R.categorical_crossentropy,
    ),
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(17)
    x = rng.normal(size=(N, FEATURES))
    y_regression = rng.normal(size=(N, UNITS))
    y_onehot = np.eye(UNITS)[rng.integers(0, UNITS, N)]
    kernel = rng.normal(size=(FEATURES, UNITS)) * 0.5
    bias = rng.normal(size=(UNITS,)) * 0.1
    return x, y_regression, y_onehot, [kernel, bias]


def make_model(activation: str, initial) -> keras.Model:
    keras.config.set_floatx("float64")  # losses and metrics too (conftest restores float32)
    keras.config.set_dtype_policy("float64")
    inputs = keras.Input((FEATURES,))
    outputs = keras.layers.Dense(UNITS, activation=activation)(inputs)
    model = keras.Model(inputs, outputs)
    model.set_weights(initial)
    return model


def reference_fit(name: str, loss: str, x, y, initial):
    """NumPy: the parameters after each step and the epoch losses of legacy `fit`."""
    activation, score_grad, score = LOSSES[loss]
    hyper = dict(OPTIMIZERS[name])
    clip = {"clipnorm": hyper.pop("clipnorm", None), "clipvalue": hyper.pop("clipvalue", None)}
    params, grads, batch_losses = [np.array(p) for p in initial], [], []
    for _ in range(EPOCHS):
        for start in range(0, N, BATCH):
            xb, yb = x[start : start + BATCH], y[start : start + BATCH]
            z = xb @ params[0] + params[1]
            out = softmax(z) if activation == "softmax" else z
            batch_losses.append(np.mean(score(yb, out)))
            dz = score_grad(z, yb) / len(xb)  # the batch loss is the mean of the scores
            grads.append([xb.T @ dz, dz.sum(0)])
            params = simulate(name, initial, grads, dtype=np.float64, **clip, **hyper)[-1]
    epoch_losses = np.mean(np.reshape(batch_losses, (EPOCHS, -1)), axis=1)
    return params, epoch_losses


def assert_close_to_scale(actual, expected, what: str) -> None:
    """Equal up to 1e-12 of the array's scale (float64 sums in another order)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    scale = max(float(np.max(np.abs(expected))), 1.0)
    worst = float(np.max(np.abs(actual - expected)))
    assert worst <= 1e-12 * scale, f"{what}: off by {worst:.3g} (scale {scale:.3g})"


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_fit_matches_the_numpy_legacy_run(name, loss, data):
    x, y_regression, y_onehot, initial = data
    y = y_onehot if loss == "categorical_crossentropy" else y_regression
    model = make_model(LOSSES[loss][0], initial)
    keras_ref.compile(model, CLASSES[name](**OPTIMIZERS[name]), loss)
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    params, epoch_losses = reference_fit(name, loss, x, y, initial)
    for actual, expected, what in zip(model.get_weights(), params, ("kernel", "bias")):
        assert_close_to_scale(actual, expected, f"{name}/{loss} {what}")
    assert_close_to_scale(history.history["loss"], epoch_losses, f"{name}/{loss} epoch loss")


def test_every_metric_evaluates_to_the_legacy_epoch_value(data):
    """All legacy metrics by name (accuracies and losses), as `evaluate` reports them."""
    x, _, y_onehot, initial = data
    model = make_model("softmax", initial)
    names = [*RM.METRICS, *R.LOSSES]
    sparse = {n for n in names if n.startswith("sparse_")}
    dense_names = [n for n in names if n not in sparse]
    keras_ref.compile(model, "sgd", "categorical_crossentropy", metrics=["acc", *dense_names])
    result = model.evaluate(x, y_onehot, batch_size=BATCH, verbose=0, return_dict=True)
    predictions = softmax(x @ initial[0] + initial[1])
    expected = {n: RM.METRICS.get(n) or R.LOSSES[n] for n in dense_names}
    expected["acc"] = RM.categorical_accuracy
    for metric, fn in expected.items():
        value = RM.legacy_epoch_value(fn, y_onehot, predictions, BATCH)
        assert_close_to_scale(result[metric], value, f"metric {metric}")
    # the sparse ones, on integer labels
    labels = np.argmax(y_onehot, -1)[:, None]
    model = make_model("softmax", initial)
    keras_ref.compile(model, "sgd", "sparse_categorical_crossentropy", metrics=["acc", *sparse])
    result = model.evaluate(x, labels, batch_size=BATCH, verbose=0, return_dict=True)
    for metric in ["acc", *sparse]:
        fn = RM.sparse_categorical_accuracy if metric == "acc" else RM.METRICS.get(metric)
        fn = fn or R.LOSSES[metric]
        value = RM.legacy_epoch_value(fn, labels, predictions, BATCH)
        assert_close_to_scale(result[metric], value, f"metric {metric}")
