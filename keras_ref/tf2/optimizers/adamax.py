"""tf.keras 2.x Adamax."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref._numerics import nonnegative_maximum
from keras_ref.optimizers.base import check_betas, compute_dtype, read
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adamax(TF2Optimizer):
    """Adamax, as tf.keras 2.x's fused kernel computes it.

    ``m <- m + (g - m)*(1-b1)``; ``u <- max(b2*u, |g|)``;
    ``p <- p - lr_k / (1 - b1**t) * (m / (u + eps))``.
    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07``.
    See docs/tf2-optimizers.md.
    """

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

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        b1, b2 = hyper(self.beta_1, dtype), hyper(self.beta_2, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        lr_t = lr / (1 - ops.power(b1, self._step(dtype)))
        return lr_t, 1 - b1, b2, ops.convert_to_tensor(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr_t, one_minus_b1, b2, eps = self._scalars(learning_rate, dtype)
        m, u = self._slots(variable)
        m_new = read(m, dtype)
        m_new = m_new + (g - m_new) * one_minus_b1
        u_new = nonnegative_maximum(b2 * read(u, dtype), ops.abs(g))
        self.assign(m, m_new)
        self.assign(u, u_new)
        self._descend(variable, lr_t * (m_new / (u_new + eps)), dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return config
