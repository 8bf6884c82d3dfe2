"""tf.keras 2.x ``optimizers.get``: names, config dicts and instances to `keras_ref.tf2` classes.

The classes live in `keras_ref.tf2.optimizers` (``ALL_OPTIMIZERS``, name -> class); it is imported
on first use, so the losses, metrics and compile of the family work without it.
"""

from __future__ import annotations

import importlib
from typing import Any

import keras

from keras_ref._validation import did_you_mean

__all__ = ["available_optimizers", "get"]


def available_optimizers() -> dict[str, type]:
    """``keras_ref.tf2.optimizers.ALL_OPTIMIZERS``, or ImportError if that module is absent."""
    try:
        module = importlib.import_module("keras_ref.tf2.optimizers")
    except ModuleNotFoundError as error:
        if error.name not in ("keras_ref.tf2.optimizers",):
            raise
        raise ImportError(
            "family='tf2' optimizers need keras_ref.tf2.optimizers, which this keras_ref does not "
            "have. Pass an optimizer instance instead."
        ) from None
    return module.ALL_OPTIMIZERS


def get(identifier: Any) -> keras.optimizers.Optimizer:
    """An optimizer instance from a tf.keras 2.x name (any case), a config dict or an instance.

    ``"adam"`` and ``{"class_name": "Adam", "config": {...}}`` give `keras_ref.tf2.Adam`; names
    of the form ``"legacy>Adam"`` or ``"keras.optimizers.legacy.Adam"`` resolve too.
    """
    if isinstance(identifier, keras.optimizers.Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _class_for(identifier)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        config = identifier.get("config") or {}
        if not isinstance(config, dict):
            raise ValueError(f"optimizers.get: 'config' must be a dict, got {config!r}.")
        return _class_for(str(identifier["class_name"])).from_config(config)
    raise TypeError(
        "optimizers.get(family='tf2'): `identifier` must be an optimizer name (e.g. 'adam'), a "
        f"config dict with 'class_name' or an optimizer instance, got {identifier!r} "
        f"({type(identifier).__name__})."
    )


def _class_for(name: str) -> type:
    classes = available_optimizers()
    key = name.replace(">", ".").split(".")[-1].lower()
    if key in classes:
        return classes[key]
    raise ValueError(
        f"Unknown tf.keras 2.x optimizer {name!r}.{did_you_mean(key, classes)} Known: "
        f"{', '.join(cls.__name__ for cls in classes.values())}."
    )
