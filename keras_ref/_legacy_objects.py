"""Legacy (Keras 2.2.4) serialization of losses and metrics: names, custom objects, configs.

Keras 2.2.4 serialized a function as its name and an object with ``get_config`` as
``{"class_name": ..., "config": obj.get_config()}``; it resolved names through `custom_objects`
and the active ``custom_object_scope`` first, returned a name's object as is, and built a custom
class from its config with ``from_config`` when it had one, else ``cls(**config)``. See
docs/legacy-api.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import keras

__all__ = [
    "build_custom",
    "callable_name",
    "custom_object",
    "deserialize",
    "deserialize_callable",
    "is_missing",
    "scope_name",
    "serialize",
    "wrapper_config",
    "wrapper_from_config",
]

_KERAS3_OBJECTS = (keras.losses.Loss, keras.metrics.Metric, keras.optimizers.Optimizer)
_MISSING = object()


def serialize(obj: Any) -> str | dict | None:
    """The legacy form of `obj`: its name (a function), or ``{"class_name", "config"}``.

    Keras 3 losses, metrics and optimizers keep their Keras 3 config dict, which keras_ref's
    `deserialize` functions also read.
    """
    if obj is None:
        return None
    if isinstance(obj, _KERAS3_OBJECTS):
        return keras.saving.serialize_keras_object(obj)
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    if hasattr(obj, "__name__"):
        return obj.__name__
    raise ValueError(
        f"serialize: cannot serialize {obj!r}: it has neither a `get_config` method nor a "
        "`__name__`."
    )


def custom_object(name: str, custom_objects: dict | None) -> Any:
    """The object registered under `name` in `custom_objects`, the active
    ``keras.saving.custom_object_scope`` or the global custom objects; `_MISSING` otherwise."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    found = keras.saving.get_registered_object(name)
    return _MISSING if found is None else found


def is_missing(found: Any) -> bool:
    """Whether `custom_object` found nothing."""
    return found is _MISSING


def build_custom(cls: Any, config: Any) -> Any:
    """A custom class from its config: ``from_config`` when it has one, else ``cls(**config)``."""
    config = config or {}
    if hasattr(cls, "from_config"):
        return cls.from_config(config)
    if not isinstance(config, dict):
        raise ValueError(f"deserialize: the config of {cls!r} must be a dict, got {config!r}.")
    return cls(**config)


def deserialize(
    config: Any,
    custom_objects: dict | None,
    *,
    owner: str,
    kind: str,
    from_name: Callable[[str], Any],
    from_class_name: Callable[[str, Any], Any],
) -> Any:
    """`owner`'s legacy `deserialize` of a `kind` ('loss' or 'metric') from a name or a Keras 2
    (``{"class_name", "config"}``) or Keras 3 config.

    `custom_objects` and the active ``keras.saving.custom_object_scope`` come first: a name found
    there gives that object as is, a class is built from its config (`build_custom`). Other names
    go to ``from_name(name)``, other class names to ``from_class_name(class_name, config)``.
    """
    if isinstance(config, str):
        found = custom_object(config, custom_objects)
        return from_name(config) if is_missing(found) else found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"{owner}: `config` must be a {kind} name or a dict with a 'class_name' key (and an "
            f"optional 'config' dict), got {config!r}."
        )
    class_name = str(config["class_name"])
    inner = config.get("config") or {}
    found = custom_object(class_name, custom_objects)
    if not is_missing(found):
        return build_custom(found, inner)
    if class_name == "function":  # a Keras 3 serialized function: the name is the config
        found = custom_object(str(inner), custom_objects)
        return from_name(str(inner)) if is_missing(found) else found
    return from_class_name(class_name, inner)


def wrapper_config(config: dict, fn: Callable, fn_kwargs: dict, *, with_fn: bool) -> dict:
    """The config of a wrapper of ``fn(y_true, y_pred, **fn_kwargs)``: `config`, then the
    function when `with_fn` (the generic wrapper; a subclass fixes its own), then `fn_kwargs`."""
    if with_fn:
        config = {**config, "fn": keras.saving.serialize_keras_object(fn)}
    return {**config, **fn_kwargs}


def wrapper_from_config(cls: type, config: dict) -> Any:
    """`cls` built from a `wrapper_config` (its function deserialized first)."""
    config = dict(config)
    if "fn" in config:
        config["fn"] = deserialize_callable(config["fn"])
    return cls(**config)


def deserialize_callable(config: Any) -> Any:
    """A wrapped loss or metric callable from its Keras 3 config; a custom class without
    ``from_config`` (found in `custom_object_scope` or the registered objects) is built from
    its config, as legacy did, where Keras 3 raises."""
    if isinstance(config, dict) and "class_name" in config:
        for name in (config.get("registered_name"), config["class_name"]):
            found = custom_object(name, None) if isinstance(name, str) else _MISSING
            if not is_missing(found) and not hasattr(found, "from_config"):
                return build_custom(found, config.get("config"))
    return keras.saving.deserialize_keras_object(config)


def callable_name(fn: Any) -> str:
    """A name for a loss or metric callable: ``__name__``, a partial's function's, or the class's
    name in snake case (``MSE_MAE_loss`` objects have no ``__name__``)."""
    if isinstance(fn, functools.partial):
        return callable_name(fn.func)
    name = getattr(fn, "__name__", None)
    if isinstance(name, str) and name:
        return name
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", type(fn).__name__).lower()


def scope_name(name: str) -> str:
    """`name` made valid as a TensorFlow name scope (``<lambda>`` gives ``lambda``)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-/]", "", name).lstrip("_-/") or "fn"
    return cleaned
