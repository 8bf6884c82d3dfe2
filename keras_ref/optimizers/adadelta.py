"""Legacy Adadelta with a learning rate (default 1.0)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref._numerics import constant
from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    compute_dtype,
    read,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref")
class Adadelta(LegacyOptimizer):
    """Adadelta, as in Keras 2.2.4.

    ``a <- rho * a + (1 - rho) * g**2``; ``u = g * sqrt(d + eps) / sqrt(a + eps)``;
    ``p <- p - lr_k * u``; ``d <- rho * d + (1 - rho) * u**2``.

    Defaults: ``lr=1.0, rho=0.95, epsilon=None (keras.config.epsilon()), decay=0.0``.
    Same update as stock Keras 3 `Adadelta` given ``learning_rate=1.0`` (stock default 0.001).
    """

    default_lr = 1.0
    _slot_names = ("accumulator", "delta_accumulator")

    def __init__(
        self,
        lr: LearningRate | None = None,
        rho: float = 0.95,
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

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        # Legacy keeps this rho a Python float: `1 - rho` is exact before it is rounded.
        rho, one_minus_rho = constant(self.rho, dtype), constant(1.0 - self.rho, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        return lr, rho, one_minus_rho, constant(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr, rho, one_minus_rho, eps = self._scalars(learning_rate, dtype)
        a, d = self._slots(variable)
        d_old = read(d, dtype)
        a_new = rho * read(a, dtype) + one_minus_rho * ops.square(g)
        self.assign(a, a_new)
        # XLA would rewrite `x / sqrt(y)` as `x * rsqrt(y)`, which rounds differently (and is
        # slower on CPU); abs() of a sqrt of a non-negative sum is exact and keeps the divide.
        update = g * ops.sqrt(d_old + eps) / ops.abs(ops.sqrt(a_new + eps))
        self._descend(variable, lr * update, dtype)
        self.assign(d, rho * d_old + one_minus_rho * ops.square(update))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon)
        return config
