"""tf.keras 2.x Adadelta."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import compute_dtype, read
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adadelta(TF2Optimizer):
    """Adadelta, as tf.keras 2.x computes it (``rho`` a float32 hyper-parameter).

    ``a <- a*rho + g**2*(1-rho)``; ``u = sqrt(d + eps) * rsqrt(a + eps) * g``;
    ``p <- p - u*lr_k``; ``d <- d*rho + u**2*(1-rho)``.
    Defaults: ``learning_rate=0.001, rho=0.95, epsilon=1e-07``. See docs/tf2-optimizers.md.
    """

    _slot_names = ("accum_grad", "accum_var")

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        rho: float = 0.95,
        epsilon: float | None = 1e-07,
        name: str = "Adadelta",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        rho = check.in_range("rho", rho, 0.0, 1.0, owner=owner, closed_high=True)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        rho = hyper(self.rho, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        return lr, rho, 1 - rho, ops.convert_to_tensor(self.epsilon, dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr, rho, one_minus_rho, eps = self._scalars(learning_rate, dtype)
        a, d = self._slots(variable)
        a_new = read(a, dtype) * rho + ops.square(g) * one_minus_rho
        d_old = read(d, dtype)
        u = ops.sqrt(d_old + eps) * ops.rsqrt(a_new + eps) * g
        self.assign(a, a_new)
        self._descend(variable, u * lr, dtype)
        self.assign(d, d_old * rho + ops.square(u) * one_minus_rho)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon)
        return config
