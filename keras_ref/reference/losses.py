"""NumPy reference of the Keras 2.2.4 losses and their reduction.

Written from docs/legacy-formulas.md#losses and #loss-reduction.

Every function takes ``(y_true, y_pred)`` arrays of one shape (sparse crossentropy: integer labels
``(N,)`` or ``(N, 1)``) and returns the per-sample values (the mean, or sum, over the last axis).
``dtype=np.float64`` (the default) is the formula; ``dtype=np.float32`` replays float32 arithmetic
the way the legacy graph did: inputs and constants are rounded to float32 first, so
``1 - eps`` is ``fl32(1) - fl32(1e-7) = 0.99999988``. Arithmetic is IEEE, silently: ``0/0`` gives
NaN and ``log(0)`` gives -inf, as in legacy.

Nothing here imports Keras or the rest of keras_ref.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EPSILON = 1e-7  # keras.config.epsilon() default
L2_FLOOR = 1e-12  # TensorFlow's l2_normalize epsilon (a floor on the squared norm)

_quiet = np.errstate(all="ignore")


def _arrays(y_true, y_pred, dtype):
    y_true, y_pred = np.asarray(y_true, dtype), np.asarray(y_pred, dtype)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"shapes differ: y_true {y_true.shape}, y_pred {y_pred.shape}")
    return y_true, y_pred


def softplus(x, dtype=np.float64):
    """``log(1 + exp(x))`` without overflow (NumPy's `logaddexp`)."""
    x = np.asarray(x, dtype)
    return np.logaddexp(dtype(0), x)


def l2_normalize(x, dtype=np.float64):
    """``x / sqrt(max(sum(x**2, -1), 1e-12))``."""
    x = np.asarray(x, dtype)
    squared_norm = np.sum(np.square(x), axis=-1, keepdims=True)
    return x / np.sqrt(np.maximum(squared_norm, dtype(L2_FLOOR)))


@_quiet
def mean_squared_error(y_true, y_pred, dtype=np.float64):
    """``mean((ŷ - y)²)``."""
    y, p = _arrays(y_true, y_pred, dtype)
    return np.mean(np.square(p - y), axis=-1)


@_quiet
def mean_absolute_error(y_true, y_pred, dtype=np.float64):
    """``mean(|ŷ - y|)``."""
    y, p = _arrays(y_true, y_pred, dtype)
    return np.mean(np.abs(p - y), axis=-1)


@_quiet
def mean_absolute_percentage_error(y_true, y_pred, dtype=np.float64):
    """``100 * mean(|y - ŷ| / clip(|y|, eps, inf))``."""
    y, p = _arrays(y_true, y_pred, dtype)
    diff = np.abs((y - p) / np.maximum(np.abs(y), dtype(EPSILON)))
    return dtype(100) * np.mean(diff, axis=-1)


@_quiet
def mean_squared_logarithmic_error(y_true, y_pred, dtype=np.float64):
    """``mean((log(clip(ŷ, eps, inf) + 1) - log(clip(y, eps, inf) + 1))²)``."""
    y, p = _arrays(y_true, y_pred, dtype)
    eps = dtype(EPSILON)
    first = np.log(np.maximum(p, eps) + dtype(1))
    second = np.log(np.maximum(y, eps) + dtype(1))
    return np.mean(np.square(first - second), axis=-1)


@_quiet
def squared_hinge(y_true, y_pred, dtype=np.float64):
    """``mean(max(1 - y*ŷ, 0)²)``, labels as given."""
    y, p = _arrays(y_true, y_pred, dtype)
    return np.mean(np.square(np.maximum(dtype(1) - y * p, dtype(0))), axis=-1)


@_quiet
def hinge(y_true, y_pred, dtype=np.float64):
    """``mean(max(1 - y*ŷ, 0))``, labels as given."""
    y, p = _arrays(y_true, y_pred, dtype)
    return np.mean(np.maximum(dtype(1) - y * p, dtype(0)), axis=-1)


@_quiet
def categorical_hinge(y_true, y_pred, dtype=np.float64):
    """``max(0, max((1 - y)*ŷ) - sum(y*ŷ) + 1)``."""
    y, p = _arrays(y_true, y_pred, dtype)
    positive = np.sum(y * p, axis=-1)
    negative = np.max((dtype(1) - y) * p, axis=-1)
    return np.maximum(dtype(0), negative - positive + dtype(1))


@_quiet
def logcosh(y_true, y_pred, dtype=np.float64):
    """``mean(x + softplus(-2x) - log 2)``, ``x = ŷ - y``."""
    y, p = _arrays(y_true, y_pred, dtype)
    x = p - y
    return np.mean(x + softplus(dtype(-2) * x, dtype) - dtype(np.log(2.0)), axis=-1)


def _log_softmax(z, axis=-1):
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@_quiet
def categorical_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """``p = ŷ / sum(ŷ)``; ``-sum(y * log(clip(p, eps, 1 - eps)))``; logits: softmax CE."""
    y, p = _arrays(y_true, y_pred, dtype)
    if from_logits:
        return -np.sum(y * _log_softmax(p), axis=-1)
    eps = dtype(EPSILON)
    p = p / np.sum(p, axis=-1, keepdims=True)
    p = np.clip(p, eps, dtype(1) - eps)
    return -np.sum(y * np.log(p), axis=-1)


@_quiet
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """``-log_softmax(log(clip(ŷ, eps, 1 - eps)))[label]``; a label outside [0, C) gives NaN."""
    p = np.asarray(y_pred, dtype)
    labels = np.asarray(y_true).reshape(-1).astype(np.int64)
    rows = p.reshape(-1, p.shape[-1])
    if labels.shape[0] != rows.shape[0]:
        raise ValueError(f"{labels.shape[0]} labels for {rows.shape[0]} rows")
    if not from_logits:
        eps = dtype(EPSILON)
        rows = np.log(np.clip(rows, eps, dtype(1) - eps))
    log_probabilities = _log_softmax(rows)
    valid = (labels >= 0) & (labels < rows.shape[-1])
    picked = log_probabilities[np.arange(rows.shape[0]), np.where(valid, labels, 0)]
    losses = np.where(valid, -picked, dtype(np.nan))
    return losses.reshape(p.shape[:-1])


@_quiet
def binary_crossentropy(y_true, y_pred, from_logits=False, dtype=np.float64):
    """``mean(max(z, 0) - z*y + log(1 + exp(-|z|)))``, ``z = log(p/(1-p))``, ``p = clip(ŷ)``."""
    y, z = _arrays(y_true, y_pred, dtype)
    if not from_logits:
        eps = dtype(EPSILON)
        p = np.clip(z, eps, dtype(1) - eps)
        z = np.log(p / (dtype(1) - p))
    return np.mean(np.maximum(z, dtype(0)) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)


@_quiet
def kullback_leibler_divergence(y_true, y_pred, dtype=np.float64):
    """``sum(t * log(t / p))``, ``t, p = clip(y, eps, 1), clip(ŷ, eps, 1)``."""
    y, p = _arrays(y_true, y_pred, dtype)
    eps = dtype(EPSILON)
    y, p = np.clip(y, eps, dtype(1)), np.clip(p, eps, dtype(1))
    return np.sum(y * np.log(y / p), axis=-1)


@_quiet
def poisson(y_true, y_pred, dtype=np.float64):
    """``mean(ŷ - y * log(ŷ + eps))``."""
    y, p = _arrays(y_true, y_pred, dtype)
    return np.mean(p - y * np.log(p + dtype(EPSILON)), axis=-1)


@_quiet
def cosine_proximity(y_true, y_pred, dtype=np.float64):
    """``-sum(l2n(y) * l2n(ŷ))``."""
    y, p = _arrays(y_true, y_pred, dtype)
    return -np.sum(l2_normalize(y, dtype) * l2_normalize(p, dtype), axis=-1)


#: Legacy name -> reference function (the aliases included).
LOSSES: dict[str, Callable] = {
    "mean_squared_error": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "squared_hinge": squared_hinge,
    "hinge": hinge,
    "categorical_hinge": categorical_hinge,
    "logcosh": logcosh,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy,
    "kullback_leibler_divergence": kullback_leibler_divergence,
    "poisson": poisson,
    "cosine_proximity": cosine_proximity,
}


@_quiet
def legacy_reduce(scores, sample_weight=None, mask=None, dtype=np.float64):
    """Legacy batch value: ``L*M/mean(M)``; mean over axes beyond ``w``; ``L*w/mean(w != 0)``; mean.

    With weights and no mask this is ``sum(L*w) / count(w != 0)``.
    """
    scores = np.asarray(scores, dtype)
    if mask is not None:
        mask = np.asarray(mask, dtype)
        scores = scores * mask / np.mean(mask)
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype)
        extra = tuple(range(weights.ndim, scores.ndim))
        if extra:
            scores = np.mean(scores, axis=extra)
        scores = scores * weights / np.mean((weights != 0).astype(dtype))
    return np.mean(scores)


def keras3_weighted_reduce(scores, sample_weight, dtype=np.float64):
    """Stock Keras 3 ``sum_over_batch_size`` with weights: ``sum(L*w) / N`` (the known delta)."""
    scores, weights = np.asarray(scores, dtype), np.asarray(sample_weight, dtype)
    return np.sum(scores * weights) / dtype(scores.size)
