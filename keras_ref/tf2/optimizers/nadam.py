"""tf.keras 2.x Nadam, with its momentum schedule (`schedule_decay`) and saved momentum cache."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import check_betas, compute_dtype
from keras_ref.optimizers.elementwise import KERAS_OPS
from keras_ref.optimizers.nadam import Nadam as LegacyNadam
from keras_ref.optimizers.nadam import momentum_at, nadam_scalars
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Nadam(TF2Optimizer):
    """Nadam, as tf.keras 2.x computes it (the learning rate is never decayed).

    ``mu_t = b1 * (1 - 0.5 * 0.96**(sd * t))``; ``S_t = S_{t-1} * mu_t`` (the saved momentum
    cache); ``m <- b1*m + (1-b1)*g``; ``v <- b2*v + (1-b2)*g**2``;
    ``p <- p - lr * mbar / (sqrt(v / (1 - b2**t)) + eps)`` with
    ``mbar = (1 - mu_t) * g / (1 - S_t) + mu_{t+1} * m / (1 - S_t * mu_{t+1})``.
    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
    schedule_decay=0.004``; `decay=` is ignored, as there. See docs/tf2-optimizers.md.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "schedule_decay")

    has_decay = False
    _slot_names = ("m", "v")

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-07,
        name: str = "Nadam",
        schedule_decay: float = 0.004,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        kwargs.pop("decay", None)  # tf.keras 2.x replaced it by `schedule_decay`, silently
        if isinstance(
            kwargs.get("lr", learning_rate), keras.optimizers.schedules.LearningRateSchedule
        ):
            raise ValueError(
                f"{owner}: `learning_rate` cannot be a LearningRateSchedule (tf.keras 2.x Nadam "
                "never decays its learning rate); pass a float."
            )
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        schedule_decay = check.non_negative("schedule_decay", schedule_decay, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.schedule_decay = schedule_decay

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        dtype = compute_dtype(var_list[0].dtype) if var_list else "float32"
        self._momentum_cache = self.add_variable(
            shape=(), initializer="ones", dtype=dtype, name="momentum_cache"
        )

    def _mu(self, step, dtype: str, o=KERAS_OPS):
        """``mu_step = b1 * (1 - 0.5 * 0.96**(sd * step))`` in `dtype` (float32 hypers)."""
        return momentum_at(o, self, step, dtype, hyper=np.float32)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        # the cache advances once per step, before any variable's update reads it
        dtype = compute_dtype(self._momentum_cache.dtype)
        self.assign(self._momentum_cache, self._momentum_cache * self._mu(self._step(dtype), dtype))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        t = self._step(dtype)
        mu_t, mu_next = self._mu(t, dtype, o), self._mu(t + 1, dtype, o)
        schedule = ops.cast(self._momentum_cache, dtype)  # S_t, advanced this step
        return nadam_scalars(
            o, self, learning_rate, dtype, t, mu_t, mu_next, schedule, hyper=np.float32
        )

    # the update itself is Keras 2.2.4's (docs/tf2-optimizers.md): only the schedule differs
    _rule = LegacyNadam._rule
