"""tf.keras 2.x ``model.compile`` on a Keras 3 model: ``compile(model, optimizer, loss, ...)``.

>>> import keras_ref
>>> keras_ref.tf2.compile(model, "adam", "binary_crossentropy",
...                       metrics=["accuracy"])  # doctest: +SKIP

Every argument is resolved the tf.keras 2.x way, then Keras 3 ``model.compile`` is called:

- `optimizer` (default ``"rmsprop"``, as tf.keras) by `keras_ref.tf2.optimizer_lookup.get`;
- `loss` (one, a list or a dict by output name) by `keras_ref.tf2.losses.get`;
- `metrics`/`weighted_metrics` (a list, a list per output or a dict) by
  `keras_ref.tf2.metrics.get`: ``'accuracy'`` by shape only, ``'crossentropy'`` too;
- on jax the model's softmax/sigmoid activations note their logits, so the crossentropy
  losses take the logits shortcut there as tf.keras did (`keras_ref.tf2.logits`).

`loss_weights`, `run_eagerly`, `steps_per_execution` and `jit_compile` pass through. Batch losses
use tf.keras's ``SUM_OVER_BATCH_SIZE`` reduction and metrics its epoch average (both stock).
See docs/tf2-losses-metrics.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import keras

from keras_ref._validation import did_you_mean
from keras_ref.tf2 import losses as tf2_losses
from keras_ref.tf2 import metrics as tf2_metrics
from keras_ref.tf2 import optimizer_lookup
from keras_ref.tf2.logits import install_logits_recording

__all__ = ["PASSED_THROUGH", "compile"]

#: Keyword arguments of tf.keras 2.x ``compile`` passed to Keras 3 ``model.compile`` unchanged.
PASSED_THROUGH = frozenset({"run_eagerly", "steps_per_execution", "jit_compile"})


def compile(
    model: keras.Model,
    optimizer: Any = "rmsprop",
    loss: Any = None,
    metrics: Any = None,
    loss_weights: Any = None,
    weighted_metrics: Any = None,
    **kwargs: Any,
) -> None:
    """Configure `model` for training with tf.keras 2.x ``compile`` semantics (module doc)."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"tf2.compile: `model` must be a keras.Model, got {type(model).__name__}.")
    for key in kwargs:
        if key not in PASSED_THROUGH:
            raise TypeError(
                f"tf2.compile got an unexpected keyword argument `{key}`."
                f"{did_you_mean(key, PASSED_THROUGH)} Allowed: {', '.join(sorted(PASSED_THROUGH))}"
                " (tf.keras's `sample_weight_mode`, `target_tensors` and `distribute` have no "
                "Keras 3 meaning)."
            )
    if keras.backend.backend() == "jax":
        install_logits_recording(model)
    model.compile(
        optimizer=optimizer_lookup.get(optimizer),
        loss=_map_leaves(loss, tf2_losses.get, "loss"),
        loss_weights=loss_weights,
        metrics=_map_leaves(metrics, tf2_metrics.get, "metrics"),
        weighted_metrics=_map_leaves(weighted_metrics, tf2_metrics.get, "weighted_metrics"),
        **kwargs,
    )


def _map_leaves(value: Any, resolve: Callable[[Any], Any], argument: str) -> Any:
    """`value` with every leaf (not a list, tuple or dict) replaced by ``resolve(leaf)``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {key: _map_leaves(item, resolve, argument) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_map_leaves(item, resolve, argument) for item in value)
    try:
        return resolve(value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"tf2.compile: `{argument}`: {error}") from None
