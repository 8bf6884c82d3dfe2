"""tf.keras 2.x RMSprop, with momentum and the centered variant."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.optimizers.elementwise import moving_average, moving_average_step, rms_step
from keras_ref.tf2.optimizers.base import (
    LearningRate,
    TF2Optimizer,
    hyper,
    one_minus_hyper,
    resolve_epsilon,
)


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class RMSprop(TF2Optimizer):
    """RMSprop, as tf.keras 2.x computes it: epsilon *inside* the root exactly when momentum > 0.

    momentum = 0: ``a <- rho*a + (1-rho)*g**2``; ``p <- p - lr_k*g / (sqrt(d) + eps)``;
    momentum > 0: ``a <- a + (g**2 - a)*(1-rho)``; ``m <- momentum*m + g*lr_k / sqrt(d + eps)``;
    ``p <- p - m``. ``d = a``, or ``a - mg**2`` when centered (``mg`` the mean gradient).
    Defaults: ``learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False``.
    See docs/tf2-optimizers.md.
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        rho, one_minus_rho = hyper(self.rho, dtype, o), one_minus_hyper(self.rho, dtype, o)
        lr = self._decayed_lr(learning_rate, dtype)
        return (
            lr,
            rho,
            one_minus_rho,
            hyper(self.momentum, dtype, o),
            o.constant(self.epsilon, dtype),
        )

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, rho, one_minus_rho, momentum, eps = s
        a, *others = slots  # rms, then momentum and mg where kept
        m = others.pop(0) if self.momentum > 0 else None
        mg = others.pop(0) if self.centered else None
        if self.momentum > 0:  # the fused kernel's forms, epsilon inside the root
            a = moving_average_step(o, a, o.square(g), one_minus_rho, x_is_temporary=True)
            denominator = a
            if self.centered:
                mg = moving_average_step(o, mg, g, one_minus_rho)
                denominator = o.sub(a, o.square(mg))
            root = o.add(denominator, eps, into=denominator if self.centered else None)
            step = o.mul(g, lr)
            step = o.div(step, o.sqrt(root, into=root), into=step)
            m = o.add(o.mul(m, momentum, into=m), step, into=m)  # m*momentum + g*lr/sqrt(.)
            return o.sub(p, m, into=p), [a, m] + ([mg] if self.centered else [])
        a = moving_average(o, a, o.square(g), rho, one_minus_rho, x_is_temporary=True)
        denominator = a
        if self.centered:
            mg = moving_average(o, mg, g, rho, one_minus_rho)
            denominator = o.sub(a, o.square(mg))
        step = rms_step(o, o.mul(lr, g), denominator, eps)
        return o.sub(p, step, into=p), [a] + ([mg] if self.centered else [])
