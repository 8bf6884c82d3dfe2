"""NumPy reference of the tf.keras 2.x losses and metric rules that differ from stock Keras 3.

Written from the formulas in docs/tf2-losses-metrics.md. Conventions as in
`keras_ref.reference.losses` (``dtype=np.float32`` replays float32 arithmetic, inputs and
constants rounded first). The categorical and sparse crossentropies on probabilities, and every
``from_logits`` form, are the Keras 2.2.4 ones; only the binary crossentropy on probabilities, the
logits shortcut and the reduction are new here.

Nothing here imports Keras or the rest of keras_ref outside `keras_ref.reference`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from keras_ref.reference import losses as keras2
from keras_ref.reference.losses import EPSILON

__all__ = [
    "LOSSES",
    "LOSS_CAP",
    "SHORTCUT_ACTIVATIONS",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "shape_kind",
    "sigmoid",
    "softmax",
    "sparse_categorical_crossentropy",
    "sum_over_batch_size",
]

#: Largest per-element binary crossentropy on probabilities: ``-log(2 eps)`` (float64).
LOSS_CAP = -np.log(2 * EPSILON)

_quiet = np.errstate(all="ignore")


@_quiet
def binary_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """``-mean(y log(p + eps) + (1 - y) log(1 - p + eps))``, ``p = clip(ŷ, eps, 1 - eps)``.

    ``from_logits=True``: ``mean(max(z, 0) - z y + log(1 + exp(-|z|)))`` (as Keras 2.2.4).
    """
    if from_logits:
        return keras2.binary_crossentropy(y_true, y_pred, from_logits=True, dtype=dtype)
    y, p = keras2._arrays(y_true, y_pred, dtype)
    one, eps = dtype(1), dtype(EPSILON)
    p = np.clip(p, eps, one - eps)
    return np.mean(-(y * np.log(p + eps) + (one - y) * np.log(one - p + eps)), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """Keras 2.2.4's: normalise, clip, ``-sum(y log p)``; logits: softmax crossentropy."""
    return keras2.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, dtype=dtype)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """Keras 2.2.4's: ``-log_softmax(log(clip(ŷ)))[label]``; logits: ``-log_softmax(z)[label]``."""
    return keras2.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=from_logits, dtype=dtype
    )


#: The crossentropies and the activation whose output makes tf.keras use the logits instead.
LOSSES: dict[str, Callable] = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}
SHORTCUT_ACTIVATIONS: dict[str, str] = {
    "binary_crossentropy": "sigmoid",
    "categorical_crossentropy": "softmax",
    "sparse_categorical_crossentropy": "softmax",
}


@_quiet
def sigmoid(z, dtype=np.float64):
    """``1 / (1 + exp(-z))``."""
    z = np.asarray(z, dtype)
    return dtype(1) / (dtype(1) + np.exp(-z))


@_quiet
def softmax(z, dtype=np.float64):
    """``exp(z - max z) / sum(exp(z - max z))`` over the last axis."""
    z = np.asarray(z, dtype)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def binary_accuracy(y_true, y_pred, threshold=0.5, dtype=np.float64):
    """``mean(y == (ŷ > threshold), -1)`` (tf.keras 2.x and stock; Keras 2.2.4 rounded)."""
    y, p = keras2._arrays(y_true, y_pred, dtype)
    return np.mean((y == (p > dtype(threshold)).astype(dtype)).astype(dtype), axis=-1)


def shape_kind(true_shape, pred_shape) -> str:
    """``'accuracy'``/``'crossentropy'`` choice of TF 2.2+: binary, sparse or categorical."""
    true_shape, pred_shape = tuple(true_shape), tuple(pred_shape)
    if pred_shape[-1] == 1:
        return "binary"
    if len(true_shape) < len(pred_shape) or (true_shape[-1] == 1 and pred_shape[-1] > 1):
        return "sparse"
    return "categorical"


@_quiet
def sum_over_batch_size(scores, sample_weight=None, mask=None, dtype=np.float64):
    """tf.keras ``SUM_OVER_BATCH_SIZE``: ``sum(L w M) / sum(M)``; no mask: ``sum(L w) / N``."""
    scores = np.asarray(scores, dtype)
    weights = np.ones_like(scores) if sample_weight is None else np.asarray(sample_weight, dtype)
    weights = np.broadcast_to(
        weights.reshape(weights.shape + (1,) * (scores.ndim - weights.ndim)), scores.shape
    )
    if mask is None:
        return np.sum(scores * weights) / dtype(scores.size)
    mask = np.asarray(mask, dtype)
    return np.sum(scores * weights * mask) / np.sum(mask)
