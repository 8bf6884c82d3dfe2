"""Legacy RMSprop: epsilon outside the square root."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    resolve_epsilon,
)
from keras_ref.optimizers.elementwise import moving_average, rms_step


@keras.saving.register_keras_serializable(package="keras_ref")
class RMSprop(LegacyOptimizer):
    """RMSprop, as in Keras 2.2.4.

    ``a <- rho * a + (1 - rho) * g**2``; ``p <- p - lr_k * g / (sqrt(a) + eps)``.

    Defaults: ``lr=0.001, rho=0.9, epsilon=None (keras.config.epsilon()), decay=0.0``.
    Differs from stock Keras 3: stock puts eps *inside* the root, ``g / sqrt(a + eps)``; its
    step is 0.71x this one at |g| ~ 1e-3 and 0.10x at |g| ~ 1e-4 (no stock equivalent).
    """

    _config_keys = ("rho", "epsilon")

    default_lr = 0.001
    _slot_names = ("accumulator",)

    def __init__(
        self,
        lr: LearningRate | None = None,
        rho: float = 0.9,
        epsilon: float | None = None,
        decay: float = 0.0,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        rho = check.in_range("rho", rho, 0.0, 1.0, owner=owner, closed_high=True)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        super().__init__(lr, decay=decay, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        # a float32 variable in legacy: 1 - rho is rounded from the rounded rho
        rho, one_minus_rho = o.constant(self.rho, dtype), o.one_minus(self.rho, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        return lr, rho, one_minus_rho, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, rho, one_minus_rho, eps = s
        (a,) = slots
        a = moving_average(o, a, o.square(g), rho, one_minus_rho, x_is_temporary=True)
        return o.sub(p, rms_step(o, o.mul(lr, g), a, eps), into=p), [a]
