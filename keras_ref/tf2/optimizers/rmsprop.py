"""tf.keras 2.x RMSprop, with momentum and the centered variant."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import compute_dtype, read
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class RMSprop(TF2Optimizer):
    """RMSprop, as tf.keras 2.x computes it: epsilon *inside* the root exactly when momentum > 0.

    momentum = 0: ``a <- rho*a + (1-rho)*g**2``; ``p <- p - lr_k*g / (sqrt(d) + eps)``;
    momentum > 0: ``a <- a + (g**2 - a)*(1-rho)``; ``m <- momentum*m + g*lr_k / sqrt(d + eps)``;
    ``p <- p - m``. ``d = a``, or ``a - mg**2`` when centered (``mg`` the mean gradient).
    Defaults: ``learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False``.
    See docs/tf2-optimizers.md.
    """

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float | None = 1e-07,
        centered: bool = False,
        name: str = "RMSprop",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        rho = check.in_range("rho", rho, 0.0, 1.0, owner=owner, closed_high=True)
        momentum = check.non_negative("momentum", momentum, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        centered = check.boolean("centered", centered, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    @property
    def _slot_names(self) -> tuple[str, ...]:
        return (
            ("rms",)
            + (("momentum",) if self.momentum > 0 else ())
            + (("mg",) if self.centered else ())
        )

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        rho = hyper(self.rho, dtype)
        lr = self._decayed_lr(learning_rate, dtype)
        eps = ops.convert_to_tensor(self.epsilon, dtype)
        return lr, rho, 1 - rho, hyper(self.momentum, dtype), eps

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr, rho, one_minus_rho, momentum, eps = self._scalars(learning_rate, dtype)
        slots = dict(zip(self._slot_names, self._slots(variable)))
        a = read(slots["rms"], dtype)
        if self.momentum > 0:  # the fused kernel's forms, epsilon inside the root
            a = a + (ops.square(g) - a) * one_minus_rho
            denominator = a
            if self.centered:
                mg = read(slots["mg"], dtype)
                mg = mg + (g - mg) * one_minus_rho
                self.assign(slots["mg"], mg)
                denominator = a - ops.square(mg)
            self.assign(slots["rms"], a)
            m = read(slots["momentum"], dtype) * momentum + g * lr / ops.sqrt(denominator + eps)
            self.assign(slots["momentum"], m)
            self._descend(variable, m, dtype)
            return
        a = rho * a + one_minus_rho * ops.square(g)
        self.assign(slots["rms"], a)
        denominator = a
        if self.centered:
            mg = rho * read(slots["mg"], dtype) + one_minus_rho * g
            self.assign(slots["mg"], mg)
            denominator = a - ops.square(mg)
        self._descend(variable, lr * g / (ops.sqrt(denominator) + eps), dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            rho=self.rho, momentum=self.momentum, epsilon=self.epsilon, centered=self.centered
        )
        return config
