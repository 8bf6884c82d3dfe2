"""Legacy Adam, with AMSGrad."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    check_betas,
    resolve_epsilon,
)
from keras_ref.optimizers.elementwise import moving_average, rms_step


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

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        b1, b2 = o.constant(self.beta_1, dtype), o.constant(self.beta_2, dtype)
        t = ops.cast(self.iterations, dtype) + 1
        lr = self._decayed_lr(learning_rate, dtype)
        lr_t = lr * (ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t)))
        one_minus_b1 = o.one_minus(self.beta_1, dtype)
        one_minus_b2 = o.one_minus(self.beta_2, dtype)
        return lr_t, b1, one_minus_b1, b2, one_minus_b2, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr_t, b1, one_minus_b1, b2, one_minus_b2, eps = s
        m, v, *vhat = slots
        m = moving_average(o, m, g, b1, one_minus_b1)
        v = moving_average(o, v, o.square(g), b2, one_minus_b2, x_is_temporary=True)
        new = [m, v]
        if self.amsgrad:
            v = o.nonnegative_maximum(vhat[0], v, into=vhat[0])
            new.append(v)
        return o.sub(p, rms_step(o, o.mul(lr_t, m), v, eps), into=p), new
