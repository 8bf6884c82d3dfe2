"""The `.h5` loader picks the legacy family from the file: multi-backend Keras 2.0-2.3 -> the Keras
2.2.4 optimizers (with Keras 2.3's state layout), tf.keras 2.x -> `keras_ref.tf2`, Keras 3 -> Keras
3's loader."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import keras_ref.tf2.optimizers as tf2
from keras_ref.legacy_h5 import detect_family, load_model
from tests import legacy_h5_support as h5
from tests.support import requires_float64


@pytest.mark.parametrize(
    "version, backend, family",
    [
        ("2.0.5", "tensorflow", "keras2"),
        ("2.2.2", "tensorflow", "keras2"),
        ("2.2.4", "theano", "keras2"),
        ("2.3.1", "tensorflow", "keras2"),
        ("2.2.4-tf", "tensorflow", "tf2"),
        ("2.1.6-tf", None, "tf2"),
        ("2.4.0", "tensorflow", "tf2"),
        ("2.13.1", "tensorflow", "tf2"),
        ("2.21.0", "tensorflow", "tf2"),
        ("3.8.0", "tensorflow", "keras3"),
        ("3.15.0", "jax", "keras3"),
        ("1.2.2", "theano", "keras1"),
        (None, None, "keras1"),
    ],
)
def test_family_from_keras_version_and_backend(version, backend, family):
    assert detect_family(version, backend, path="m.h5") == family


def test_contradictory_or_unreadable_versions_name_the_file():
    with pytest.raises(ValueError, match=r"m\.h5: keras_version '2\.2\.4-tf' is tf\.keras.*theano"):
        detect_family("2.2.4-tf", "theano", path="m.h5")
    with pytest.raises(ValueError, match=r"m\.h5: keras_version 'tf' is not a version"):
        detect_family("tf", "tensorflow", path="m.h5")


def keras23_optimizer_weights(name: str, optimizer, variables):
    """The Keras 2.3.x layout: as 2.2.x, with `iterations` first everywhere, Nadam's m_schedule."""
    weights = h5.keras2_optimizer_weights(name, optimizer, variables)
    steps = np.asarray(keras.ops.convert_to_numpy(optimizer.iterations), "int64")
    if name in ("rmsprop", "adagrad", "adadelta"):
        weights.insert(0, (f"{type(optimizer).__name__}/iterations:0", steps))
    if name == "nadam":
        schedule = keras.ops.convert_to_numpy(optimizer._m_schedule)
        weights.insert(1, ("Nadam/m_schedule:0", np.asarray(schedule)))
    return weights


@requires_float64
@pytest.mark.parametrize("name", ["rmsprop", "adagrad", "adadelta", "nadam", "adam"])
def test_keras_2_3_file_continues_its_run_with_the_keras_2_2_4_rules(tmp_path, name):
    """Keras 2.3.1's optimizers compute the 2.2.4 updates; its file also saves the step count."""
    rng = np.random.default_rng(11)
    initial = h5.sequential_weights(rng, "float64")
    grads = [[rng.standard_normal(w.shape) * 0.3 for w in initial] for _ in range(6)]
    config = h5.CONFIGS[name]
    variables, optimizer = h5.run_legacy_steps(name, config, initial, grads[:4], "float64")
    saved = [keras.ops.convert_to_numpy(v) for v in variables]
    saved_config = {("learning_rate" if k == "lr" else k): v for k, v in config.items()}
    path = tmp_path / f"{name}_2_3.h5"
    h5.write_keras2_h5(
        path,
        h5.sequential_config("float64"),
        h5.sequential_layers(saved),
        h5.training_config(name, saved_config),
        keras23_optimizer_weights(name, optimizer, variables),
        keras_version="2.3.1",
    )
    model = load_model(path, nadam_schedule="reset")  # a saved m_schedule wins over either mode
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 4
    worst = h5.continue_and_compare(model, name, config, initial, grads, 4, "float64")
    # 1e-12: the float64 bound of the optimizer parity tests; measured 0.
    assert worst <= 1e-12, worst


# -- tf.keras 2.x files -> keras_ref.tf2 ----------------------------------------------------------
@h5.needs_tf_keras
@pytest.mark.parametrize(
    "optimizer_name, kwargs",
    [
        ("Adam", {"learning_rate": 0.01, "decay": 0.01, "amsgrad": True}),
        ("Nadam", {"learning_rate": 0.01}),
        ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
        ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.2}),
    ],
)
def test_tf_keras_file_continues_with_keras_ref_tf2(tmp_path, optimizer_name, kwargs):
    source = h5.tf_keras_run(tmp_path / "tf2.h5", optimizer_name, steps=3, **kwargs)
    model = load_model(tmp_path / "tf2.h5")
    classes = {cls.__name__: cls for cls in tf2.ALL_OPTIMIZERS.values()}
    assert isinstance(model.optimizer, classes[optimizer_name])
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 3
    # the bound, 32 ulp of the step's operands (the weight before it), float32
    worst = h5.one_more_step_ulps(source, model, model.trainable_variables, seed=1)
    assert worst <= 32, worst
