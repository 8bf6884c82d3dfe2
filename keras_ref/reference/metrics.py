"""NumPy reference of the Keras 2.2.4 metrics and the epoch average.

Written from docs/legacy-formulas.md#metrics.

Per-sample metric functions of ``(y_true, y_pred)``; `in_top_k` with TensorFlow's rule; the
legacy epoch value of a metric (`legacy_epoch_value`: each batch reduced by `legacy_reduce`, then
the batch-size-weighted mean); and stock Keras 3's weighted epoch rule for the known delta.

Nothing here imports Keras or the rest of keras_ref.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from keras_ref.reference.losses import legacy_reduce


def binary_accuracy(y_true, y_pred, dtype=np.float64):
    """``mean(y == round(ŷ), -1)``, round half to even."""
    y, p = np.asarray(y_true, dtype), np.asarray(y_pred, dtype)
    return np.mean((y == np.round(p)).astype(dtype), axis=-1)


def categorical_accuracy(y_true, y_pred, dtype=np.float64):
    """``argmax(y, -1) == argmax(ŷ, -1)`` (first maximum on ties)."""
    y, p = np.asarray(y_true, dtype), np.asarray(y_pred, dtype)
    return (np.argmax(y, axis=-1) == np.argmax(p, axis=-1)).astype(dtype)


def _sparse_labels(y_true, y_pred):
    y = np.asarray(y_true)
    return np.max(y, axis=-1) if y.ndim == np.ndim(y_pred) else y


def sparse_categorical_accuracy(y_true, y_pred, dtype=np.float64):
    """``max(y, -1) == argmax(ŷ, -1)``; labels ``(N, 1)`` or ``(N,)``."""
    p = np.asarray(y_pred, dtype)
    return (_sparse_labels(y_true, p) == np.argmax(p, axis=-1)).astype(dtype)


def in_top_k(predictions, targets, k):
    """TensorFlow's `in_top_k`: fewer than `k` entries of the row are strictly larger than the
    target's; False for a row with any non-finite entry, an out-of-range target, or ``k <= 0``."""
    rows = np.asarray(predictions, np.float64)
    classes = rows.shape[-1]
    rows = rows.reshape(-1, classes)
    targets = np.asarray(targets).reshape(-1).astype(np.int64)
    out = np.zeros(rows.shape[0], dtype=bool)
    for i, (row, target) in enumerate(zip(rows, targets)):
        if not (0 <= target < classes) or not np.all(np.isfinite(row)):
            continue
        out[i] = np.count_nonzero(row > row[target]) < k
    return out.reshape(np.shape(predictions)[:-1])


def top_k_categorical_accuracy(y_true, y_pred, k=5, dtype=np.float64):
    """``mean(in_top_k(ŷ, argmax(y, -1), k), -1)``: the batch mean, as legacy."""
    hits = in_top_k(y_pred, np.argmax(np.asarray(y_true), axis=-1), k).astype(dtype)
    return np.mean(hits, axis=-1, dtype=dtype)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, dtype=np.float64):
    """``mean(in_top_k(ŷ, int(max(y, -1)), k), -1)``; labels ``(N, 1)`` or ``(N,)``."""
    labels = _sparse_labels(y_true, y_pred).astype(np.int64)
    return np.mean(in_top_k(y_pred, labels, k).astype(dtype), axis=-1, dtype=dtype)


#: Legacy metric name -> reference function.
METRICS: dict[str, Callable] = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
}


def epoch_mean(batch_values, batch_sizes) -> float:
    """``sum(v_b * n_b) / sum(n_b)``: the legacy epoch value from per-batch values."""
    values = np.asarray(batch_values, np.float64)
    sizes = np.asarray(batch_sizes, np.float64)
    return float(np.sum(values * sizes) / np.sum(sizes))


def legacy_epoch_value(
    fn: Callable, y_true, y_pred, batch_size: int, sample_weight=None, mask=None
) -> float:
    """The legacy epoch value of metric (or loss) `fn` over batches of `batch_size` samples.

    Each batch: ``legacy_reduce(fn(y, ŷ), sample_weight, mask)`` (weights only for weighted
    metrics); then `epoch_mean`.
    """
    n = len(y_pred)
    values, sizes = [], []
    for start in range(0, n, batch_size):
        part = slice(start, start + batch_size)
        weights = None if sample_weight is None else np.asarray(sample_weight)[part]
        batch_mask = None if mask is None else np.asarray(mask)[part]
        scores = fn(np.asarray(y_true)[part], np.asarray(y_pred)[part])
        values.append(legacy_reduce(scores, weights, batch_mask))
        sizes.append(len(np.asarray(y_pred)[part]))
    return epoch_mean(values, sizes)


def keras3_weighted_epoch_value(values, sample_weight) -> float:
    """Stock Keras 3's weighted epoch value: ``sum(w*v) / sum(w)`` over all samples."""
    values, weights = np.asarray(values, np.float64), np.asarray(sample_weight, np.float64)
    return float(np.sum(values * weights) / np.sum(weights))
