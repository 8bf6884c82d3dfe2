"""tf.keras 2.x Ftrl (follow the regularized leader), with l1, l2, shrinkage and beta."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref._backend_specific import float64_supported
from keras_ref._numerics import constant
from keras_ref.optimizers.base import compute_dtype, read
from keras_ref.tf2.optimizers.base import LearningRate, TF2Optimizer, hyper


@keras.saving.register_keras_serializable(package="keras_ref.tf2")
class Ftrl(TF2Optimizer):
    """FTRL-proximal, as tf.keras 2.x's fused kernels compute it (`lr=` is ignored there too).

    ``n' = n + g**2``; ``z <- z + gs - (n'**-p - n**-p) / lr_k * p_old``
    (``gs = g + 2*l2_shrinkage*p``); ``q = n'**-p / lr_k + 2*(l2 + beta / (2*lr_k))``;
    ``p <- (sign(z)*l1 - z) / q`` where ``|z| > l1``, else 0; ``n <- n'``.
    Defaults: ``learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1``,
    every regularization strength and ``beta`` 0. See docs/tf2-optimizers.md.
    """

    takes_lr = False
    _slot_names = ("accumulator", "linear")

    def __init__(
        self,
        learning_rate: LearningRate | None = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        name: str = "Ftrl",
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        power = check.real_number("learning_rate_power", learning_rate_power, owner=owner)
        if power > 0:
            raise ValueError(f"{owner}: `learning_rate_power` must be <= 0, got {power!r}.")
        values = {
            "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
            "beta": beta,
        }
        values = {k: check.non_negative(k, v, owner=owner) for k, v in values.items()}
        super().__init__(learning_rate, name=name, **kwargs)
        self.learning_rate_power = power
        self.initial_accumulator_value = values["initial_accumulator_value"]
        self.l1_regularization_strength = values["l1_regularization_strength"]
        self.l2_regularization_strength = values["l2_regularization_strength"]
        self.l2_shrinkage_regularization_strength = values["l2_shrinkage_regularization_strength"]
        self.beta = values["beta"]

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        for n in self._accumulator:
            n.assign(ops.full(n.shape, self.initial_accumulator_value, dtype=n.dtype))

    def _step_scalars(self, learning_rate, dtype: str) -> tuple:
        lr = self._decayed_lr(learning_rate, dtype)
        l2 = hyper(self.l2_regularization_strength, dtype)
        adjusted_l2 = l2 + hyper(self.beta, dtype) / (2.0 * lr)
        return (
            lr,
            -hyper(self.learning_rate_power, dtype),
            hyper(self.l1_regularization_strength, dtype),
            2 * adjusted_l2,
            2 * hyper(self.l2_shrinkage_regularization_strength, dtype),
        )

    def _root(self, n, minus_power, dtype: str):
        """``n**-p`` in `dtype`; a square root is rounded correctly (via float64 where held).

        Ftrl subtracts two nearly equal roots, so a root one unit in the last place off (torch's
        float32 `sqrt` is) moves `linear` by up to its whole increment. A general power is
        TensorFlow's own float32 `pow` on tensorflow (see docs/tf2-optimizers.md).
        """
        if self.learning_rate_power != -0.5:
            return ops.power(n, minus_power)
        wide = "float64" if float64_supported() else dtype
        return ops.cast(ops.sqrt(ops.cast(n, wide)), dtype)

    def update_step(self, gradient, variable, learning_rate) -> None:
        dtype = compute_dtype(variable.dtype)
        g = ops.cast(gradient, dtype)
        lr, minus_power, l1, two_l2, two_shrinkage = self._scalars(learning_rate, dtype)
        n, z = self._slots(variable)
        p = read(variable, dtype)
        n_old = read(n, dtype)
        n_new = n_old + ops.square(g)
        g_shrunk = g + two_shrinkage * p if self.l2_shrinkage_regularization_strength > 0 else g
        root_new = self._root(n_new, minus_power, dtype)
        z_new = read(z, dtype) + (
            g_shrunk - (root_new - self._root(n_old, minus_power, dtype)) / lr * p
        )
        q = root_new / lr + two_l2
        shrunk = (l1 * ops.sign(z_new) - z_new) / q
        p_new = ops.where(ops.abs(z_new) > l1, shrunk, constant(0, dtype))
        self.assign(z, z_new)
        self.assign(n, n_new)
        self.assign(variable, ops.cast(p_new, variable.dtype))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            learning_rate_power=self.learning_rate_power,
            initial_accumulator_value=self.initial_accumulator_value,
            l1_regularization_strength=self.l1_regularization_strength,
            l2_regularization_strength=self.l2_regularization_strength,
            l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength,
            beta=self.beta,
        )
        return config
