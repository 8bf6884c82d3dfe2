"""Legacy Adam, with AMSGrad."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref._numerics import constant, nonnegative_maximum
from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    check_betas,
    compute_dtype,
    read,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref")
class Adam(LegacyOptimizer):
    """Adam, as in Keras 2.2.4 (the "epsilon hat" form).

    ``lr_t = lr_k * sqrt(1 - b2**t) / (1 - b1**t)``; ``m <- b1*m + (1-b1)*g``;
    ``v <- b2*v + (1-b2)*g**2``; ``p <- p - lr_t * m / (sqrt(v) + eps)``; with AMSGrad
    ``vhat <- max(vhat, v)`` replaces ``v`` in the denominator.

    Defaults: ``lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False``.
    Same update as stock Keras 3 `Adam` (decay = ``InverseTimeDecay(lr, 1, decay)``) up to
    rounding: legacy computes ``1 - b`` from the float32-rounded beta.
    """

    default_lr = 0.001

    def __init__(
        self,
        lr: LearningRate | None = None,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = None,
        decay: float = 0.0,
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        amsgrad = check.boolean("amsgrad", amsgrad, owner=owner)
        super().__init__(lr, decay=decay, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    @property
    def _slot_names(self) -> tuple[str, ...]:
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        b1, b2 = constant(self.beta_1, dtype), constant(self.beta_2, dtype)
        t = ops.cast(self.iterations, dtype) + 1
        lr = self._decayed_lr(learning_rate, dtype)
        lr_t = lr * (ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t)))
        return lr_t, b1, 1 - b1, b2, 1 - b2, constant(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr_t, b1, one_minus_b1, b2, one_minus_b2, eps = self._scalars(learning_rate, dtype)
        m, v, *vhat = self._slots(variable)
        m_new = b1 * read(m, dtype) + one_minus_b1 * g
        v_new = b2 * read(v, dtype) + one_minus_b2 * ops.square(g)
        self.assign(m, m_new)
        self.assign(v, v_new)
        if self.amsgrad:
            v_new = nonnegative_maximum(read(vhat[0], dtype), v_new)
            self.assign(vhat[0], v_new)
        self._descend(variable, lr_t * m_new / (ops.sqrt(v_new) + eps), dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon, amsgrad=self.amsgrad
        )
        return config
