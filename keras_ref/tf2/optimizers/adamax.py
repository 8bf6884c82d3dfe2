"""tf.keras 2.x Adamax."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref.optimizers.base import check_betas
from keras_ref.optimizers.elementwise import moving_average_step
from keras_ref.tf2.optimizers.base import (
    LearningRate,
    TF2Optimizer,
    hyper,
    one_minus_hyper,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adamax(TF2Optimizer):
    """Adamax, as tf.keras 2.x's fused kernel computes it.

    ``m <- m + (g - m)*(1-b1)``; ``u <- max(b2*u, |g|)``;
    ``p <- p - lr_k / (1 - b1**t) * (m / (u + eps))``.
    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07``.
    See docs/tf2-optimizers.md.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    _slot_names = ("m", "v")

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-07,
        name: str = "Adamax",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        b2 = hyper(self.beta_2, dtype, o)
        lr = self._decayed_lr(learning_rate, dtype)
        lr_t = lr / (1 - ops.power(hyper(self.beta_1, dtype, o), self._step(dtype)))
        return lr_t, one_minus_hyper(self.beta_1, dtype, o), b2, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr_t, one_minus_b1, b2, eps = s
        m, u = slots
        m = moving_average_step(o, m, g, one_minus_b1)
        u = o.nonnegative_maximum(o.mul(b2, u, into=u), o.abs(g), into=u)  # max(b2*u, |g|)
        step = o.div(m, o.add(u, eps))
        step = o.mul(lr_t, step, into=step)  # lr_t * (m / (u + eps))
        return o.sub(p, step, into=p), [m, u]
