"""tf.keras 2.x Adam, with AMSGrad."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import check_betas
from keras_ref.optimizers.elementwise import moving_average_step, rms_step
from keras_ref.tf2.optimizers.base import (
    LearningRate,
    TF2Optimizer,
    hyper,
    one_minus_hyper,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adam(TF2Optimizer):
    """Adam, as tf.keras 2.x's fused kernel computes it (the "epsilon hat" form).

    ``alpha = lr_k * sqrt(1 - b2**t) / (1 - b1**t)``; ``m <- m + (g - m)*(1-b1)``;
    ``v <- v + (g**2 - v)*(1-b2)``; ``p <- p - m*alpha / (sqrt(v) + eps)``; with AMSGrad
    ``vhat <- max(vhat, v)`` replaces ``v`` in the denominator.
    Defaults: ``learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False``.
    See docs/tf2-optimizers.md.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        b1, b2 = hyper(self.beta_1, dtype, o), hyper(self.beta_2, dtype, o)
        t = self._step(dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        alpha = lr * ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t))
        one_minus_b1 = one_minus_hyper(self.beta_1, dtype, o)
        one_minus_b2 = one_minus_hyper(self.beta_2, dtype, o)
        return alpha, one_minus_b1, one_minus_b2, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        alpha, one_minus_b1, one_minus_b2, eps = s
        m, v, *vhat = slots
        m = moving_average_step(o, m, g, one_minus_b1)
        v = moving_average_step(o, v, o.square(g), one_minus_b2, x_is_temporary=True)
        new = [m, v]
        if self.amsgrad:
            v = o.nonnegative_maximum(vhat[0], v, into=vhat[0])
            new.append(v)
        return o.sub(p, rms_step(o, o.mul(m, alpha), v, eps), into=p), new
