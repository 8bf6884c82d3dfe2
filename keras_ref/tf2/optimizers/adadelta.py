"""tf.keras 2.x Adadelta."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.optimizers.adadelta import Adadelta as LegacyAdadelta
from keras_ref.tf2.optimizers.base import (
    LearningRate,
    TF2Optimizer,
    hyper,
    one_minus_hyper,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adadelta(TF2Optimizer):
    """Adadelta, as tf.keras 2.x computes it (``rho`` a float32 hyper-parameter).

    ``a <- a*rho + g**2*(1-rho)``; ``u = sqrt(d + eps) * rsqrt(a + eps) * g``;
    ``p <- p - u*lr_k``; ``d <- d*rho + u**2*(1-rho)``.
    Defaults: ``learning_rate=0.001, rho=0.95, epsilon=1e-07``. See docs/tf2-optimizers.md.
    """

    _config_keys = ("rho", "epsilon")

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        rho, one_minus_rho = hyper(self.rho, dtype, o), one_minus_hyper(self.rho, dtype, o)
        lr = self._decayed_lr(learning_rate, dtype)
        return lr, rho, one_minus_rho, o.constant(self.epsilon, dtype)

    # Keras 2.2.4's update (docs/tf2-optimizers.md), with the fused kernel's `u`
    _rule = LegacyAdadelta._rule

    @staticmethod
    def _unit(o, g, a, d, eps):
        """``u = sqrt(d_old + eps) * rsqrt(a_new + eps) * g``, a temporary."""
        u = o.add(d, eps)
        u = o.sqrt(u, into=u)
        u = o.mul(u, o.rsqrt(o.add(a, eps)), into=u)
        return o.mul(u, g, into=u)
