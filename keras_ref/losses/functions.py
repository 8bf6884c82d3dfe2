"""The fourteen Keras 2.2.4 loss functions, per sample, and their aliases.

Formulas: docs/legacy-formulas.md#losses.

Each returns one value per sample: the mean (or sum, where stated) over the last axis, so an
``(N, C)`` input gives ``(N,)`` and ``(N, T, C)`` gives ``(N, T)``. ``eps = keras.config.epsilon()``
(1e-7) is read at call time and rounded once to the input dtype. The reduction over samples (and
sample weights, masks) is `keras_ref.losses.legacy_weighted_mean`, applied by the `Loss` classes.

Targets are cast to the prediction's dtype. A target of shape ``(N,)`` for a prediction of shape
``(N, 1)`` is read as ``(N, 1)`` (legacy `fit` did the same); other shape mismatches raise.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from keras_ref import backend as K
from keras_ref._numerics import constant, tensor
from keras_ref._symbolic import accepts_symbolic

__all__ = [
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "binary_crossentropy",
    "categorical_crossentropy",
    "categorical_hinge",
    "cosine",
    "cosine_proximity",
    "hinge",
    "kld",
    "kullback_leibler_divergence",
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
    "sparse_categorical_crossentropy",
    "squared_hinge",
]

_register = keras.saving.register_keras_serializable(package="keras_ref")


def prepare(owner: str, y_true, y_pred):
    """``(y_true, y_pred)`` as tensors of one float dtype and one shape, or a ValueError."""
    y_pred = tensor(y_pred)
    if not keras.backend.is_float_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, keras.config.floatx())
    y_true = tensor(y_true, dtype=y_pred.dtype)
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if len(true_shape) == len(pred_shape) - 1 and pred_shape[-1] == 1:
        y_true = ops.expand_dims(y_true, -1)
        true_shape = (*true_shape, 1)
    if not _compatible(true_shape, pred_shape):
        raise ValueError(
            f"{owner}: `y_true` and `y_pred` must have the same shape; got y_true shape "
            f"{true_shape} and y_pred shape {pred_shape}."
        )
    return y_true, y_pred


def _compatible(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


# -- regression ---------------------------------------------------------------------------------
@_register
@accepts_symbolic
def mean_squared_error(y_true, y_pred):
    """``mean((y_pred - y_true)**2, -1)``."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return K.mean(K.square(y_pred - y_true), axis=-1)


@_register
@accepts_symbolic
def mean_absolute_error(y_true, y_pred):
    """``mean(|y_pred - y_true|, -1)``."""
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return K.mean(K.abs(y_pred - y_true), axis=-1)


@_register
@accepts_symbolic
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / clip(|y_true|, eps, inf), -1)``."""
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = K.abs((y_true - y_pred) / K.clip(K.abs(y_true), K.epsilon(), None))
    return ops.multiply(constant(100.0, diff.dtype), K.mean(diff, axis=-1))


@_register
@accepts_symbolic
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(clip(y_pred, eps, inf) + 1) - log(clip(y_true, eps, inf) + 1))**2, -1)``."""
    y_true, y_pred = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    one = constant(1.0, y_pred.dtype)
    first_log = K.log(K.clip(y_pred, K.epsilon(), None) + one)
    second_log = K.log(K.clip(y_true, K.epsilon(), None) + one)
    return K.mean(K.square(first_log - second_log), axis=-1)


@_register
@accepts_symbolic
def logcosh(y_true, y_pred):
    """``mean(x + softplus(-2x) - log 2, -1)`` with ``x = y_pred - y_true`` (= log cosh x).

    Differs from stock Keras 3: the name `logcosh` no longer resolves there (`log_cosh` does).
    """
    y_true, y_pred = prepare("logcosh", y_true, y_pred)
    x = y_pred - y_true
    dtype = x.dtype
    log2 = constant(math.log(2.0), dtype)
    return K.mean(x + K.softplus(ops.multiply(constant(-2.0, dtype), x)) - log2, axis=-1)


