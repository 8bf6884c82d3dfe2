"""Translate a saved ``training_config`` into `keras_ref.compile` arguments.

Optimizer configs come in three dialects:

- Keras 2.2.x: ``lr``, ``decay``, ``epsilon``, Nadam ``schedule_decay``, ``clipnorm``/``clipvalue``;
- tf.keras 2.x OptimizerV2 (also ``tf.keras.optimizers.legacy``): ``name``, ``learning_rate``
  (a float or a serialized schedule), ``decay``; Nadam's ``decay`` *is* its schedule decay;
  RMSprop adds ``momentum``/``centered``, Adagrad ``initial_accumulator_value``. These build the
  `keras_ref.tf2` optimizer of the same name (`tf2_optimizer`), whose constructor takes them as
  saved; where `keras_ref.tf2` is absent they are mapped onto the Keras 2.2.4 optimizers;
- tf.keras >= 2.11 optimizers (``is_legacy_optimizer: false``): the Keras 3 update rules. They
  are mapped to the nearest keras_ref optimizer with a warning (Nadam exactly, as
  ``schedule_decay=1``) and their saved state is not restored.

Losses and metrics are legacy names (resolved by keras_ref), names of custom functions (looked up
in `custom_objects`), or tf.keras serialized objects (``MeanMetricWrapper`` with ``fn``, loss
classes); tf.keras stores metrics as one list per output.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras

from keras_ref import losses as losses_module
from keras_ref import metrics as metrics_module
from keras_ref import optimizers as optimizers_module

__all__ = [
    "OptimizerSpec",
    "is_new_style",
    "loss_argument",
    "metrics_argument",
    "optimizer_spec",
    "tf2_optimizer",
]

_KERAS3_NONE_DEFAULTS = (
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "ema_overwrite_frequency",
)
_DROPPED = ("is_legacy_optimizer", "jit_compile")


@dataclass
class OptimizerSpec:
    """A keras_ref optimizer config, and what the caller must know about the saved one."""

    name: str  # the keras_ref class, lower case ('adam')
    config: dict
    new_style: bool = False  # a tf.keras >= 2.11 optimizer: state is not restored
    dropped: dict = field(default_factory=dict)  # saved keys with no keras_ref counterpart

    def build(self, path: str) -> keras.optimizers.Optimizer:
        try:
            return optimizers_module.get({"class_name": self.name, "config": self.config})
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"load_model: {path}: the saved optimizer config {self.config!r} does not "
                f"build a keras_ref {self.name} optimizer: {error} Load with compile=False and "
                "compile the model yourself."
            ) from error


def optimizer_spec(saved: Any, path: str) -> OptimizerSpec:
    """The keras_ref optimizer for a saved ``optimizer_config`` (see the module doc)."""
    if not isinstance(saved, Mapping) or "class_name" not in saved:
        raise ValueError(
            f"load_model: {path}: training_config has no usable optimizer_config (got "
            f"{saved!r}). Load with compile=False."
        )
    class_name = str(saved["class_name"]).split(">")[-1]
    name = class_name.lower()
    if name not in optimizers_module.ALL_OPTIMIZERS:
        known = ", ".join(cls.__name__ for cls in optimizers_module.ALL_OPTIMIZERS.values())
        raise ValueError(
            f"load_model: {path}: the saved optimizer {class_name!r} has no keras_ref "
            f"counterpart (keras_ref has {known}). Load with compile=False and compile the "
            "model with an optimizer of your choice."
        )
    new_style = is_new_style(saved)
    config = _plain_config(saved)
    dropped = _dialect_keys(name, config, new_style, path)
    spec = OptimizerSpec(name, config, new_style=new_style, dropped=dropped)
    if new_style:
        warnings.warn(
            f"load_model: {path} was saved with a tf.keras >= 2.11 {class_name} optimizer, whose "
            "update rules are those of stock Keras 3, not Keras 2 (per-variable clipnorm; "
            "RMSprop/Adagrad epsilon inside the root). It is compiled with the keras_ref "
            f"{class_name}, which continues with the Keras 2 rules, and its saved state is not "
            "restored. To continue that run as it was, load with compile=False and compile a "
            "stock keras.optimizers optimizer.",
            UserWarning,
            stacklevel=3,
        )
    return spec


def is_new_style(saved: Any) -> bool:
    """Whether a saved optimizer config is a tf.keras >= 2.11 (non-legacy) optimizer's."""
    config = saved.get("config") if isinstance(saved, Mapping) else None
    return isinstance(config, Mapping) and config.get("is_legacy_optimizer") is False


