"""tf.keras 2.x Ftrl (follow the regularized leader), with l1, l2, shrinkage and beta."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref._backend_specific import float64_supported
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

    _config_keys = (
        "learning_rate_power",
        "initial_accumulator_value",
        "l1_regularization_strength",
        "l2_regularization_strength",
        "l2_shrinkage_regularization_strength",
        "beta",
    )

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

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        lr = self._decayed_lr(learning_rate, dtype)
        l2 = hyper(self.l2_regularization_strength, dtype, o)
        adjusted_l2 = l2 + hyper(self.beta, dtype, o) / (2.0 * lr)
        return (
            lr,
            -hyper(self.learning_rate_power, dtype, o),
            hyper(self.l1_regularization_strength, dtype, o),
            2 * adjusted_l2,
            2 * hyper(self.l2_shrinkage_regularization_strength, dtype, o),
            o.constant(0, dtype),
            dtype,
        )

    def _root(self, o, n, minus_power, dtype: str):
        """``n**-p`` in `dtype`; a square root is rounded correctly (via float64 where held).

        Ftrl subtracts two nearly equal roots, so a root one unit in the last place off (torch's
        float32 `sqrt` is) moves `linear` by up to its whole increment. A general power is
        TensorFlow's own float32 `pow` on tensorflow (see docs/tf2-optimizers.md).
        """
        if self.learning_rate_power != -0.5:
            return o.apply(ops.power, n, minus_power)
        wide = "float64" if float64_supported() else dtype
        return o.cast(o.sqrt(o.cast(n, wide)), dtype)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        lr, minus_power, l1, two_l2, two_shrinkage, zero, dtype = s
        n, z = slots
        n_new = o.add(n, o.square(g))
        if self.l2_shrinkage_regularization_strength > 0:
            g = o.add(g, o.mul(two_shrinkage, p))  # g + 2*l2_shrinkage*p
        root_new = self._root(o, n_new, minus_power, dtype)
        # z <- z + (g - (n'**-p - n**-p) / lr * p)
        change = o.sub(root_new, self._root(o, n, minus_power, dtype))
        change = o.mul(o.div_by_scalar(change, lr, into=change), p, into=change)
        z = o.add(z, o.sub(g, change), into=z)
        q = o.add(o.div_by_scalar(root_new, lr, into=root_new), two_l2)
        shrunk = o.sub(o.mul(l1, o.sign(z)), z)
        shrunk = o.div(shrunk, q, into=shrunk)  # (sign(z)*l1 - z) / q
        return o.where(o.greater(o.abs(z), l1), shrunk, zero), [n_new, z]
