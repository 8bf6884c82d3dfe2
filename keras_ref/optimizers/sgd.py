"""Legacy SGD with momentum, Nesterov momentum and learning-rate decay."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref import _validation as check
from keras_ref.optimizers.base import LearningRate, LegacyOptimizer


@keras.saving.register_keras_serializable(package="keras_ref")
class SGD(LegacyOptimizer):
    """Stochastic gradient descent, as in Keras 2.2.4.

    ``v = momentum * m - lr_k * g``; ``m <- v``; ``p <- p + v``, or with Nesterov
    ``p <- p + momentum * v - lr_k * g``; ``lr_k = lr / (1 + decay * k)``.

    Defaults: ``lr=0.01, momentum=0.0, decay=0.0, nesterov=False``.
    Same update as stock Keras 3 `SGD`; legacy `decay` is stock
    ``learning_rate=InverseTimeDecay(lr, 1, decay)``.

    With ``momentum=0`` (no Nesterov) the step is ``p <- p - lr_k * g``, legacy's
    ``p + (0 * m - lr_k * g)`` rounded the same way, so every finite or NaN result is identical;
    like stock, it keeps no moment (legacy's only ever held ``-lr_k * g``, and loading a Keras 2
    file skips it). One difference, shared with stock Keras 3: after an infinite update legacy's
    ``0 * m`` turns the ±inf parameter into NaN at the next step; here it stays ±inf.
    """

    _config_keys = ("momentum", "nesterov")

    default_lr = 0.01

    def __init__(
        self,
        lr: LearningRate | None = None,
        momentum: float = 0.0,
        decay: float = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        momentum = check.in_range("momentum", momentum, 0.0, 1.0, owner=owner, closed_high=True)
        nesterov = check.boolean("nesterov", nesterov, owner=owner)
        super().__init__(lr, decay=decay, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov
        self._plain = momentum == 0 and not nesterov

    @property
    def _slot_names(self) -> tuple[str, ...]:
        return () if self._plain else ("moment",)

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        return self._decayed_lr(learning_rate, dtype), o.constant(self.momentum, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, momentum = s
        lr_g = o.mul(lr, g)
        if self._plain:
            return o.sub(p, lr_g, into=p), []
        (m,) = slots
        v = o.sub(o.mul(momentum, m, into=m), lr_g, into=m)  # m <- v = momentum*m - lr*g
        if self.nesterov:  # p <- (p + momentum*v) - lr*g
            return o.sub(o.add(p, o.mul(momentum, v), into=p), lr_g, into=p), [v]
        return o.add(p, v, into=p), [v]
