"""tf.keras 2.x Adam, with AMSGrad."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref._numerics import nonnegative_maximum
from keras_ref.optimizers.base import check_betas, compute_dtype, read
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adam(TF2Optimizer):
    """Adam, as tf.keras 2.x's fused kernel computes it (the "epsilon hat" form).

    ``alpha = lr_k * sqrt(1 - b2**t) / (1 - b1**t)``; ``m <- m + (g - m)*(1-b1)``;
    ``v <- v + (g**2 - v)*(1-b2)``; ``p <- p - m*alpha / (sqrt(v) + eps)``; with AMSGrad
    ``vhat <- max(vhat, v)`` replaces ``v`` in the denominator.
    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False``.
    See docs/tf2-optimizers.md.
    """

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-07,
        amsgrad: bool = False,
        name: str = "Adam",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        amsgrad = check.boolean("amsgrad", amsgrad, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    @property
    def _slot_names(self) -> tuple[str, ...]:
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        b1, b2 = hyper(self.beta_1, dtype), hyper(self.beta_2, dtype)
        t = self._step(dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        alpha = lr * ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t))
        return alpha, 1 - b1, 1 - b2, ops.convert_to_tensor(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        alpha, one_minus_b1, one_minus_b2, eps = self._scalars(learning_rate, dtype)
        m, v, *vhat = self._slots(variable)
        m_new = read(m, dtype)
        m_new = m_new + (g - m_new) * one_minus_b1
        v_new = read(v, dtype)
        v_new = v_new + (ops.square(g) - v_new) * one_minus_b2
        self.assign(m, m_new)
        self.assign(v, v_new)
        if self.amsgrad:
            v_new = nonnegative_maximum(read(vhat[0], dtype), v_new)
            self.assign(vhat[0], v_new)
        self._descend(variable, m_new * alpha / (ops.sqrt(v_new) + eps), dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon, amsgrad=self.amsgrad
        )
        return config