def tf2_optimizer(saved: Any, classes: Mapping[str, type], path: str) -> keras.optimizers.Optimizer:
    """The `keras_ref.tf2` optimizer (from `classes`, name -> class) for a tf.keras 2.x
    OptimizerV2 ``optimizer_config``; its keys are the tf.keras constructor's."""
    if not isinstance(saved, Mapping) or "class_name" not in saved:
        raise ValueError(
            f"load_model: {path}: training_config has no usable optimizer_config (got "
            f"{saved!r}). Load with compile=False."
        )
    class_name = str(saved["class_name"]).split(">")[-1]
    by_lower = {str(name).lower(): cls for name, cls in classes.items()}
    cls = by_lower.get(class_name.lower())
    if cls is None:
        raise ValueError(
            f"load_model: {path}: the saved tf.keras optimizer {class_name!r} has no "
            f"keras_ref.tf2 counterpart (it has {', '.join(sorted(classes))}). Load with "
            "compile=False and compile the model with an optimizer of your choice."
        )
    config = _plain_config(saved)
    try:
        return cls.from_config(config)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"load_model: {path}: the saved optimizer config {config!r} does not build a "
            f"keras_ref.tf2 {class_name} optimizer: {error} Load with compile=False and "
            "compile the model yourself."
        ) from error


def _plain_config(saved: Mapping) -> dict:
    """The saved optimizer config without the keys only a writer needed, schedules rebuilt."""
    config = dict(saved.get("config") or {})
    for key in _DROPPED:
        config.pop(key, None)
    for key in _KERAS3_NONE_DEFAULTS:
        if key in config and config[key] is None:
            del config[key]
    if not config.pop("use_ema", False):
        config.pop("ema_momentum", None)
    else:
        config["use_ema"] = True
    for key in ("learning_rate", "lr"):
        if isinstance(config.get(key), Mapping):
            config[key] = keras.optimizers.schedules.deserialize(dict(config[key]))
    return config


def _dialect_keys(name: str, config: dict, new_style: bool, path: str) -> dict:
    """Resolve the keys whose meaning depends on the writer; return the ones dropped."""
    dropped = {}
    if name == "nadam":
        if new_style:
            config["schedule_decay"] = 1.0  # tf.keras >= 2.11 Nadam: mu_t uses 0.96**t
        elif "decay" in config:  # tf.keras OptimizerV2 stores schedule_decay as `decay`
            schedule_decay = config.pop("decay")
            config.setdefault("schedule_decay", schedule_decay)
    if name == "rmsprop":
        momentum, centered = config.pop("momentum", 0.0), config.pop("centered", False)
        if momentum or centered:
            raise ValueError(
                f"load_model: {path}: the saved RMSprop uses momentum={momentum!r}, "
                f"centered={centered!r}; Keras 2 RMSprop (keras_ref) has neither. Load with "
                "compile=False and compile a stock keras.optimizers.RMSprop."
            )
    if name == "adagrad" and "initial_accumulator_value" in config:
        dropped["initial_accumulator_value"] = config.pop("initial_accumulator_value")
    return dropped


# -- losses ---------------------------------------------------------------------------------------
def loss_argument(saved: Any, custom_objects: Mapping[str, Any], path: str) -> Any:
    """The `loss` argument of `keras_ref.compile` for a saved ``loss`` entry."""
    if saved is None:
        return None
    if isinstance(saved, str):
        return _named(saved, custom_objects, "loss", path)
    if isinstance(saved, Mapping):
        if "class_name" in saved:
            return _loss_object(saved, custom_objects, path)
        return {key: loss_argument(value, custom_objects, path) for key, value in saved.items()}
    if isinstance(saved, Sequence):
        return [loss_argument(value, custom_objects, path) for value in saved]
    raise ValueError(f"load_model: {path}: cannot read the saved loss {saved!r}.")


