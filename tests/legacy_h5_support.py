"""Helpers of the `.h5` loader tests: hand-built Keras 2.2.x files, legacy runs replayed with
keras_ref and the NumPy reference, and genuine tf.keras 2.x files."""

from __future__ import annotations

import importlib.util
import json
import warnings

import h5py
import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.reference.optimizers import simulate

# -- hand-built Keras 2.2.x files -----------------------------------------------------------------
UNIFORM = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None},
}
ZEROS = {"class_name": "Zeros", "config": {}}


def dense(name: str, units: int, activation: str = "linear", dtype: str = "float32", **extra):
    """A Dense layer config as Keras 2.2.4 writes it."""
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            **extra,
            "dtype": dtype,
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": UNIFORM,
            "bias_initializer": ZEROS,
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        },
    }


def dropout(name: str):
    return {
        "class_name": "Dropout",
        "config": {"name": name, "trainable": True, "rate": 0.5, "noise_shape": None, "seed": None},
    }


def sequential_config(dtype: str = "float32") -> dict:
    """Dense(3, relu) on 4 inputs -> Dropout -> Dense(2): the Keras 2.2.4 ``model_config``."""
    return {
        "class_name": "Sequential",
        "config": {
            "name": "sequential_1",
            "layers": [
                dense("dense_1", 3, "relu", dtype, batch_input_shape=[None, 4]),
                dropout("dropout_1"),
                dense("dense_2", 2, dtype=dtype),
            ],
        },
    }


def write_keras2_h5(
    path,
    model_config: dict,
    layers: list[tuple[str, list[tuple[str, np.ndarray]]]],
    training_config: dict | None = None,
    optimizer_weights: list[tuple[str, np.ndarray]] | None = None,
    keras_version: str = "2.2.4",
) -> None:
    """Write `path` in the Keras 2.2.x ``save_model`` layout, with h5py only."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = keras_version.encode("utf8")
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [name.encode("utf8") for name, _ in layers]
        group.attrs["backend"] = b"tensorflow"
        group.attrs["keras_version"] = keras_version.encode("utf8")
        for name, weights in layers:
            layer_group = group.create_group(name)
            names = [w.encode("utf8") for w, _ in weights]
            layer_group.attrs["weight_names"] = names if names else np.asarray([])
            for weight_name, value in weights:
                layer_group.create_dataset(weight_name, data=value)
        if optimizer_weights is not None:
            opt_group = f.create_group("optimizer_weights")
            opt_group.attrs["weight_names"] = [n.encode("utf8") for n, _ in optimizer_weights]
            for name, value in optimizer_weights:
                opt_group.create_dataset(name, data=value)


def sequential_weights(rng, dtype) -> list[np.ndarray]:
    shapes = [(4, 3), (3,), (3, 2), (2,)]
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def sequential_layers(values: list[np.ndarray]):
    return [
        ("dense_1", [("dense_1/kernel:0", values[0]), ("dense_1/bias:0", values[1])]),
        ("dropout_1", []),
        ("dense_2", [("dense_2/kernel:0", values[2]), ("dense_2/bias:0", values[3])]),
    ]


# Per optimizer: the Keras 2.2.4 config dict as saved (explicit values, float32-rounded lr as
# Keras 2 wrote it) and the hyper-parameters for the NumPy reference.
CONFIGS = {
    "sgd": {"lr": 0.05, "momentum": 0.9, "decay": 0.01, "nesterov": True, "clipnorm": 1.0},
    "rmsprop": {"lr": 0.01, "rho": 0.9, "epsilon": 1e-07, "decay": 0.0, "clipvalue": 0.5},
    "adagrad": {"lr": 0.05, "epsilon": 1e-07, "decay": 0.0},
    "adadelta": {"lr": 1.0, "rho": 0.95, "epsilon": 1e-07, "decay": 0.0},
    "adam": {
        "lr": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "decay": 0.01,
        "amsgrad": False,
    },
    "adamax": {"lr": 0.02, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "decay": 0.001},
    "nadam": {
        "lr": 0.02, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "schedule_decay": 0.004,
    },
}  # fmt: skip
CLASS_NAMES = {name: cls.__name__ for name, cls in keras_ref.optimizers.ALL_OPTIMIZERS.items()}


def run_legacy_steps(name: str, config: dict, initial, grads, dtype: str):
    """A keras_ref optimizer after ``len(grads)`` steps from `initial`: (variables, optimizer)."""
    variables = [keras.Variable(v, dtype=dtype) for v in initial]
    optimizer = keras_ref.optimizers.get({"class_name": CLASS_NAMES[name], "config": config})
    for step in grads:
        optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in step], variables))
    return variables, optimizer


def keras2_optimizer_weights(name: str, optimizer, variables, amsgrad: bool = False):
    """The optimizer's state in the Keras 2.2.4 ``optimizer_weights`` order and naming."""
    slots = {
        "sgd": ["moment"],
        "rmsprop": ["accumulator"],
        "adagrad": ["accumulator"],
        "adadelta": ["accumulator", "delta_accumulator"],
        "adam": ["m", "v", "vhat"],
        "adamax": ["m", "u"],
        "nadam": ["m", "v"],
    }[name]
    values = []
    if name in ("sgd", "adam", "adamax", "nadam"):
        values.append(np.asarray(keras.ops.convert_to_numpy(optimizer.iterations), "int64"))
    for slot in slots:
        for variable in variables:
            if slot == "vhat" and not amsgrad:
                values.append(np.zeros((1,), "float32"))  # Keras 2 placeholder
                continue
            slot_variable = getattr(optimizer, f"_{slot}")[optimizer._get_variable_index(variable)]
            values.append(keras.ops.convert_to_numpy(slot_variable))
    prefix = CLASS_NAMES[name]
    names = [f"{prefix}/iterations:0"] if name in ("sgd", "adam", "adamax", "nadam") else []
    names += [f"training/{prefix}/Variable_{i}:0" for i in range(len(values) - len(names))]
    return list(zip(names, values))


