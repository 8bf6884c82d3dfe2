"""keras_ref.tf2 optimizer constructors: the tf.keras 2.x argument rules."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import keras_ref.tf2 as tf2
from keras_ref.tf2.optimizers import ALL_OPTIMIZERS


def test_all_optimizers_lists_the_eight():
    assert sorted(ALL_OPTIMIZERS) == [
        "adadelta", "adagrad", "adam", "adamax", "ftrl", "nadam", "rmsprop", "sgd",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "cls, default",
    [
        (tf2.SGD, 0.01),
        (tf2.RMSprop, 0.001),
        (tf2.Adagrad, 0.001),
        (tf2.Adadelta, 0.001),
        (tf2.Adam, 0.001),
        (tf2.Adamax, 0.001),
        (tf2.Nadam, 0.001),
        (tf2.Ftrl, 0.001),
    ],
)
def test_default_learning_rate(cls, default):
    assert float(cls().learning_rate) == np.float32(default)


def test_lr_beats_learning_rate_silently():
    with pytest.warns(DeprecationWarning, match="`lr` is deprecated"):
        optimizer = tf2.Adam(lr=0.5, learning_rate=0.1)
    assert float(optimizer.learning_rate) == 0.5


def test_ftrl_ignores_lr():
    with pytest.warns(UserWarning, match="`lr` is ignored"):
        optimizer = tf2.Ftrl(lr=0.5)
    assert float(optimizer.learning_rate) == np.float32(0.001)


def test_epsilon_zero_and_none_become_the_default():
    assert tf2.RMSprop(epsilon=0).epsilon == tf2.Adam(epsilon=None).epsilon == 1e-7


def test_nadam_ignores_decay_and_rejects_a_schedule():
    assert tf2.Nadam(decay=0.5).decay == 0.0
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)
    with pytest.raises(ValueError, match="LearningRateSchedule"):
        tf2.Nadam(learning_rate=schedule)


@pytest.mark.parametrize(
    "build, error, match",
    [
        (lambda: tf2.Adam(clipnorm=1.0, global_clipnorm=1.0), ValueError, "not both"),
        (lambda: tf2.Adam(clipvalue=-1.0), ValueError, "clipvalue"),
        (lambda: tf2.Adam(decay=-0.1), ValueError, "decay"),
        (lambda: tf2.SGD(momentum=1.5), ValueError, "momentum"),
        (lambda: tf2.Adam(beta_1=1.0), ValueError, "beta_1"),
        (lambda: tf2.Adagrad(initial_accumulator_value=-1.0), ValueError, "initial_acc"),
        (lambda: tf2.Ftrl(learning_rate_power=0.5), ValueError, "learning_rate_power"),
        (lambda: tf2.Adam(amsgard=True), TypeError, "amsgard"),
        (lambda: tf2.RMSprop(centered=1), TypeError, "centered"),
    ],
)
def test_bad_arguments_fail_early(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_adagrad_from_an_old_config_gets_the_tf_keras_accumulator():
    config = tf2.Adagrad().get_config()
    del config["initial_accumulator_value"]
    assert tf2.Adagrad.from_config(config).initial_accumulator_value == 0.1


def test_zero_clipnorm_zeroes_the_step():
    variable = keras.Variable(np.ones(3, "float32"))
    optimizer = tf2.SGD(learning_rate=0.1, clipnorm=0.0)
    optimizer.apply_gradients([(keras.ops.ones(3), variable)])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), np.ones(3))


@pytest.mark.parametrize("name", sorted(ALL_OPTIMIZERS))
def test_indexed_slices_follow_the_dense_update(name):
    """A sparse (IndexedSlices) gradient takes the same step as its dense form."""
    if keras.backend.backend() != "tensorflow":
        pytest.skip("IndexedSlices gradients exist on the tensorflow backend only")
    import tensorflow as tf

    config = {"sgd": {"momentum": 0.9}, "rmsprop": {"momentum": 0.5}}.get(name, {})
    rows = tf.IndexedSlices(
        tf.constant([[0.5, -1.0], [0.25, 2.0]]), tf.constant([1, 3]), tf.constant([4, 2])
    )
    results = []
    for gradient in (rows, tf.convert_to_tensor(rows)):
        variable = keras.Variable(np.arange(8, dtype="float32").reshape(4, 2))
        optimizer = ALL_OPTIMIZERS[name](learning_rate=0.1, **config)
        for _ in range(3):
            optimizer.apply_gradients([(gradient, variable)])
        results.append(keras.ops.convert_to_numpy(variable))
    np.testing.assert_array_equal(results[0], results[1])
