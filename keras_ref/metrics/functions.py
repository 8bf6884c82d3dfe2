"""The Keras 2.2.4 accuracy functions, per sample (``(N, C)`` inputs give ``(N,)`` values); the
two top-k ones give the batch mean, as legacy (docs/legacy-formulas.md#metrics)."""

from __future__ import annotations

import keras
from keras import ops

from keras_ref import backend as K
from keras_ref._numerics import tensor
from keras_ref._symbolic import accepts_symbolic
from keras_ref.losses.functions import prepare

_register = keras.saving.register_keras_serializable(package="keras_ref")

__all__ = [
    "binary_accuracy",
    "categorical_accuracy",
    "check_k",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


def _value_dtype(y_pred) -> str:
    """Accuracies come out in the prediction's float dtype (legacy: floatx, the same by default)."""
    dtype = keras.backend.standardize_dtype(y_pred.dtype)
    return dtype if keras.backend.is_float_dtype(dtype) else K.floatx()


def _sparse_labels(y_true, y_pred):
    """Legacy sparse labels: ``max(y, -1)`` for ``(N, 1)`` targets, ``y`` itself for ``(N,)``."""
    y_true = tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape):
        return K.max(y_true, axis=-1)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        return y_true
    raise ValueError(
        "sparse accuracy: `y_true` must hold one label per sample, shape (N,) or (N, 1) for a "
        f"y_pred of shape (N, C); got y_true shape {tuple(y_true.shape)} and y_pred shape "
        f"{tuple(y_pred.shape)}."
    )


def check_k(owner: str, k) -> int:
    """`k` of a top-k accuracy, checked: an int >= 1."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"{owner}: `k` must be an int >= 1, got {k!r}.")
    return k


@_register
@accepts_symbolic
def binary_accuracy(y_true, y_pred):
    """``mean(y_true == round(y_pred), -1)`` with round half to even.

    Differs from stock Keras 3: stock thresholds at ``y_pred > 0.5``, which disagrees with the
    legacy rounding for ``y_pred`` outside ``[-0.5, 1.5)`` and at exactly 0.5 and 1.5.
    """
    y_true, y_pred = prepare("binary_accuracy", y_true, y_pred)
    hits = ops.cast(K.equal(y_true, K.round(y_pred)), _value_dtype(y_pred))
    return K.mean(hits, axis=-1)


@_register
@accepts_symbolic
def categorical_accuracy(y_true, y_pred):
    """``argmax(y_true, -1) == argmax(y_pred, -1)`` as 0.0/1.0 (the first maximum on ties)."""
    y_true, y_pred = prepare("categorical_accuracy", y_true, y_pred)
    hits = K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1))
    return ops.cast(hits, _value_dtype(y_pred))


@_register
@accepts_symbolic
def sparse_categorical_accuracy(y_true, y_pred):
    """``max(y_true, -1) == argmax(y_pred, -1)`` as 0.0/1.0; labels ``(N, 1)`` or ``(N,)``."""
    y_pred = tensor(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    predicted = ops.cast(K.argmax(y_pred, axis=-1), labels.dtype)
    return ops.cast(K.equal(labels, predicted), _value_dtype(y_pred))


@_register
@accepts_symbolic
def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """``mean(in_top_k(y_pred, argmax(y_true, -1), k), -1)``: one value per batch (ties count).

    As legacy, the batch mean (0.5 when one of two samples is in the top k), not one value per
    sample; as a weighted metric the legacy reduction then gives ``mean(w) * v / mean(w != 0)``.
    Differs from stock Keras 3, which returns per-sample values, and whose `in_top_k` on JAX and
    torch can count a row holding NaN or +-inf as a hit (TensorFlow, and keras_ref, say False).
    """
    k = check_k("top_k_categorical_accuracy", k)
    y_true, y_pred = prepare("top_k_categorical_accuracy", y_true, y_pred)
    hits = K.in_top_k(y_pred, K.argmax(y_true, axis=-1), k)
    return K.mean(ops.cast(hits, _value_dtype(y_pred)), axis=-1)


@_register
@accepts_symbolic
def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """``mean(in_top_k(y_pred, int(max(y_true, -1)), k), -1)``; labels ``(N, 1)`` or ``(N,)``.

    One value per batch, as `top_k_categorical_accuracy`.
    """
    k = check_k("sparse_top_k_categorical_accuracy", k)
    y_pred = tensor(y_pred)
    labels = ops.cast(_sparse_labels(y_true, y_pred), "int32")
    return K.mean(ops.cast(K.in_top_k(y_pred, labels, k), _value_dtype(y_pred)), axis=-1)
