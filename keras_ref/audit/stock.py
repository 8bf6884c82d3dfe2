"""Stock Keras 3 counterparts of a legacy configuration.

- `stock_equivalent`: the stock optimizer that computes the same legacy update (the table in
  docs/legacy-formulas.md#stock-keras-3-optimizers), or None where none exists (RMSprop and Adagrad
  with eps > 0, Nadam with ``schedule_decay != 1``, clipnorm together with clipvalue).
- `stock_default`: what a naive migration gets: the stock class with its own defaults.
"""

from __future__ import annotations

import keras

STOCK_CLASSES = {
    "sgd": keras.optimizers.SGD,
    "rmsprop": keras.optimizers.RMSprop,
    "adagrad": keras.optimizers.Adagrad,
    "adadelta": keras.optimizers.Adadelta,
    "adam": keras.optimizers.Adam,
    "adamax": keras.optimizers.Adamax,
    "nadam": keras.optimizers.Nadam,
}


def stock_equivalent(name: str, config: dict, defaults: dict) -> keras.optimizers.Optimizer | None:
    """The stock optimizer equal to legacy `name` with `config` (over `defaults`), if any."""
    h = {**defaults, **{k: v for k, v in config.items() if v is not None}}
    if h.get("clipnorm") and h.get("clipvalue"):
        return None  # stock allows only one clipping option
    clip = {}
    if h.get("clipnorm"):
        clip["global_clipnorm"] = h["clipnorm"]
    if h.get("clipvalue"):
        clip["clipvalue"] = h["clipvalue"]
    lr = h["lr"]
    if h.get("decay"):
        lr = keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=h["decay"])
    if name == "sgd":
        return keras.optimizers.SGD(lr, momentum=h["momentum"], nesterov=h["nesterov"], **clip)
    if name == "adam":
        return keras.optimizers.Adam(
            lr, h["beta_1"], h["beta_2"], h["epsilon"], amsgrad=h["amsgrad"], **clip
        )
    if name == "adamax":
        return keras.optimizers.Adamax(lr, h["beta_1"], h["beta_2"], h["epsilon"], **clip)
    if name == "adadelta":
        return keras.optimizers.Adadelta(lr, h["rho"], h["epsilon"], **clip)
    if name == "rmsprop" and h["epsilon"] == 0:
        return keras.optimizers.RMSprop(lr, h["rho"], epsilon=0.0, **clip)
    if name == "adagrad" and h["epsilon"] == 0:
        return keras.optimizers.Adagrad(lr, initial_accumulator_value=0.0, epsilon=0.0, **clip)
    if name == "nadam" and h["schedule_decay"] == 1.0:
        return keras.optimizers.Nadam(lr, h["beta_1"], h["beta_2"], h["epsilon"], **clip)
    return None


def stock_default(name: str) -> keras.optimizers.Optimizer:
    """The stock class with its own defaults: what `optimizer="<name>"` gives in Keras 3."""
    return STOCK_CLASSES[name]()


def closest_stock(name: str, defaults: dict) -> keras.optimizers.Optimizer:
    """The stock optimizer closest to legacy defaults: the exact equivalent, else same settings."""
    exact = stock_equivalent(name, {}, defaults)
    if exact is not None:
        return exact
    if name == "rmsprop":
        return keras.optimizers.RMSprop(
            defaults["lr"], defaults["rho"], epsilon=defaults["epsilon"]
        )
    if name == "adagrad":
        return keras.optimizers.Adagrad(
            defaults["lr"], initial_accumulator_value=0.0, epsilon=defaults["epsilon"]
        )
    return keras.optimizers.Nadam(
        defaults["lr"], defaults["beta_1"], defaults["beta_2"], defaults["epsilon"]
    )


def tf2_counterpart(class_name: str) -> keras.optimizers.Optimizer:
    """The stock class of the same name with its own defaults (tf.keras 2.x's default values;
    see docs/tf2-optimizers.md for where the formulas differ): what a tf.keras 2.x
    ``optimizer="<name>"`` becomes in Keras 3, and `keras-ref bench --family tf2`'s baseline."""
    return getattr(keras.optimizers, class_name)()
