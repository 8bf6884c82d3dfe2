"""The Keras 2.2.4 losses: per-sample functions, `Loss` classes, legacy lookup.

>>> loss = get("mse")  # the legacy names, aliases and the class names all resolve
>>> type(loss).__name__
'MeanSquaredError'

`get` always returns a `keras.losses.Loss` whose batch value follows the legacy reduction
(`legacy_weighted_mean`); a custom ``f(y_true, y_pred)`` is wrapped in `LossFunctionWrapper`.
"""

from __future__ import annotations

import inspect
from typing import Any

import keras

from keras_ref import _legacy_objects as legacy_objects
from keras_ref._validation import did_you_mean, unknown_identifier
from keras_ref.legacy_facts import LOSS_ALIASES
from keras_ref.losses.classes import BinaryCrossentropy as BinaryCrossentropy
from keras_ref.losses.classes import CategoricalCrossentropy as CategoricalCrossentropy
from keras_ref.losses.classes import CategoricalHinge as CategoricalHinge
from keras_ref.losses.classes import CosineProximity as CosineProximity
from keras_ref.losses.classes import Hinge as Hinge
from keras_ref.losses.classes import KLDivergence as KLDivergence
from keras_ref.losses.classes import LogCosh as LogCosh
from keras_ref.losses.classes import LossFunctionWrapper as LossFunctionWrapper
from keras_ref.losses.classes import MeanAbsoluteError as MeanAbsoluteError
from keras_ref.losses.classes import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from keras_ref.losses.classes import MeanSquaredError as MeanSquaredError
from keras_ref.losses.classes import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from keras_ref.losses.classes import Poisson as Poisson
from keras_ref.losses.classes import SparseCategoricalCrossentropy as SparseCategoricalCrossentropy
from keras_ref.losses.classes import SquaredHinge as SquaredHinge
from keras_ref.losses.functions import KLD as KLD
from keras_ref.losses.functions import MAE as MAE
from keras_ref.losses.functions import MAPE as MAPE
from keras_ref.losses.functions import MSE as MSE
from keras_ref.losses.functions import MSLE as MSLE
from keras_ref.losses.functions import binary_crossentropy as binary_crossentropy
from keras_ref.losses.functions import categorical_crossentropy as categorical_crossentropy
from keras_ref.losses.functions import categorical_hinge as categorical_hinge
from keras_ref.losses.functions import cosine as cosine
from keras_ref.losses.functions import cosine_proximity as cosine_proximity
from keras_ref.losses.functions import hinge as hinge
from keras_ref.losses.functions import kld as kld
from keras_ref.losses.functions import kullback_leibler_divergence as kullback_leibler_divergence
from keras_ref.losses.functions import logcosh as logcosh
from keras_ref.losses.functions import mae as mae
from keras_ref.losses.functions import mape as mape
from keras_ref.losses.functions import mean_absolute_error as mean_absolute_error
from keras_ref.losses.functions import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from keras_ref.losses.functions import mean_squared_error as mean_squared_error
from keras_ref.losses.functions import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from keras_ref.losses.functions import mse as mse
from keras_ref.losses.functions import msle as msle
from keras_ref.losses.functions import poisson as poisson
from keras_ref.losses.functions import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from keras_ref.losses.functions import squared_hinge as squared_hinge
from keras_ref.losses.reduction import legacy_weighted_mean as legacy_weighted_mean

LossClass = type[LossFunctionWrapper]

#: The fourteen legacy loss classes, by their function's legacy name.
ALL_LOSSES: dict[str, LossClass] = {
    cls.default_name: cls
    for cls in (
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        SquaredHinge,
        Hinge,
        CategoricalHinge,
        LogCosh,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        BinaryCrossentropy,
        KLDivergence,
        Poisson,
        CosineProximity,
    )
}

#: Every string `get` accepts: legacy names and aliases, class names, two Keras 3 spellings.
NAMES: dict[str, LossClass] = {
    **ALL_LOSSES,
    **{cls.__name__: cls for cls in ALL_LOSSES.values()},
    **{alias: ALL_LOSSES[loss] for alias, loss in LOSS_ALIASES.items()},
    "kl_divergence": KLDivergence,
    "log_cosh": LogCosh,
}

_BY_FUNCTION: dict[Any, LossClass] = {cls.function: cls for cls in ALL_LOSSES.values()}

__all__ = [
    "ALL_LOSSES",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "NAMES",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineProximity",
    "Hinge",
    "KLDivergence",
    "LogCosh",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "binary_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "class_for",
    "cosine",
    "cosine_proximity",
    "deserialize",
    "get",
    "hinge",
    "kld",
    "kullback_leibler_divergence",
    "legacy_weighted_mean",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]


def class_for(name: str) -> LossClass:
    """The legacy loss class for a name, alias or class name; ValueError with a hint otherwise."""
    if not isinstance(name, str):
        raise TypeError(f"losses.class_for: `name` must be a string, got {name!r}.")
    key = name.split(">")[-1]
    if key in NAMES:
        return NAMES[key]
    raise ValueError(
        f"Unknown loss {name!r}.{did_you_mean(key, NAMES)} Known: {', '.join(sorted(ALL_LOSSES))} "
        f"(and the aliases {', '.join(dict.fromkeys(a.lower() for a in LOSS_ALIASES))} and the "
        "class names)."
    )


def serialize(loss: Any) -> str | dict:
    """Legacy `losses.serialize`: a function's name, ``{"class_name", "config"}`` for an object
    with ``get_config``; a `keras.losses.Loss` gives its Keras 3 config dict."""
    return legacy_objects.serialize(loss)


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Any:
    """A loss from a name or from a Keras 2 (``{"class_name", "config"}``) or Keras 3 config.

    As legacy, `custom_objects` and the active ``keras.saving.custom_object_scope`` come first: a
    name found there gives that object as is, a class is built from its config (``from_config``
    or ``cls(**config)``). Other names give the keras_ref `Loss`.
    """
    return legacy_objects.deserialize(
        config,
        custom_objects,
        owner="losses.deserialize",
        kind="loss",
        from_name=lambda name: class_for(name)(),
        from_class_name=_from_class_name,
    )


def _from_class_name(class_name: str, config: Any) -> keras.losses.Loss:
    if class_name.split(">")[-1] == "LossFunctionWrapper":
        return LossFunctionWrapper.from_config(config)
    if not isinstance(config, dict):
        raise ValueError(f"losses.deserialize: 'config' must be a dict, got {config!r}.")
    return class_for(class_name).from_config(config)


def get(identifier: Any) -> keras.losses.Loss | None:
    """Legacy `losses.get`: a name, a config dict, a function, a `Loss` class or instance.

    Legacy names and functions give the keras_ref class; any other ``f(y_true, y_pred)`` is
    wrapped in `LossFunctionWrapper` (legacy reduction); a `keras.losses.Loss` instance (also a
    stock one) is returned unchanged; None gives None.
    """
    if identifier is None:
        return None
    if isinstance(identifier, keras.losses.Loss):
        return identifier
    if isinstance(identifier, (str, dict)):
        loss = deserialize(identifier)
        return loss if isinstance(loss, keras.losses.Loss) or not callable(loss) else get(loss)
    if inspect.isclass(identifier) and issubclass(identifier, keras.losses.Loss):
        return identifier()
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        return cls() if cls is not None else LossFunctionWrapper(identifier)
    raise unknown_identifier(
        "losses.get",
        "a loss name (e.g. 'mse'), a config dict, a function f(y_true, y_pred) or a "
        "keras.losses.Loss",
        identifier,
    )