def training_config(name: str, config: dict, loss="mean_squared_error", **extra) -> dict:
    return {
        "optimizer_config": {"class_name": CLASS_NAMES[name], "config": config},
        "loss": loss,
        "metrics": extra.pop("metrics", []),
        "sample_weight_mode": extra.pop("sample_weight_mode", None),
        "loss_weights": extra.pop("loss_weights", None),
        **extra,
    }


def continue_and_compare(model, name, config, initial, grads, k, dtype):
    """Apply steps k.. of `grads` to the loaded model; compare with the NumPy legacy formula."""
    variables = model.trainable_variables
    for step in grads[k:]:
        tensors = [keras.ops.convert_to_tensor(g) for g in step]
        model.optimizer.apply_gradients(zip(tensors, variables))
    hyper = {key: value for key, value in config.items() if key not in ("clipnorm", "clipvalue")}
    expected = simulate(
        name,
        initial,
        grads,
        dtype=np.float64 if dtype == "float64" else np.float32,
        clipnorm=config.get("clipnorm"),
        clipvalue=config.get("clipvalue"),
        **hyper,
    )[-1]
    worst = max(
        float(np.max(np.abs(keras.ops.convert_to_numpy(v) - e) / (np.abs(e) + 1e-300)))
        for v, e in zip(variables, expected)
    )
    return worst


# -- genuine tf.keras 2.x files -------------------------------------------------------------------
HAVE_TF_KERAS = importlib.util.find_spec("tf_keras") is not None
needs_tf_keras = pytest.mark.skipif(
    not HAVE_TF_KERAS,
    reason="tf_keras (the Keras 2 package for TensorFlow 2.16+) is not installed; "
    "`pip install tf_keras` to check genuine tf.keras 2.x files",
)


def tf_keras_run(path, optimizer_name: str, steps: int, **optimizer_kwargs):
    """Train a tf.keras 2.x Sequential model for `steps` steps, save it as h5; return it."""
    import tf_keras

    tf_keras.utils.set_random_seed(0)
    model = tf_keras.Sequential(
        [
            tf_keras.layers.Dense(3, activation="tanh", input_shape=(4,), name="dense_a"),
            tf_keras.layers.Dropout(0.0, name="drop"),
            tf_keras.layers.Dense(1, name="dense_b"),
        ]
    )
    optimizer = getattr(tf_keras.optimizers.legacy, optimizer_name)(**optimizer_kwargs)
    model.compile(optimizer, "binary_crossentropy", metrics=["acc", "mae"])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 4)).astype("float32"), (rng.random((8, 1)) > 0.5) * 1.0
    model.fit(x, y, batch_size=8, epochs=steps, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "HDF5 is legacy"
        model.save(path)
    return model


def one_more_step_ulps(source, model, variables, seed: int) -> float:
    """One step with the same explicit gradients on the tf.keras `source` and on the loaded
    `model` (its `variables`); the largest error in ulps of the step's operands (the weight
    before it and after it)."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    before = source.get_weights()
    grads = [rng.standard_normal(w.shape).astype("float32") for w in before]
    source.optimizer.apply_gradients(zip([tf.constant(g) for g in grads], source.weights))
    model.optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in grads], variables))
    worst = 0.0
    for variable, value, old in zip(variables, source.get_weights(), before):
        scale = np.maximum(np.abs(old), np.abs(value))
        error = np.abs(keras.ops.convert_to_numpy(variable) - value)
        worst = max(worst, float(np.max(error / np.spacing(scale))))
    return worst
