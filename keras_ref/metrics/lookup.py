"""Legacy metric lookup: `get` (names, 'acc'/'ce', functions, classes, configs), `serialize`,
`deserialize`."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import keras

from keras_ref import _legacy_objects as legacy_objects
from keras_ref import losses as losses_module
from keras_ref._validation import did_you_mean, unknown_identifier
from keras_ref.metrics import classes, functions
from keras_ref.metrics.auto import LegacyAutoMetric, accuracy_kind, legacy_choice, loss_family_of
from keras_ref.metrics.classes import MeanMetricWrapper

ALL_METRICS: dict[str, type[MeanMetricWrapper]] = {
    "binary_accuracy": classes.BinaryAccuracy,
    "categorical_accuracy": classes.CategoricalAccuracy,
    "sparse_categorical_accuracy": classes.SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": classes.TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": classes.SparseTopKCategoricalAccuracy,
}
_CLASS_NAMES = {cls.__name__: cls for cls in (*ALL_METRICS.values(), LegacyAutoMetric)}
#: each accuracy function's metric class (the class of the same name, in CamelCase)
_BY_FUNCTION = {getattr(functions, name): cls for name, cls in ALL_METRICS.items()}


def _names() -> list[str]:
    return [*ALL_METRICS, *_CLASS_NAMES, *losses_module.NAMES, "acc", "accuracy", "ce"]


def get(identifier: Any, loss: Any = None, output_shape: Sequence | None = None):
    """A `keras.metrics.Metric` for a legacy metric identifier.

    ``'acc'``/``'accuracy'`` (named ``'acc'``, as legacy) and ``'ce'``/``'crossentropy'`` follow
    the legacy rule for this output's `loss` and `output_shape` (see `accuracy_kind`); metric
    names, metric class names and every loss name (``'mae'`` gives ``mean_absolute_error``, the
    legacy name) resolve to keras_ref metrics; a function ``f(y_true, y_pred)`` is wrapped in
    `MeanMetricWrapper`; before the output shape is known 'acc'/'ce' give a `LegacyAutoMetric`,
    which applies the rule at the first batch; a `keras.metrics.Metric` instance (also a stock
    one) is returned as is.
    """
    if isinstance(identifier, keras.metrics.Metric):
        return identifier
    if isinstance(identifier, dict):
        metric = deserialize(identifier)
        return metric if isinstance(metric, keras.metrics.Metric) else get(metric)
    if isinstance(identifier, str):
        found = legacy_objects.custom_object(identifier, None)
        if not legacy_objects.is_missing(found):
            return get(found, loss, output_shape)
        return _from_name(identifier, loss, output_shape)
    if inspect.isclass(identifier) and issubclass(identifier, keras.metrics.Metric):
        return identifier()
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        return cls() if cls is not None else MeanMetricWrapper(identifier)
    raise unknown_identifier(
        "metrics.get",
        "a metric name (e.g. 'acc'), a config dict, a function f(y_true, y_pred) or a "
        "keras.metrics.Metric",
        identifier,
    )


def _from_name(name: str, loss, output_shape):
    key = name.split(">")[-1]
    if key.lower() in ("acc", "accuracy", "ce", "crossentropy"):
        metric = "acc" if key.lower() in ("acc", "accuracy") else "ce"
        kind = accuracy_kind(loss, output_shape)
        if kind is None:
            return LegacyAutoMetric(metric, loss_family=loss_family_of(loss))
        if metric == "acc":
            return _BY_FUNCTION[legacy_choice("acc", kind)](name="acc")
        return MeanMetricWrapper(legacy_choice("ce", kind), name="ce")
    if key in ALL_METRICS:
        return ALL_METRICS[key]()
    if key in _CLASS_NAMES:
        return _CLASS_NAMES[key]()
    if key in losses_module.NAMES:
        fn = losses_module.NAMES[key].function
        return MeanMetricWrapper(fn, name=fn.__name__)
    raise ValueError(
        f"Unknown metric {name!r}.{did_you_mean(key, _names())} Known: "
        f"{', '.join(ALL_METRICS)}, 'acc'/'accuracy', 'ce'/'crossentropy' and every loss name."
    )


def serialize(metric: Any) -> str | dict:
    """Legacy `metrics.serialize`: a function's name, ``{"class_name", "config"}`` for an object
    with ``get_config``; a `keras.metrics.Metric` gives its Keras 3 config dict."""
    return legacy_objects.serialize(metric)


def deserialize(config: str | dict, custom_objects: dict | None = None):
    """A metric from a name or from a Keras 2 (``{"class_name", "config"}``) or Keras 3 config.

    As legacy, `custom_objects` and the active ``keras.saving.custom_object_scope`` come first: a
    name found there gives that object as is, a class is built from its config. Other names give
    keras_ref metrics (see `get`).
    """
    return legacy_objects.deserialize(
        config,
        custom_objects,
        owner="metrics.deserialize",
        kind="metric",
        from_name=get,
        from_class_name=_from_class_name,
    )


def _from_class_name(class_name: str, config: Any) -> keras.metrics.Metric:
    key = class_name.split(">")[-1]
    if key == "MeanMetricWrapper":
        return MeanMetricWrapper.from_config(config)
    if key in _CLASS_NAMES:
        return _CLASS_NAMES[key].from_config(config)
    raise ValueError(
        f"metrics.deserialize: unknown metric class_name {class_name!r}."
        f"{did_you_mean(key, _CLASS_NAMES)} Known: {', '.join(_CLASS_NAMES)}, MeanMetricWrapper."
    )
