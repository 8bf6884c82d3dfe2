"""The Keras 2.2.4 metrics, with the legacy epoch average (docs/legacy-formulas.md#metrics).

Per-sample functions (``(N, C)`` inputs give ``(N,)`` values):

- ``binary_accuracy``: ``mean(y == round(ŷ), -1)``, half to even (stock: ``ŷ > 0.5``);
- ``categorical_accuracy``: ``argmax(y, -1) == argmax(ŷ, -1)``;
- ``sparse_categorical_accuracy``: ``max(y, -1) == argmax(ŷ, -1)`` (labels ``(N, 1)`` or ``(N,)``);
- ``top_k_categorical_accuracy`` / ``sparse_top_k_categorical_accuracy`` (k=5): the batch mean
  of TensorFlow's `in_top_k` on every backend (ties at the k-th value count as in the top k).

The loss functions are re-exported under their legacy names (``metrics.mean_squared_error``,
``metrics.mse``, ...), as Keras 2.2.4 did.

The `Metric` classes reduce each batch like the legacy loss (`legacy_weighted_mean`: a mask, and
``sum(w*v) / count(w != 0)`` when sample weights are passed, i.e. for ``weighted_metrics``), then
average the batch values weighted by batch size. Differs from stock Keras 3, which accumulates
``sum(w*v) / sum(w)`` over the whole epoch: 7 samples in batches 3/3/1 can give 1.285714 (legacy)
where stock gives 0.75. Unweighted metrics agree with stock up to the batch-value rounding.

One concept per module: `functions` (per-sample), `classes` (the epoch average), `auto` (the
legacy 'acc'/'ce' rule), `lookup` (`get`, `serialize`, `deserialize`).
"""

from __future__ import annotations

from keras_ref.losses import functions as _loss_functions
from keras_ref.metrics.auto import LegacyAutoMetric, accuracy_kind
from keras_ref.metrics.classes import (
    BinaryAccuracy,
    CategoricalAccuracy,
    MeanMetricWrapper,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from keras_ref.metrics.functions import (
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from keras_ref.metrics.lookup import ALL_METRICS, deserialize, get, serialize

#: The loss functions (and aliases) Keras 2.2.4 re-exported from `keras.metrics`: all but these.
_NOT_REEXPORTED = ("KLD", "kld", "categorical_hinge")
LOSS_REEXPORTS = tuple(n for n in _loss_functions.__all__ if n not in _NOT_REEXPORTED)
globals().update({name: getattr(_loss_functions, name) for name in LOSS_REEXPORTS})

__all__ = [
    "ALL_METRICS",
    "LOSS_REEXPORTS",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "LegacyAutoMetric",
    "MeanMetricWrapper",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "accuracy_kind",
    "binary_accuracy",
    "categorical_accuracy",
    "deserialize",
    "get",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
    *LOSS_REEXPORTS,
]
