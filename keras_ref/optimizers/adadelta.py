"""Legacy Adadelta with a learning rate (default 1.0)."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    resolve_epsilon,
)
from keras_ref.optimizers.elementwise import moving_average


@keras.saving.register_keras_serializable(package="keras_ref")
class Adadelta(LegacyOptimizer):
    """Adadelta, as in Keras 2.2.4.

    ``a <- rho * a + (1 - rho) * g**2``; ``u = g * sqrt(d + eps) / sqrt(a + eps)``;
    ``p <- p - lr_k * u``; ``d <- rho * d + (1 - rho) * u**2``.

    Defaults: ``lr=1.0, rho=0.95, epsilon=None (keras.config.epsilon()), decay=0.0``.
    Same update as stock Keras 3 `Adadelta` given ``learning_rate=1.0`` (stock default 0.001).
    """

    _config_keys = ("rho", "epsilon")

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        # Legacy keeps this rho a Python float: `1 - rho` is exact before it is rounded.
        rho, one_minus_rho = o.constant(self.rho, dtype), o.constant(1.0 - self.rho, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        return lr, rho, one_minus_rho, o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, rho, one_minus_rho, eps = s
        a, d = slots
        a = moving_average(o, a, o.square(g), rho, one_minus_rho, x_is_temporary=True)
        u = self._unit(o, g, a, d, eps)
        p = o.sub(p, o.mul(lr, u), into=p)
        # d <- rho*d_old + (1-rho)*u**2 (u is not needed any more)
        d = moving_average(o, d, o.square(u, into=u), rho, one_minus_rho, x_is_temporary=True)
        return p, [a, d]

    @staticmethod
    def _unit(o, g, a, d, eps):
        """``u = g * sqrt(d_old + eps) / sqrt(a_new + eps)``, a temporary.

        `g` stays the first factor: when both factors are NaN, the result is the first one's
        NaN (sign bit included).
        """
        root = o.add(d, eps)
        u = o.mul(g, o.sqrt(root, into=root))
        root = o.add(a, eps)
        return o.div(u, o.sqrt_divisor(root, into=root), into=u)
