"""tf.keras 2.x SGD, with momentum and Nesterov momentum."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class SGD(TF2Optimizer):
    """Stochastic gradient descent, as tf.keras 2.x computes it.

    ``v <- momentum * v - g * lr_k``; ``p <- p + v``, or with Nesterov
    ``p <- p + (v * momentum - g * lr_k)``; without momentum ``p <- p - g * lr_k``.
    Defaults: ``learning_rate=0.01, momentum=0.0, nesterov=False``. See docs/tf2-optimizers.md.
    """

    _config_keys = ("momentum", "nesterov")

    default_lr = 0.01

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        name: str = "SGD",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        momentum = check.in_range("momentum", momentum, 0.0, 1.0, owner=owner, closed_high=True)
        nesterov = check.boolean("nesterov", nesterov, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.momentum, self.nesterov = momentum, nesterov

    @property
    def _slot_names(self) -> tuple[str, ...]:
        return ("momentum",) if self.momentum > 0 else ()

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        return self._decayed_lr(learning_rate, dtype), hyper(self.momentum, dtype, o)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, momentum = s
        g_lr = o.mul(g, lr)
        if self.momentum == 0:
            return o.sub(p, g_lr, into=p), []
        (v,) = slots
        v = o.sub(o.mul(v, momentum, into=v), g_lr, into=v)  # v <- v*momentum - g*lr
        if self.nesterov:  # p <- p - -(v*momentum - g*lr)
            step = o.mul(v, momentum)
            step = o.sub(step, g_lr, into=step)
            return o.sub(p, o.neg(step, into=step), into=p), [v]
        return o.sub(p, o.neg(v), into=p), [v]
