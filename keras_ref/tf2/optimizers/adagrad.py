"""tf.keras 2.x Adagrad, with `initial_accumulator_value`."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.adagrad import Adagrad as LegacyAdagrad
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, resolve_epsilon


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Adagrad(TF2Optimizer):
    """Adagrad, as tf.keras 2.x computes it (epsilon outside the root).

    ``a <- a + g**2`` (``a`` starts at `initial_accumulator_value`);
    ``p <- p - g*lr_k / (sqrt(a) + eps)``.
    Defaults: ``learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07``.
    See docs/tf2-optimizers.md.
    """

    _config_keys = ("initial_accumulator_value", "epsilon")

    _slot_names = ("accumulator",)

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float | None = 1e-07,
        name: str = "Adagrad",
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        initial_accumulator_value = check.non_negative(
            "initial_accumulator_value", initial_accumulator_value, owner=owner
        )
        epsilon = resolve_epsilon(epsilon, owner=owner)
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        for a in self._accumulator:
            a.assign(ops.full(a.shape, self.initial_accumulator_value, dtype=a.dtype))

    # the update is Keras 2.2.4's (docs/tf2-optimizers.md); only the start of `a` differs
    _step_scalars = LegacyAdagrad._step_scalars
    _rule = LegacyAdagrad._rule

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        config.setdefault("initial_accumulator_value", 0.1)  # as tf.keras 2.x reads old configs
        return super().from_config(config, custom_objects=custom_objects)
