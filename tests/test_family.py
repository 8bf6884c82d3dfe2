"""keras_ref.family: the names of the two legacy families, and `family=` on get/compile."""

from __future__ import annotations

import importlib.util

import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.family import DEFAULT_FAMILY, FAMILIES, FAMILY_ALIASES, resolve_family

HAVE_TF2_OPTIMIZERS = importlib.util.find_spec("keras_ref.tf2.optimizers") is not None


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("keras2", "keras2"),
        ("2.2.4", "keras2"),
        ("Keras2", "keras2"),
        ("tf2", "tf2"),
        ("tf.keras", "tf2"),
        ("tf_keras", "tf2"),
        (" TF.Keras ", "tf2"),
        (None, "keras2"),
    ],
)
def test_resolve_family_accepts_names_and_aliases(name, family):
    assert resolve_family(name) == family


def test_every_alias_names_a_family_and_the_default_is_keras2():
    assert set(FAMILY_ALIASES.values()) == set(FAMILIES)
    assert DEFAULT_FAMILY == "keras2"


def test_unknown_family_is_a_value_error_naming_the_argument_and_the_choices():
    with pytest.raises(ValueError, match=r"`family` 'tf3'.*'keras2'.*'tf2'"):
        resolve_family("tf3")
    with pytest.raises(TypeError, match="`family` must be a string"):
        resolve_family(2)


def test_optimizers_get_defaults_to_keras2():
    assert type(keras_ref.optimizers.get("adam")) is keras_ref.Adam
    assert type(keras_ref.optimizers.get("adam", family="2.2.4")) is keras_ref.Adam
    with pytest.raises(ValueError, match="family"):
        keras_ref.optimizers.get("adam", family="keras3")


@pytest.mark.skipif(not HAVE_TF2_OPTIMIZERS, reason="keras_ref.tf2.optimizers is not here yet")
def test_optimizers_get_tf2_gives_the_tf2_classes():
    from keras_ref.tf2.optimizers import ALL_OPTIMIZERS

    for name, cls in ALL_OPTIMIZERS.items():
        assert type(keras_ref.optimizers.get(name, family="tf2")) is cls
        assert type(keras_ref.optimizers.get(cls.__name__.upper(), family="tf.keras")) is cls
        config = {"class_name": cls.__name__, "config": {}}
        assert type(keras_ref.optimizers.get(config, family="tf2")) is cls


@pytest.mark.skipif(HAVE_TF2_OPTIMIZERS, reason="keras_ref.tf2.optimizers is present")
def test_optimizers_get_tf2_without_the_tf2_optimizers_says_so():
    with pytest.raises(ImportError, match=r"keras_ref\.tf2\.optimizers"):
        keras_ref.optimizers.get("adam", family="tf2")
    instance = keras.optimizers.SGD()
    assert keras_ref.optimizers.get(instance, family="tf2") is instance


def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))


def test_compile_family_dispatches_to_tf2_losses():
    model = _model()
    keras_ref.compile(model, keras.optimizers.SGD(), "binary_crossentropy", family="tf2")
    assert type(model.loss) is keras_ref.tf2.losses.BinaryCrossentropy
    model = _model()
    keras_ref.compile(model, "sgd", "binary_crossentropy")
    assert type(model.loss) is keras_ref.losses.BinaryCrossentropy


def test_compile_tf2_rejects_keras2_only_arguments():
    with pytest.raises(ValueError, match="sample_weight_mode"):
        keras_ref.compile(
            _model(), keras.optimizers.SGD(), "mse", sample_weight_mode="temporal", family="tf2"
        )
    with pytest.raises(ValueError, match="family"):
        keras_ref.compile(_model(), "sgd", "mse", family="tf1")


def test_compile_tf2_evaluates_the_tf2_loss():
    model = _model()
    keras_ref.compile(model, keras.optimizers.SGD(), "binary_crossentropy", family="tf2")
    x = np.zeros((4, 3), "float32")
    y = np.array([[0.0], [1.0], [1.0], [0.0]], "float32")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(np.log(2.0), rel=1e-6)
