"""Legacy Adagrad: accumulator from zero, epsilon outside the square root."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref.optimizers.base import (
    LearningRate,
    LegacyOptimizer,
    resolve_epsilon,
)
from keras_ref.optimizers.elementwise import rms_step


@keras.saving.register_keras_serializable(package="keras_ref")
class Adagrad(LegacyOptimizer):
    """Adagrad, as in Keras 2.2.4.

    ``a <- a + g**2`` (``a`` starts at 0); ``p <- p - lr_k * g / (sqrt(a) + eps)``.

    Defaults: ``lr=0.01, epsilon=None (keras.config.epsilon()), decay=0.0``.
    Differs from stock Keras 3: stock starts ``a`` at 0.1, puts eps inside the root and defaults
    to lr=0.001; its first default step is 10-300x smaller (no stock equivalent).
    """

    _config_keys = ("epsilon",)

    default_lr = 0.01
    _slot_names = ("accumulator",)

    def __init__(
        self,
        lr: LearningRate | None = None,
        epsilon: float | None = None,
        decay: float = 0.0,
        **kwargs: Any,
    ) -> None:
        epsilon = resolve_epsilon(epsilon, owner=type(self).__name__)
        super().__init__(lr, decay=decay, **kwargs)
        self.epsilon = epsilon

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        return self._decayed_lr(learning_rate, dtype), o.constant(self.epsilon, dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, eps = s
        (a,) = slots
        a = o.add(a, o.square(g), into=a)
        return o.sub(p, rms_step(o, o.mul(lr, g), a, eps), into=p), [a]
