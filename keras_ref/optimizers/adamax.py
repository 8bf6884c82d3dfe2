"""Legacy Adamax (Adam with the infinity norm)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    check_betas,
    resolve_epsilon,
)
from keras_ref.optimizers.elementwise import moving_average


@keras.saving.register_keras_serializable(package="keras_ref")
class Adamax(LegacyOptimizer):
    """Adamax, as in Keras 2.2.4.

    ``lr_t = lr_k / (1 - b1**t)``; ``m <- b1*m + (1-b1)*g``; ``u <- max(b2*u, |g|)``;
    ``p <- p - lr_t * m / (u + eps)``.

    Defaults: ``lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0``.
    Same update as stock Keras 3 `Adamax` given ``learning_rate=0.002`` (stock default 0.001),
    up to rounding.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    default_lr = 0.002
    _slot_names = ("m", "u")

    def __init__(
        self,
        lr: LearningRate | None = None,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = None,
        decay: float = 0.0,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        super().__init__(lr, decay=decay, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        b1, b2 = o.constant(self.beta_1, dtype), o.constant(self.beta_2, dtype)
        t = ops.cast(self.iterations, dtype) + 1
        lr_t = self._decayed_lr(learning_rate, dtype) / (1 - ops.power(b1, t))
        return lr_t, b1, o.one_minus(self.beta_1, dtype), b2, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr_t, b1, one_minus_b1, b2, eps = s
        m, u = slots
        m = moving_average(o, m, g, b1, one_minus_b1)
        u = o.nonnegative_maximum(o.mul(b2, u, into=u), o.abs(g), into=u)  # max(b2*u, |g|)
        step = o.mul(lr_t, m)
        denominator = o.add(u, eps)
        return o.sub(p, o.div(step, denominator, into=step), into=p), [m, u]
