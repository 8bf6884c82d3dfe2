"""What every tf.keras 2.x optimizer shares: `lr`, `decay`, epsilon, float32 hypers, clipping.

tf.keras 2.x rules (see docs/tf2-optimizers.md):

- `lr=` beats `learning_rate=` silently (Ftrl ignores `lr`);
- ``lr_k = lr / (1 + decay * k)``, ``k`` = completed steps, composing with a schedule;
- `epsilon` is ``epsilon or keras.config.epsilon()`` (so 0 becomes 1e-7), exact in float64;
- hyper-parameters (learning rate, momentum, rho, betas, decay, ...) are float32 values, cast
  to the variable's dtype, also when the variables are float64;
- clipping, per step, in this order and without a ``> 0`` guard: ``clip(g, -v, v)``, per-tensor
  ``g * c / max(||g||, c)``, then the global norm ``g * c * min(1/n, 1/c)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from keras_ref import _keras_compat as compat
from keras_ref import _validation as check
from keras_ref._backend_specific import tf_replicas_in_sync
from keras_ref._numerics import constant, maximum, minimum
from keras_ref._scalar_division import divide_by_scalar
from keras_ref.optimizers.base import LegacyOptimizer
from keras_ref.optimizers.elementwise import KERAS_OPS
from keras_ref.tf2._float32_schedule import float32_schedule_value
from keras_ref.tf2._tf_reduction_order import tf_cpu_sum

LearningRate = float | keras.optimizers.schedules.LearningRateSchedule | Callable[[], Any]


def hyper(value: float, dtype: str, o=KERAS_OPS):
    """`value` as tf.keras holds a hyper-parameter: rounded to float32, then cast to `dtype`."""
    return o.constant(np.float32(value), dtype)


def one_minus_hyper(value: float, dtype: str, o=KERAS_OPS):
    """``1 - hyper(value, dtype)``."""
    return o.one_minus(np.float32(value), dtype)


def resolve_epsilon(epsilon: float | None, *, owner: str) -> float:
    """tf.keras ``epsilon or keras.config.epsilon()``: None and 0 both become the default."""
    if epsilon is not None:
        check.non_negative("epsilon", epsilon, owner=owner)
    return float(epsilon or keras.config.epsilon())


def tf2_clip_gradients(
    grads: list,
    clipvalue: float | None,
    clipnorm: float | None,
    global_clipnorm: float | None,
) -> list:
    """tf.keras 2.x clipping: value, then per-tensor norm, then global norm (0 zeroes `g`)."""
    if clipvalue is not None:
        grads = [
            ops.clip(g, constant(-clipvalue, g.dtype), constant(clipvalue, g.dtype)) for g in grads
        ]
    if clipnorm is not None:
        grads = [_clip_by_norm(g, clipnorm) for g in grads]
    if global_clipnorm is not None:
        grads = _clip_by_global_norm(grads, global_clipnorm)
    return grads


def _clip_by_norm(g, clipnorm: float):
    """``g * c / max(||g||, c)``, with ``||g|| = 0`` when ``g`` is all zeros.

    ``||g||**2`` is summed in TensorFlow's CPU order (`tf_cpu_sum`), so the norm is TensorFlow's.
    """
    squared = tf_cpu_sum(g * g)
    zero = constant(0, g.dtype)
    positive = squared > zero
    norm = ops.where(positive, ops.sqrt(ops.where(positive, squared, ops.ones_like(squared))), zero)
    c = constant(clipnorm, g.dtype)
    return divide_by_scalar(g * c, maximum(norm, c))


def _clip_by_global_norm(grads: list, clipnorm: float) -> list:
    """``g * c * min(1/n, 1/c)``, ``n`` the norm of all gradients (NaN if ``n`` is not finite).

    As `tf.linalg.global_norm`: ``n = sqrt(2 * sum_i l2_loss(g_i))``, ``l2_loss(g) = sum(g*g*0.5)``,
    every sum in TensorFlow's CPU order (`tf_cpu_sum`).
    """
    halves = [tf_cpu_sum(ops.square(g) * constant(0.5, g.dtype)) for g in grads]
    total = tf_cpu_sum(ops.stack(halves))
    norm = ops.sqrt(total * constant(2.0, total.dtype))
    c = constant(clipnorm, norm.dtype)
    scale = c * minimum(1 / norm, 1 / c) + (norm - norm)
    return [g * ops.cast(scale, g.dtype) for g in grads]


class TF2Optimizer(LegacyOptimizer):
    """Base class of the eight tf.keras 2.x optimizers (not an optimizer by itself)."""

    default_lr: ClassVar[float] = 0.001
    takes_lr: ClassVar[bool] = True  # tf.keras Ftrl ignores `lr=`

    def __init__(
        self, learning_rate: LearningRate | None, *, decay: float = 0.0, **kwargs: Any
    ) -> None:
        owner = type(self).__name__
        if "lr" in kwargs:
            lr = kwargs.pop("lr")
            if self.takes_lr:
                warnings.warn(
                    f"{owner}: `lr` is deprecated in tf.keras 2.x, use `learning_rate`; "
                    "`lr` wins over `learning_rate` as it did there.",
                    DeprecationWarning,
                    stacklevel=3,
                )
                learning_rate = lr
            else:
                warnings.warn(
                    f"{owner}: `lr` is ignored, as tf.keras 2.x {owner} ignored it; "
                    "use `learning_rate`.",
                    UserWarning,
                    stacklevel=3,
                )
        super().__init__(learning_rate, decay=decay, **kwargs)

    # float hyper-parameters are float32 in tf.keras, also for float64 variables
    def _hold_learning_rate_in_float64(self) -> None:
        return None

    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm is None and self.clipvalue is None and self.global_clipnorm is None:
            return grads
        if tf_replicas_in_sync() > 1:
            return grads  # clipped after the cross-replica sum, in `_backend_update_step`
        return self._legacy_clip(grads)

    def _legacy_clip(self, grads: list) -> list:
        return tf2_clip_gradients(grads, self.clipvalue, self.clipnorm, self.global_clipnorm)

    def _decayed_lr(self, learning_rate, dtype: str):
        """``lr / (1 + decay * k)`` in `dtype` (`decay` float32-rounded); ``lr`` when decay is 0."""
        schedule = compat.learning_rate_holder(self)
        if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            # tf.keras evaluated schedules in float32 (Keras 3 on jax may use float64)
            learning_rate = float32_schedule_value(schedule, self.iterations)
        lr = ops.cast(learning_rate, dtype)
        if self.decay > 0:
            k = ops.cast(self.iterations, dtype)
            lr = lr / (1 + hyper(self.decay, dtype) * k)
        return lr

    def _step(self, dtype: str):
        """``t = k + 1`` in `dtype`."""
        return ops.cast(self.iterations + 1, dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        if isinstance(config.get("learning_rate"), np.floating):
            config["learning_rate"] = float(config["learning_rate"])
        return config
