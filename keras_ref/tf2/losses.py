"""tf.keras 2.x losses where they differ from both Keras 2.2.4 and stock Keras 3.

Three crossentropies differ (docs/tf2-losses-metrics.md):

- ``binary_crossentropy`` on probabilities: ``p = clip(ŷ, eps, 1 - eps)``, then
  ``-mean(y log(p + eps) + (1 - y) log(1 - p + eps))`` (2.2.4 went through the logit of ``p``;
  stock Keras 3 has no ``+ eps``), so one sample's loss is capped at ``-log(2 eps) = 15.425``;
- all three, on the output of a Keras ``softmax``/``sigmoid``: the logits shortcut
  (`keras_ref.tf2.logits`): the activation's input is used with the ``from_logits`` formula;
- the categorical and sparse forms on probabilities are the 2.2.4 ones (normalise, clip, log).

Every other tf.keras 2.x loss is stock Keras 3's (`get` returns it; the names that Keras 3
dropped, such as ``logcosh``, resolve). The reduction is tf.keras's ``SUM_OVER_BATCH_SIZE``:
``sum(L * w) / N`` with ``N`` the number of per-sample values, a mask giving
``sum(L * w * M) / sum(M)`` (`keras_ref.tf2.reduction`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import keras
from keras import ops

from keras_ref import _keras_compat as compat
from keras_ref import _validation as check
from keras_ref import backend as K
from keras_ref._numerics import constant
from keras_ref._validation import did_you_mean
from keras_ref.losses.functions import prepare
from keras_ref.tf2.logits import OpType, shortcut_logits
from keras_ref.tf2.reduction import REDUCTIONS, reduce_losses

__all__ = [
    "ALL_LOSSES",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "sparse_categorical_crossentropy",
]

_register = keras.saving.register_keras_serializable(package="keras_ref.tf2")


# -- per-sample functions -----------------------------------------------------------------------
def _with_shortcut(y_pred, from_logits: bool, op_type: OpType):
    logits = shortcut_logits(y_pred, op_type)
    return (y_pred, from_logits) if logits is None else (logits, True)


def _binary_crossentropy(y_true, y_pred, from_logits: bool):
    y_true, y_pred = prepare("binary_crossentropy", y_true, y_pred)
    if from_logits:
        return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=True), axis=-1)
    dtype = y_pred.dtype
    one, eps = constant(1.0, dtype), constant(K.epsilon(), dtype)
    p = K.clip(y_pred, eps, one - eps)
    log_likelihood = y_true * K.log(p + eps) + (one - y_true) * K.log(one - p + eps)
    return K.mean(-log_likelihood, axis=-1)


def _categorical_crossentropy(y_true, y_pred, from_logits: bool):
    y_true, y_pred = prepare("categorical_crossentropy", y_true, y_pred)
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def _sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool):
    return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


@_register
def binary_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``-mean(y log(p + eps) + (1 - y) log(1 - p + eps), -1)``, ``p = clip(y_pred, eps, 1-eps)``.

    On a Keras sigmoid output (or with ``from_logits=True``): the sigmoid crossentropy of the
    logits, ``mean(max(z, 0) - z y + log1p(exp(-|z|)), -1)``. Differs from stock Keras 3: the
    ``+ eps`` inside both logs, and the logits shortcut on every backend.
    """
    y_pred, from_logits = _with_shortcut(y_pred, from_logits, "Sigmoid")
    return _binary_crossentropy(y_true, y_pred, from_logits)