@_register
@accepts_symbolic
def cosine_proximity(y_true, y_pred):
    """``-sum(l2n(y_true) * l2n(y_pred), -1)``, ``l2n(x) = x / sqrt(max(sum(x**2), 1e-12))``.

    Differs from stock Keras 3: `cosine_similarity` floors the norm at eps, not the squared norm
    at 1e-12, and the names `cosine_proximity`/`cosine` no longer resolve.
    """
    y_true, y_pred = prepare("cosine_proximity", y_true, y_pred)
    return -K.sum(K.l2_normalize(y_true, axis=-1) * K.l2_normalize(y_pred, axis=-1), axis=-1)


# -- hinge --------------------------------------------------------------------------------------
@_register
@accepts_symbolic
def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true*y_pred, 0)**2, -1)``; labels are used as given (no {0,1} mapping).

    Differs from stock Keras 3: stock maps labels in {0, 1} to {-1, 1} first.
    """
    y_true, y_pred = prepare("squared_hinge", y_true, y_pred)
    one = constant(1.0, y_pred.dtype)
    return K.mean(K.square(K.maximum(ops.subtract(one, y_true * y_pred), 0.0)), axis=-1)


@_register
@accepts_symbolic
def hinge(y_true, y_pred):
    """``mean(max(1 - y_true*y_pred, 0), -1)``; labels are used as given (no {0,1} mapping).

    Differs from stock Keras 3: stock maps labels in {0, 1} to {-1, 1} first.
    """
    y_true, y_pred = prepare("hinge", y_true, y_pred)
    one = constant(1.0, y_pred.dtype)
    return K.mean(K.maximum(ops.subtract(one, y_true * y_pred), 0.0), axis=-1)


@_register
@accepts_symbolic
def categorical_hinge(y_true, y_pred):
    """``max(0, max((1 - y_true)*y_pred, -1) - sum(y_true*y_pred, -1) + 1)`` (no mean)."""
    y_true, y_pred = prepare("categorical_hinge", y_true, y_pred)
    one = constant(1.0, y_pred.dtype)
    positive = K.sum(y_true * y_pred, axis=-1)
    negative = K.max(ops.subtract(one, y_true) * y_pred, axis=-1)
    return K.maximum(0.0, negative - positive + one)


# -- probabilistic ------------------------------------------------------------------------------
@_register
@accepts_symbolic
def categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``-sum(y_true * log(clip(y_pred / sum(y_pred, -1), eps, 1 - eps)), -1)``.

    See `keras_ref.backend.categorical_crossentropy` (also for ``from_logits=True``).
    """
    y_true, y_pred = prepare("categorical_crossentropy", y_true, y_pred)
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


@_register
@accepts_symbolic
def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``-log_softmax(log(clip(y_pred, eps, 1 - eps)))[label]`` (renormalises the clipped p).

    Integer labels of shape ``(N,)`` or ``(N, 1)``. See
    `keras_ref.backend.sparse_categorical_crossentropy`.
    """
    return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


@_register
@accepts_symbolic
def binary_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``mean(max(z, 0) - z*y_true + log1p(exp(-|z|)), -1)``, ``z = logit(clip(y_pred))``.

    See `keras_ref.backend.binary_crossentropy`.
    """
    y_true, y_pred = prepare("binary_crossentropy", y_true, y_pred)
    return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


@_register
@accepts_symbolic
def kullback_leibler_divergence(y_true, y_pred):
    """``sum(t * log(t / p), -1)`` with ``t, p = clip(y_true, eps, 1), clip(y_pred, eps, 1)``.

    Differs from stock Keras 3: the name `kullback_leibler_divergence` no longer resolves there.
    """
    y_true, y_pred = prepare("kullback_leibler_divergence", y_true, y_pred)
    y_true = K.clip(y_true, K.epsilon(), 1.0)
    y_pred = K.clip(y_pred, K.epsilon(), 1.0)
    return K.sum(y_true * K.log(y_true / y_pred), axis=-1)


@_register
@accepts_symbolic
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps), -1)``."""
    y_true, y_pred = prepare("poisson", y_true, y_pred)
    return K.mean(y_pred - y_true * K.log(y_pred + constant(K.epsilon(), y_pred.dtype)), axis=-1)


# -- aliases (legacy names) ---------------------------------------------------------------------
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity
