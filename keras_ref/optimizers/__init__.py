"""The seven Keras 2.2.4 optimizers, and legacy-style lookup (`get`, `serialize`, `deserialize`)."""

from __future__ import annotations

from typing import Any

import keras

from keras_ref._validation import did_you_mean, unknown_identifier
from keras_ref.family import resolve_family
from keras_ref.optimizers.adadelta import Adadelta as Adadelta
from keras_ref.optimizers.adagrad import Adagrad as Adagrad
from keras_ref.optimizers.adam import Adam as Adam
from keras_ref.optimizers.adamax import Adamax as Adamax
from keras_ref.optimizers.base import LegacyOptimizer as LegacyOptimizer
from keras_ref.optimizers.base import legacy_clip_gradients as legacy_clip_gradients
from keras_ref.optimizers.nadam import Nadam as Nadam
from keras_ref.optimizers.rmsprop import RMSprop as RMSprop
from keras_ref.optimizers.sgd import SGD as SGD

ALL_OPTIMIZERS: dict[str, type[LegacyOptimizer]] = {
    cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam)
}

__all__ = [
    "ALL_OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "LegacyOptimizer",
    "Nadam",
    "RMSprop",
    "deserialize",
    "get",
    "legacy_clip_gradients",
    "serialize",
]


def serialize(optimizer: keras.optimizers.Optimizer) -> dict:
    """The Keras 3 config dict of `optimizer` (round-trips through `deserialize`)."""
    return keras.saving.serialize_keras_object(optimizer)


def deserialize(config: dict, custom_objects: dict | None = None) -> keras.optimizers.Optimizer:
    """An optimizer from a Keras 2 (``{"class_name", "config"}``) or Keras 3 config dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "deserialize: `config` must be a dict with a 'class_name' key (and an optional "
            f"'config' dict), got {config!r}."
        )
    class_name = str(config["class_name"])
    cls = _lookup(class_name.split(">")[-1])
    if cls is None:
        if custom_objects and class_name in custom_objects:
            return custom_objects[class_name].from_config(config.get("config", {}))
        raise ValueError(
            f"deserialize: unknown optimizer class_name {class_name!r}."
            f"{did_you_mean(class_name.lower(), ALL_OPTIMIZERS)} Known: "
            f"{', '.join(c.__name__ for c in ALL_OPTIMIZERS.values())}."
        )
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise ValueError(f"deserialize: 'config' must be a dict, got {inner!r}.")
    return cls.from_config(inner, custom_objects=custom_objects)


def get(identifier: Any, *, family: str = "keras2") -> keras.optimizers.Optimizer:
    """Legacy `optimizers.get`: a name (any case), a config dict, or an optimizer instance.

    ``family="tf2"`` (or an alias, `keras_ref.family`) gives the tf.keras 2.x classes of
    `keras_ref.tf2` instead of the Keras 2.2.4 ones.

    >>> get("nadam").schedule_decay
    0.004
    """
    if resolve_family(family) == "tf2":
        from keras_ref.tf2 import optimizer_lookup

        return optimizer_lookup.get(identifier)
    if isinstance(identifier, keras.optimizers.Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise unknown_identifier(
        "optimizers.get",
        "an optimizer name (e.g. 'adam'), a config dict or an optimizer instance",
        identifier,
    )


def _lookup(name: str) -> type[LegacyOptimizer] | None:
    return ALL_OPTIMIZERS.get(name.lower())