def _loss_object(saved: Mapping, custom_objects: Mapping[str, Any], path: str):
    """A tf.keras serialized loss: ``{"class_name": "MeanSquaredError", "config": {...}}``."""
    class_name = str(saved["class_name"]).split(">")[-1]
    config = dict(saved.get("config") or {})
    if class_name in custom_objects:
        return custom_objects[class_name].from_config(config)
    if class_name == "LossFunctionWrapper" and isinstance(config.get("fn"), str):
        return _named(config["fn"], custom_objects, "loss", path)
    try:
        cls = losses_module.class_for(class_name)
    except ValueError as error:
        raise ValueError(
            f"load_model: {path}: the saved loss {class_name!r} is not a Keras 2 loss: {error} "
            f"Pass custom_objects={{{class_name!r}: ...}} or load with compile=False."
        ) from error
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self", "name", "reduction"}
    for key, value in config.items():
        if key not in accepted and key not in ("name", "reduction", "dtype") and value:
            raise ValueError(
                f"load_model: {path}: the saved loss {class_name} sets {key}={value!r}, which "
                "Keras 2 losses do not have. Load with compile=False."
            )
    return cls(**{key: value for key, value in config.items() if key in accepted})


# -- metrics --------------------------------------------------------------------------------------
def metrics_argument(
    saved: Any, output_names: Sequence[str], custom_objects: Mapping[str, Any], path: str
) -> Any:
    """The `metrics` (or `weighted_metrics`) argument of `keras_ref.compile`."""
    if saved is None:
        return None
    if isinstance(saved, Mapping) and "class_name" not in saved:
        return {
            key: [_metric(m, custom_objects, path) for m in _as_list(value)]
            for key, value in saved.items()
        }
    entries = _as_list(saved)
    if entries and all(isinstance(e, list) for e in entries):  # tf.keras: one list per output
        if len(entries) == 1:
            return [_metric(m, custom_objects, path) for m in entries[0]]
        if len(entries) != len(output_names):
            raise ValueError(
                f"load_model: {path}: the saved metrics hold {len(entries)} per-output lists, "
                f"the model has {len(output_names)} outputs ({', '.join(output_names)})."
            )
        return {
            name: [_metric(m, custom_objects, path) for m in group]
            for name, group in zip(output_names, entries)
        }
    return [_metric(m, custom_objects, path) for m in entries]


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _metric(saved: Any, custom_objects: Mapping[str, Any], path: str):
    if isinstance(saved, str):
        return _named(saved, custom_objects, "metric", path)
    if not isinstance(saved, Mapping) or "class_name" not in saved:
        raise ValueError(f"load_model: {path}: cannot read the saved metric {saved!r}.")
    class_name = str(saved["class_name"]).split(">")[-1]
    config = dict(saved.get("config") or {})
    if class_name in custom_objects:
        return custom_objects[class_name].from_config(config)
    if class_name == "MeanMetricWrapper":
        name = str(config.get("name", ""))
        if name.lower() in ("acc", "accuracy", "ce", "crossentropy"):
            return name  # tf.keras resolved it by shape; keras_ref applies the legacy rule
        return _named(str(config.get("fn", name)), custom_objects, "metric", path)
    try:
        return metrics_module.deserialize(dict(saved))
    except ValueError:
        pass
    try:
        return keras.metrics.deserialize(dict(saved))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"load_model: {path}: cannot rebuild the saved metric {class_name!r}: {error} Pass "
            f"custom_objects={{{class_name!r}: ...}} or load with compile=False."
        ) from error


def _named(name: str, custom_objects: Mapping[str, Any], kind: str, path: str) -> Any:
    """A custom function from `custom_objects`, or the legacy name itself (checked here)."""
    if name in custom_objects:
        return custom_objects[name]
    try:
        (losses_module.get if kind == "loss" else metrics_module.get)(name)
    except ValueError as error:
        raise ValueError(
            f"load_model: {path}: the saved {kind} {name!r} is not a Keras 2 {kind} name; if it "
            f"is your own function pass custom_objects={{{name!r}: {name}}}, or load with "
            "compile=False."
        ) from error
    return name
