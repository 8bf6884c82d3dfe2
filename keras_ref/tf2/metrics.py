"""tf.keras 2.x metrics: what differs from stock Keras 3, and the tf.keras string lookup.

tf.keras 2.x (TF >= 2.2) computed its accuracies and its epoch averages as stock Keras 3 does
(``binary_accuracy`` thresholds at ``ŷ > 0.5``; weighted metrics are ``sum(w v) / sum(w)`` over the
epoch), so those are stock. What differs are the crossentropy metrics, which are the tf.keras
losses (`keras_ref.tf2.losses`: ``log(p + eps)`` and the logits shortcut), and the strings:

- ``'accuracy'``/``'acc'`` by shape only (TF 2.2+): binary if ``ŷ`` has last dimension 1, sparse
  if ``rank(y) < rank(ŷ)`` or (``y`` has last dimension 1 and ``ŷ`` more), else categorical;
- ``'crossentropy'``/``'ce'`` by the same rule, to the three crossentropies;
- ``'logcosh'``, ``'kld'``, ``'cosine_proximity'``... (names stock Keras 3 dropped).

See docs/tf2-losses-metrics.md.
"""

from __future__ import annotations

from typing import Any

import keras

from keras_ref._validation import did_you_mean
from keras_ref.tf2 import losses as tf2_losses
from keras_ref.tf2.losses import binary_crossentropy as binary_crossentropy
from keras_ref.tf2.losses import categorical_crossentropy as categorical_crossentropy
from keras_ref.tf2.losses import sparse_categorical_crossentropy as sparse_categorical_crossentropy

__all__ = [
    "AUTO_NAMES",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "crossentropy_by_shape",
    "get",
    "shape_kind",
    "sparse_categorical_crossentropy",
]

_register = keras.saving.register_keras_serializable(package="keras_ref.tf2.metrics")

#: Metric strings resolved from the shapes of ``y_true`` and ``y_pred`` (compared lower-case).
AUTO_NAMES = ("accuracy", "acc", "crossentropy", "ce")


def shape_kind(true_shape, pred_shape) -> str:
    """``"binary"``, ``"sparse"`` or ``"categorical"``: the tf.keras 2.2+ rule (module doc)."""
    true_shape, pred_shape = tuple(true_shape), tuple(pred_shape)
    if pred_shape[-1] == 1:
        return "binary"
    if len(true_shape) < len(pred_shape) or (true_shape[-1] == 1 and pred_shape[-1] != 1):
        return "sparse"
    return "categorical"


_CROSSENTROPY_BY_KIND = {
    "binary": binary_crossentropy,
    "sparse": sparse_categorical_crossentropy,
    "categorical": categorical_crossentropy,
}


@_register
def crossentropy_by_shape(y_true, y_pred):
    """The crossentropy that ``'crossentropy'``/``'ce'`` chose in tf.keras, by `shape_kind`."""
    kind = shape_kind(keras.ops.shape(y_true), keras.ops.shape(y_pred))
    return _CROSSENTROPY_BY_KIND[kind](y_true, y_pred)


class _Tf2CrossentropyMetric(keras.metrics.MeanMetricWrapper):
    fn: Any
    default_name: str

    def __init__(self, name: str | None = None, dtype: Any = None, from_logits: bool = False):
        super().__init__(
            type(self).fn, name=name or self.default_name, dtype=dtype, from_logits=from_logits
        )

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


@_register
class BinaryCrossentropy(_Tf2CrossentropyMetric):
    """Epoch mean of tf.keras 2.x `binary_crossentropy` (``log(p + eps)``, logits shortcut)."""

    fn = staticmethod(binary_crossentropy)
    default_name = "binary_crossentropy"


@_register
class CategoricalCrossentropy(_Tf2CrossentropyMetric):
    """Epoch mean of tf.keras 2.x `categorical_crossentropy` (logits shortcut)."""

    fn = staticmethod(categorical_crossentropy)
    default_name = "categorical_crossentropy"


@_register
class SparseCategoricalCrossentropy(_Tf2CrossentropyMetric):
    """Epoch mean of tf.keras 2.x `sparse_categorical_crossentropy` (logits shortcut)."""

    fn = staticmethod(sparse_categorical_crossentropy)
    default_name = "sparse_categorical_crossentropy"


_OWN: dict[str, Any] = {
    "binary_crossentropy": binary_crossentropy,
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}
_CLASSES = {
    cls.__name__: cls
    for cls in (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)
}

#: tf.keras 2.x metric names that stock Keras 3 no longer resolves, and the stock name.
STOCK_RENAMED = {
    "logcosh": "log_cosh_error",
    "log_cosh": "log_cosh_error",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence",
    "cosine_proximity": "cosine_similarity",
}


def get(identifier: Any) -> Any:
    """A metric the way tf.keras 2.x ``compile`` resolved it, for Keras 3 ``model.compile``.

    ``'accuracy'``/``'acc'`` are returned unchanged: stock Keras 3 resolves them by shape exactly
    as tf.keras 2.2+ did. ``'crossentropy'``/``'ce'`` and the crossentropy names give a metric
    over `keras_ref.tf2.losses`; other names resolve in stock Keras 3 (dropped tf.keras names
    via `STOCK_RENAMED`), keeping the string as the metric's name. Objects and callables pass.
    """
    if not isinstance(identifier, str):
        if (
            identifier is None
            or callable(identifier)
            or isinstance(identifier, keras.metrics.Metric)
        ):
            return _CLASSES_BY_FN.get(identifier, lambda: identifier)()
        raise TypeError(
            "tf2.metrics.get: `identifier` must be a metric name, a function f(y_true, y_pred) or "
            f"a keras.metrics.Metric, got {identifier!r} ({type(identifier).__name__})."
        )
    lowered = identifier.lower()
    if lowered in ("accuracy", "acc"):
        return identifier
    if lowered in ("crossentropy", "ce"):
        return keras.metrics.MeanMetricWrapper(crossentropy_by_shape, name=identifier)
    if identifier in _OWN:
        return keras.metrics.MeanMetricWrapper(_OWN[identifier], name=identifier)
    if identifier in _CLASSES:
        return _CLASSES[identifier]()
    try:
        metric = keras.metrics.get(STOCK_RENAMED.get(identifier, identifier))
    except ValueError:
        raise ValueError(
            f"Unknown tf.keras 2.x metric {identifier!r}."
            f"{did_you_mean(identifier, [*_OWN, *STOCK_RENAMED, *AUTO_NAMES])}"
        ) from None
    if not isinstance(metric, keras.metrics.Metric):
        metric = keras.metrics.MeanMetricWrapper(metric)
    metric.name = identifier
    return metric


_CLASSES_BY_FN = {
    tf2_losses.binary_crossentropy: BinaryCrossentropy,
    tf2_losses.categorical_crossentropy: CategoricalCrossentropy,
    tf2_losses.sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}
