"""The legacy 'acc' / 'ce' rule: which accuracy (or crossentropy) a model output gets, from its
loss and output shape; `LegacyAutoMetric` applies it at the first batch when the shape is not
known yet (docs/legacy-formulas.md#metrics)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import keras

from keras_ref import losses as losses_module
from keras_ref._numerics import tensor
from keras_ref.metrics.classes import MeanMetricWrapper
from keras_ref.metrics.functions import (
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
)

_register = keras.saving.register_keras_serializable(package="keras_ref")

_ACCURACY_BY_KIND = {
    "binary": binary_accuracy,
    "sparse": sparse_categorical_accuracy,
    "categorical": categorical_accuracy,
}
_CROSSENTROPY_BY_KIND = {
    "binary": losses_module.binary_crossentropy,
    "sparse": losses_module.sparse_categorical_crossentropy,
    "categorical": losses_module.categorical_crossentropy,
}


_FAMILIES = {
    "binary": (
        (losses_module.BinaryCrossentropy, keras.losses.BinaryCrossentropy),
        (losses_module.binary_crossentropy, keras.losses.binary_crossentropy),
    ),
    "sparse": (
        (losses_module.SparseCategoricalCrossentropy, keras.losses.SparseCategoricalCrossentropy),
        (
            losses_module.sparse_categorical_crossentropy,
            keras.losses.sparse_categorical_crossentropy,
        ),
    ),
}


def loss_family_of(loss) -> str | None:
    """'binary' / 'sparse' for a binary / sparse-categorical crossentropy loss, else None.

    `loss` may be a name, a function, a `Loss` class or instance (keras_ref's or stock).
    """
    if isinstance(loss, str):
        try:
            loss = losses_module.class_for(loss)
        except ValueError:
            return None
    for family, (classes, functions) in _FAMILIES.items():
        if inspect.isclass(loss):
            if issubclass(loss, classes):
                return family
        elif (
            isinstance(loss, classes) or loss in functions or getattr(loss, "fn", None) in functions
        ):
            return family
    return None


def accuracy_kind(loss=None, output_shape: Sequence | None = None) -> str | None:
    """The legacy 'acc' choice: 'binary', 'sparse' or 'categorical' (None: needs the shape).

    Binary if the output's last dim is 1 **or** the loss is binary_crossentropy; sparse if the loss
    is sparse_categorical_crossentropy; else categorical. Differs from stock Keras 3, which looks
    at shapes only (a multi-label output trained with binary crossentropy gets categorical
    accuracy there).
    """
    return _kind(loss_family_of(loss), output_shape)


def _kind(family: str | None, output_shape: Sequence | None) -> str | None:
    last_dim = output_shape[-1] if output_shape else None
    if last_dim == 1 or family == "binary":
        return "binary"
    if last_dim is None:
        return None
    return family or "categorical"


def legacy_choice(metric: str, kind: str) -> Callable:
    return (_ACCURACY_BY_KIND if metric == "acc" else _CROSSENTROPY_BY_KIND)[kind]


@_register
class LegacyAutoMetric(MeanMetricWrapper):
    """'acc' or 'ce' before the output shape is known: the legacy rule runs at the first batch.

    `metric` is 'acc' or 'ce'; `loss_family` is 'binary', 'sparse' or None (the output's loss:
    binary_crossentropy, sparse_categorical_crossentropy or another), see `accuracy_kind`.
    """

    def __init__(
        self,
        metric: str = "acc",
        loss_family: str | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        if metric not in ("acc", "ce"):
            raise ValueError(f"LegacyAutoMetric: `metric` must be 'acc' or 'ce', got {metric!r}.")
        if loss_family not in (None, "binary", "sparse"):
            raise ValueError(
                "LegacyAutoMetric: `loss_family` must be 'binary', 'sparse' or None, got "
                f"{loss_family!r}."
            )
        super().__init__(legacy_choice(metric, "categorical"), name=name or metric, dtype=dtype)
        self.metric, self.loss_family = metric, loss_family
        self._direction = "up" if metric == "acc" else "down"

    def _batch_values(self, y_true, y_pred):
        y_pred = tensor(y_pred)
        kind = _kind(self.loss_family, tuple(y_pred.shape)) or self.loss_family or "categorical"
        return legacy_choice(self.metric, kind)(y_true, y_pred)

    def get_config(self) -> dict:
        return {
            "metric": self.metric,
            "loss_family": self.loss_family,
            "name": self.name,
            "dtype": self._dtype_argument,
        }