@_register
def categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``-sum(y log(clip(ŷ / sum(ŷ), eps, 1 - eps)), -1)``; softmax crossentropy on logits.

    On a Keras softmax output the logits are used (the shortcut), on every backend.
    """
    y_pred, from_logits = _with_shortcut(y_pred, from_logits, "Softmax")
    return _categorical_crossentropy(y_true, y_pred, from_logits)


@_register
def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False):
    """``-log_softmax(log(clip(ŷ, eps, 1 - eps)))[label]``; on logits ``-log_softmax(z)[label]``.

    On a Keras softmax output the logits are used (the shortcut), on every backend.
    """
    y_pred, from_logits = _with_shortcut(y_pred, from_logits, "Softmax")
    return _sparse_categorical_crossentropy(y_true, y_pred, from_logits)


# -- Loss classes (SUM_OVER_BATCH_SIZE, as stock) -------------------------------------------------
class _Tf2Crossentropy(keras.losses.Loss):
    """A tf.keras 2.x crossentropy: the shortcut is taken before Keras converts ``y_pred``.

    With ``dtype=None`` it computes in the prediction's float dtype, as tf.keras did (stock
    Keras 3 casts to floatx); the reduction is `keras_ref.tf2.reduction.reduce_losses`.
    """

    core: ClassVar[Callable]
    op_type: ClassVar[OpType]
    default_name: ClassVar[str]

    def __init__(
        self,
        from_logits: bool = False,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        owner = type(self).__name__
        self.from_logits = check.boolean("from_logits", from_logits, owner=owner)
        if not (reduction is None or isinstance(reduction, str)) or reduction not in REDUCTIONS:
            raise ValueError(
                f"{owner}: `reduction` must be one of {REDUCTIONS} (tf.keras's Reduction values "
                f"in lower case), got {reduction!r}."
            )
        super().__init__(name=name or self.default_name, reduction=None, dtype=dtype)
        self.reduction = reduction
        self._dtype_argument = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = compat.get_keras_mask(y_pred)
        y_pred, from_logits = _with_shortcut(y_pred, self.from_logits, self.op_type)
        with keras.name_scope(self.name):
            if self._dtype_argument is not None:
                y_pred = ops.cast(y_pred, self._dtype_argument)
            losses = type(self).core(y_true, y_pred, from_logits)
            return reduce_losses(losses, sample_weight, mask, self.reduction)

    def call(self, y_true, y_pred):
        return type(self).core(y_true, y_pred, self.from_logits)

    def get_config(self) -> dict:
        return {
            "from_logits": self.from_logits,
            "reduction": self.reduction,
            "name": self.name,
            "dtype": self._dtype_argument,
        }


@_register
class BinaryCrossentropy(_Tf2Crossentropy):
    """tf.keras 2.x ``BinaryCrossentropy``: `binary_crossentropy`, reduced as stock Keras 3."""

    core = staticmethod(_binary_crossentropy)
    op_type = "Sigmoid"
    default_name = "binary_crossentropy"


@_register
class CategoricalCrossentropy(_Tf2Crossentropy):
    """tf.keras 2.x ``CategoricalCrossentropy``: `categorical_crossentropy`, stock reduction."""

    core = staticmethod(_categorical_crossentropy)
    op_type = "Softmax"
    default_name = "categorical_crossentropy"


@_register
class SparseCategoricalCrossentropy(_Tf2Crossentropy):
    """tf.keras 2.x ``SparseCategoricalCrossentropy``: the sparse form, stock reduction."""

    core = staticmethod(_sparse_categorical_crossentropy)
    op_type = "Softmax"
    default_name = "sparse_categorical_crossentropy"


#: The tf.keras 2.x losses that differ from stock Keras 3, by name.
ALL_LOSSES: dict[str, type[_Tf2Crossentropy]] = {
    cls.default_name: cls
    for cls in (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)
}

_OWN_NAMES: dict[str, type[_Tf2Crossentropy]] = {
    **ALL_LOSSES,
    **{cls.__name__: cls for cls in ALL_LOSSES.values()},
    "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
}

#: tf.keras 2.x names that stock Keras 3 no longer resolves, and the stock name they mean.
STOCK_RENAMED: dict[str, str] = {
    "logcosh": "log_cosh",
    "kullback_leibler_divergence": "kl_divergence",
    "huber_loss": "huber",
}

_BY_FUNCTION = {
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}


def get(identifier: Any) -> Any:
    """tf.keras 2.x ``losses.get``: keras_ref's class where tf.keras differs, stock otherwise.

    A name, a config dict, one of this module's functions, a `Loss` class or instance; None gives
    None. Other callables are returned unchanged (Keras 3 wraps them as tf.keras did).
    """
    if identifier is None or isinstance(identifier, keras.losses.Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier in _OWN_NAMES:
            return _OWN_NAMES[identifier]()
        try:
            return keras.losses.get(STOCK_RENAMED.get(identifier, identifier))
        except ValueError:
            raise ValueError(
                f"Unknown tf.keras 2.x loss {identifier!r}.{did_you_mean(identifier, _OWN_NAMES)}"
                f" keras_ref's own: {', '.join(sorted(ALL_LOSSES))}; every stock Keras 3 loss name"
                f" and {', '.join(sorted(STOCK_RENAMED))} resolve too."
            ) from None
    if isinstance(identifier, dict):
        class_name = str(identifier.get("class_name", "")).split(">")[-1]
        if class_name in _OWN_NAMES:
            return _OWN_NAMES[class_name].from_config(identifier.get("config") or {})
        return keras.losses.get(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, keras.losses.Loss):
        return identifier()
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        return cls() if cls is not None else identifier
    raise TypeError(
        "tf2.losses.get: `identifier` must be a loss name (e.g. 'binary_crossentropy'), a config "
        f"dict, a function f(y_true, y_pred) or a keras.losses.Loss, got {identifier!r} "
        f"({type(identifier).__name__})."
    )
