"""TensorFlow's own arithmetic that keras_ref.tf2 reproduces on every backend, against TensorFlow.

- `tf_cpu_sum`: a full sum in TensorFlow's CPU order, bit-identical to `tf.reduce_sum` and, times
  two, to `tf.nn.l2_loss` of the square root's input;
- `divide_by_scalar`: ``x / s`` correctly rounded (XLA would multiply by ``1/s``);
- `float32_schedule_value`: a Keras schedule's value computed in float32, as tf_keras's.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from support import BACKEND, requires_float64

from keras_ref._scalar_division import divide_by_scalar
from keras_ref.tf2._float32_schedule import float32_schedule_value
from keras_ref.tf2._tf_reduction_order import tf_cpu_sum

tf = pytest.importorskip("tensorflow")

# every leaf shape up to 4 packets and past them, a tree split, uneven halves
SIZES = [*range(1, 41), 47, 63, 64, 65, 100, 255, 1000, 8192, 8193, 20001]


def _compiled(function):
    """`function` jitted on jax (as in `fit`), else itself."""
    if BACKEND != "jax":
        return function
    import jax

    return jax.jit(function)


def _values(size: int, dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=size) * 10.0 ** rng.integers(-4, 2)
    return (x * x).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", pytest.param("float64", marks=requires_float64)])
def test_sum_is_tensorflows_to_the_bit(dtype):
    mismatched = []
    total = _compiled(tf_cpu_sum)
    for seed, size in enumerate(SIZES):
        x = _values(size, dtype, seed)
        got = keras.ops.convert_to_numpy(total(keras.ops.convert_to_tensor(x)))
        if got != tf.reduce_sum(tf.constant(x)).numpy():
            mismatched.append(size)
    assert not mismatched, f"sizes summed in another order than TensorFlow: {mismatched}"


def test_sum_of_a_matrix_and_of_nothing():
    x = _values(60, "float32", 1).reshape(5, 4, 3)
    got = keras.ops.convert_to_numpy(tf_cpu_sum(keras.ops.convert_to_tensor(x)))
    assert got == tf.reduce_sum(tf.constant(x)).numpy()
    empty = keras.ops.convert_to_numpy(tf_cpu_sum(keras.ops.zeros((0, 3))))
    assert empty == 0.0


def test_l2_loss_is_tensorflows():
    for seed, size in enumerate([3, 12, 40, 1000]):
        g = np.random.default_rng(seed).normal(size=size).astype("float32")
        t = keras.ops.convert_to_tensor(g)
        got = keras.ops.convert_to_numpy(tf_cpu_sum(keras.ops.square(t) * 0.5))
        assert got == tf.nn.l2_loss(tf.constant(g)).numpy()


def test_division_by_a_scalar_is_correctly_rounded():
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000).astype("float32")
    s = np.float32(0.00123)

    divide = _compiled(divide_by_scalar)  # on jax, XLA's rewrite happens under jit
    got = keras.ops.convert_to_numpy(
        divide(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(s))
    )
    np.testing.assert_array_equal(got, x / s)
    nan = divide_by_scalar(
        keras.ops.convert_to_tensor([np.nan, 1.0]), keras.ops.convert_to_tensor(2.0)
    )
    assert np.isnan(keras.ops.convert_to_numpy(nan)[0])


def test_schedule_value_is_tf_kerass_float32():
    tf_keras = pytest.importorskip("tf_keras")
    settings = {"initial_learning_rate": 0.02, "decay_steps": 7, "decay_rate": 0.8}
    ours = keras.optimizers.schedules.InverseTimeDecay(**settings)
    genuine = tf_keras.optimizers.schedules.InverseTimeDecay(**settings)
    for step in range(200):
        got = keras.ops.convert_to_numpy(float32_schedule_value(ours, step))
        assert got.dtype == np.float32
        assert got == genuine(tf.constant(step, tf.int64)).numpy(), step
    assert ours.initial_learning_rate == 0.02  # the schedule itself is left as it was
