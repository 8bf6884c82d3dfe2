"""A `LearningRateSchedule`'s value computed in float32, as tf.keras 2.x computed it.

tf.keras schedules turned their Python-float settings into float32 tensors, so all their
arithmetic ran in float32. Keras 3's schedules take the dtype of
``convert_to_tensor(initial_learning_rate)``, which is float64 on jax with ``JAX_ENABLE_X64``;
rounding that float64 result to float32 can land on the neighbouring float32 (measured up to
1.7e-7 relative after 40 steps). Evaluating a copy of the schedule whose float settings are
NumPy float32 numbers makes every step of its arithmetic float32 on every backend.
"""

from __future__ import annotations

import copy

import keras
import numpy as np
from keras import ops


def _as_float32(value):
    if isinstance(value, float):
        return np.float32(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, float) for v in value):
        return type(value)(np.float32(v) for v in value)
    return value


def float32_schedule_value(schedule: keras.optimizers.schedules.LearningRateSchedule, step):
    """``schedule(step)`` with the schedule's float settings as float32 (a float32 scalar)."""
    view = copy.copy(schedule)
    for name, value in vars(schedule).items():
        setattr(view, name, _as_float32(value))
    return ops.cast(view(step), "float32")
