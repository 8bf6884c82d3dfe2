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
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import ops

from keras_ref import _legacy_objects as legacy_objects
from keras_ref import backend as K
from keras_ref import losses as losses_module
from keras_ref._backend_specific import float64_supported
from keras_ref._keras_compat import get_keras_mask
from keras_ref._numerics import tensor
from keras_ref._symbolic import accepts_symbolic
from keras_ref._validation import did_you_mean, unknown_identifier
from keras_ref.losses import functions as _loss_functions
from keras_ref.losses.reduction import legacy_weighted_mean

_register = keras.saving.register_keras_serializable(package="keras_ref")

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


# -- per-sample functions -----------------------------------------------------------------------
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


def _check_k(owner: str, k) -> int:
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
    y_true, y_pred = losses_module.functions.prepare("binary_accuracy", y_true, y_pred)
    hits = ops.cast(K.equal(y_true, K.round(y_pred)), _value_dtype(y_pred))
    return K.mean(hits, axis=-1)


@_register
@accepts_symbolic
def categorical_accuracy(y_true, y_pred):
    """``argmax(y_true, -1) == argmax(y_pred, -1)`` as 0.0/1.0 (the first maximum on ties)."""
    y_true, y_pred = losses_module.functions.prepare("categorical_accuracy", y_true, y_pred)
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
    k = _check_k("top_k_categorical_accuracy", k)
    y_true, y_pred = losses_module.functions.prepare("top_k_categorical_accuracy", y_true, y_pred)
    hits = K.in_top_k(y_pred, K.argmax(y_true, axis=-1), k)
    return K.mean(ops.cast(hits, _value_dtype(y_pred)), axis=-1)


@_register
@accepts_symbolic
def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """``mean(in_top_k(y_pred, int(max(y_true, -1)), k), -1)``; labels ``(N, 1)`` or ``(N,)``.

    One value per batch, as `top_k_categorical_accuracy`.
    """
    k = _check_k("sparse_top_k_categorical_accuracy", k)
    y_pred = tensor(y_pred)
    labels = ops.cast(_sparse_labels(y_true, y_pred), "int32")
    return K.mean(ops.cast(K.in_top_k(y_pred, labels, k), _value_dtype(y_pred)), axis=-1)


# -- the legacy epoch average -------------------------------------------------------------------
@_register
class MeanMetricWrapper(keras.metrics.Metric):
    """Epoch value of ``fn(y_true, y_pred, **kwargs)``, legacy style.

    Each batch: ``v_b = legacy_weighted_mean(fn(...), sample_weight, mask)``; the epoch value is
    ``sum(v_b * n_b) / sum(n_b)`` with ``n_b`` the batch size. `fn` may return per-sample values
    or one scalar (like ``mean_pred = lambda y, p: K.mean(p)``). The running sums are float64
    where the backend allows (legacy summed in Python floats).

    Differs from stock `keras.metrics.MeanMetricWrapper`: stock accumulates ``sum(w*v)/sum(w)``
    over the epoch instead of averaging per-batch values.
    """

    def __init__(
        self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: `fn` must be callable, got {fn!r}.")
        name = name or legacy_objects.scope_name(legacy_objects.callable_name(fn))
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        self._dtype_argument = dtype
        sum_dtype = "float64" if float64_supported() else self.dtype
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=sum_dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=sum_dtype, name="count")
        if any(fn is loss for loss in _LOSS_FUNCTIONS):
            self._direction = "down"

    @property
    def fn(self) -> Callable:
        return self._fn

    def _batch_values(self, y_true, y_pred):
        return self._fn(y_true, y_pred, **self._fn_kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        mask = get_keras_mask(y_pred)
        y_pred = tensor(y_pred)
        values = self._batch_values(_legacy_target(y_true, y_pred), y_pred)
        batch_value = legacy_weighted_mean(values, sample_weight=sample_weight, mask=mask)
        batch_size = ops.shape(y_pred)[0] if len(y_pred.shape) else 1
        sum_dtype = self.total.dtype
        size = ops.cast(batch_size, sum_dtype)
        self.total.assign_add(ops.cast(batch_value, sum_dtype) * size)
        self.count.assign_add(size)

    def reset_state(self) -> None:
        self.total.assign(0.0)
        self.count.assign(0.0)

    def result(self):
        return ops.cast(ops.divide_no_nan(self.total, self.count), self.dtype)

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self._dtype_argument}
        if type(self) is MeanMetricWrapper:
            config["fn"] = keras.saving.serialize_keras_object(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            config["fn"] = legacy_objects.deserialize_callable(config["fn"])
        return cls(**config)


def _legacy_target(y_true, y_pred):
    """`y_true` as a tensor; float targets in `y_pred`'s float dtype (integer labels kept).

    Legacy targets were placeholders of the output's dtype, so NumPy or float64 targets (as
    `train_on_batch` passes them) reach a metric function as tensors of that dtype.
    """
    y_true = tensor(y_true)
    if keras.backend.is_float_dtype(y_true.dtype) and keras.backend.is_float_dtype(y_pred.dtype):
        return ops.cast(y_true, y_pred.dtype)
    return y_true


class _Accuracy(MeanMetricWrapper):
    """A built-in accuracy: fixed function, maximised."""

    def __init__(self, fn: Callable, name: str | None, dtype: Any, **kwargs: Any) -> None:
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        self._direction = "up"


@_register
class BinaryAccuracy(_Accuracy):
    """Epoch `binary_accuracy`: ``mean(y == round(ŷ), -1)``, round half to even.

    Differs from stock Keras 3: stock uses ``ŷ > threshold`` (0.5) and has no `threshold` here.
    """

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype)


@_register
class CategoricalAccuracy(_Accuracy):
    """Epoch `categorical_accuracy`: ``argmax(y, -1) == argmax(ŷ, -1)``."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


@_register
class SparseCategoricalAccuracy(_Accuracy):
    """Epoch `sparse_categorical_accuracy`: ``max(y, -1) == argmax(ŷ, -1)``."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


@_register
class TopKCategoricalAccuracy(_Accuracy):
    """Epoch `top_k_categorical_accuracy` (TensorFlow tie rule: ties at the k-th value count)."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        super().__init__(
            top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=_check_k("TopKCategoricalAccuracy", k),
        )


@_register
class SparseTopKCategoricalAccuracy(_Accuracy):
    """Epoch `sparse_top_k_categorical_accuracy` (TensorFlow tie rule)."""

    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=_check_k("SparseTopKCategoricalAccuracy", k),
        )


# -- the legacy "acc" rule ----------------------------------------------------------------------
_ACCURACY_BY_KIND = {
    "binary": binary_accuracy,
    "sparse": sparse_categorical_accuracy,
    "categorical": categorical_accuracy,
}
_CROSSENTROPY_BY_KIND = {
    "binary": losses_module.binary_crossentropy,
    "sparse": losses_module.sparse_categorical_crossentropy,
    "categorical": losses_module.categorical_crossentropy,
}


_FAMILIES = {
    "binary": (
        (losses_module.BinaryCrossentropy, keras.losses.BinaryCrossentropy),
        (losses_module.binary_crossentropy, keras.losses.binary_crossentropy),
    ),
    "sparse": (
        (losses_module.SparseCategoricalCrossentropy, keras.losses.SparseCategoricalCrossentropy),
        (
            losses_module.sparse_categorical_crossentropy,
            keras.losses.sparse_categorical_crossentropy,
        ),
    ),
}


def _loss_family(loss) -> str | None:
    """'binary' / 'sparse' for a binary / sparse-categorical crossentropy loss, else None.

    `loss` may be a name, a function, a `Loss` class or instance (keras_ref's or stock).
    """
    if isinstance(loss, str):
        try:
            loss = losses_module.class_for(loss)
        except ValueError:
            return None
    for family, (classes, functions) in _FAMILIES.items():
        if inspect.isclass(loss):
            if issubclass(loss, classes):
                return family
        elif (
            isinstance(loss, classes) or loss in functions or getattr(loss, "fn", None) in functions
        ):
            return family
    return None


def accuracy_kind(loss=None, output_shape: Sequence | None = None) -> str | None:
    """The legacy 'acc' choice: 'binary', 'sparse' or 'categorical' (None: needs the shape).

    Binary if the output's last dim is 1 **or** the loss is binary_crossentropy; sparse if the loss
    is sparse_categorical_crossentropy; else categorical. Differs from stock Keras 3, which looks
    at shapes only (a multi-label output trained with binary crossentropy gets categorical
    accuracy there).
    """
    return _kind(_loss_family(loss), output_shape)


def _kind(family: str | None, output_shape: Sequence | None) -> str | None:
    last_dim = output_shape[-1] if output_shape else None
    if last_dim == 1 or family == "binary":
        return "binary"
    if last_dim is None:
        return None
    return family or "categorical"


def _legacy_choice(metric: str, kind: str) -> Callable:
    return (_ACCURACY_BY_KIND if metric == "acc" else _CROSSENTROPY_BY_KIND)[kind]


@_register
class LegacyAutoMetric(MeanMetricWrapper):
    """'acc' or 'ce' before the output shape is known: the legacy rule runs at the first batch.

    `metric` is 'acc' or 'ce'; `loss_family` is 'binary', 'sparse' or None (the output's loss:
    binary_crossentropy, sparse_categorical_crossentropy or another), see `accuracy_kind`.
    """

    def __init__(
        self,
        metric: str = "acc",
        loss_family: str | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        if metric not in ("acc", "ce"):
            raise ValueError(f"LegacyAutoMetric: `metric` must be 'acc' or 'ce', got {metric!r}.")
        if loss_family not in (None, "binary", "sparse"):
            raise ValueError(
                "LegacyAutoMetric: `loss_family` must be 'binary', 'sparse' or None, got "
                f"{loss_family!r}."
            )
        super().__init__(_legacy_choice(metric, "categorical"), name=name or metric, dtype=dtype)
        self.metric, self.loss_family = metric, loss_family
        self._direction = "up" if metric == "acc" else "down"

    def _batch_values(self, y_true, y_pred):
        y_pred = tensor(y_pred)
        kind = _kind(self.loss_family, tuple(y_pred.shape)) or self.loss_family or "categorical"
        return _legacy_choice(self.metric, kind)(y_true, y_pred)

    def get_config(self) -> dict:
        return {
            "metric": self.metric,
            "loss_family": self.loss_family,
            "name": self.name,
            "dtype": self._dtype_argument,
        }


# -- lookup -------------------------------------------------------------------------------------
ALL_METRICS: dict[str, type[MeanMetricWrapper]] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
}
_CLASS_NAMES = {cls.__name__: cls for cls in (*ALL_METRICS.values(), LegacyAutoMetric)}
_BY_FUNCTION = {
    binary_accuracy: BinaryAccuracy,
    categorical_accuracy: CategoricalAccuracy,
    sparse_categorical_accuracy: SparseCategoricalAccuracy,
    top_k_categorical_accuracy: TopKCategoricalAccuracy,
    sparse_top_k_categorical_accuracy: SparseTopKCategoricalAccuracy,
}
_LOSS_FUNCTIONS = frozenset(cls.function for cls in losses_module.ALL_LOSSES.values())


def _names() -> list[str]:
    return [*ALL_METRICS, *_CLASS_NAMES, *losses_module.NAMES, "acc", "accuracy", "ce"]


def get(identifier: Any, loss: Any = None, output_shape: Sequence | None = None):
    """A `keras.metrics.Metric` for a legacy metric identifier.

    ``'acc'``/``'accuracy'`` (named ``'acc'``, as legacy) and ``'ce'``/``'crossentropy'`` follow
    the legacy rule for this output's `loss` and `output_shape` (see `accuracy_kind`); metric
    names, metric class names and every loss name (``'mae'`` gives ``mean_absolute_error``, the
    legacy name) resolve to keras_ref metrics; a function ``f(y_true, y_pred)`` is wrapped in
    `MeanMetricWrapper`; before the output shape is known 'acc'/'ce' give a `LegacyAutoMetric`,
    which applies the rule at the first batch; a `keras.metrics.Metric` instance (also a stock
    one) is returned as is.
    """
    if isinstance(identifier, keras.metrics.Metric):
        return identifier
    if isinstance(identifier, dict):
        metric = deserialize(identifier)
        return metric if isinstance(metric, keras.metrics.Metric) else get(metric)
    if isinstance(identifier, str):
        found = legacy_objects.custom_object(identifier, None)
        if not legacy_objects.is_missing(found):
            return get(found, loss, output_shape)
        return _from_name(identifier, loss, output_shape)
    if inspect.isclass(identifier) and issubclass(identifier, keras.metrics.Metric):
        return identifier()
    if callable(identifier):
        cls = _BY_FUNCTION.get(identifier)
        return cls() if cls is not None else MeanMetricWrapper(identifier)
    raise unknown_identifier(
        "metrics.get",
        "a metric name (e.g. 'acc'), a config dict, a function f(y_true, y_pred) or a "
        "keras.metrics.Metric",
        identifier,
    )


def _from_name(name: str, loss, output_shape):
    key = name.split(">")[-1]
    if key.lower() in ("acc", "accuracy", "ce", "crossentropy"):
        metric = "acc" if key.lower() in ("acc", "accuracy") else "ce"
        kind = accuracy_kind(loss, output_shape)
        if kind is None:
            return LegacyAutoMetric(metric, loss_family=_loss_family(loss))
        if metric == "acc":
            return {"binary": BinaryAccuracy, "sparse": SparseCategoricalAccuracy}.get(
                kind, CategoricalAccuracy
            )(name="acc")
        return MeanMetricWrapper(_legacy_choice("ce", kind), name="ce")
    if key in ALL_METRICS:
        return ALL_METRICS[key]()
    if key in _CLASS_NAMES:
        return _CLASS_NAMES[key]()
    if key in losses_module.NAMES:
        fn = losses_module.NAMES[key].function
        return MeanMetricWrapper(fn, name=fn.__name__)
    raise ValueError(
        f"Unknown metric {name!r}.{did_you_mean(key, _names())} Known: "
        f"{', '.join(ALL_METRICS)}, 'acc'/'accuracy', 'ce'/'crossentropy' and every loss name."
    )


def serialize(metric: Any) -> str | dict:
    """Legacy `metrics.serialize`: a function's name, ``{"class_name", "config"}`` for an object
    with ``get_config``; a `keras.metrics.Metric` gives its Keras 3 config dict."""
    return legacy_objects.serialize(metric)


def deserialize(config: str | dict, custom_objects: dict | None = None):
    """A metric from a name or from a Keras 2 (``{"class_name", "config"}``) or Keras 3 config.

    As legacy, `custom_objects` and the active ``keras.saving.custom_object_scope`` come first: a
    name found there gives that object as is, a class is built from its config. Other names give
    keras_ref metrics (see `get`).
    """
    if isinstance(config, str):
        found = legacy_objects.custom_object(config, custom_objects)
        return get(config) if legacy_objects.is_missing(found) else found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "metrics.deserialize: `config` must be a metric name or a dict with a 'class_name' "
            f"key (and an optional 'config' dict), got {config!r}."
        )
    class_name = str(config["class_name"])
    inner = config.get("config") or {}
    found = legacy_objects.custom_object(class_name, custom_objects)
    if not legacy_objects.is_missing(found):
        return legacy_objects.build_custom(found, inner)
    key = class_name.split(">")[-1]
    if key == "MeanMetricWrapper":
        return MeanMetricWrapper.from_config(inner)
    if key in _CLASS_NAMES:
        return _CLASS_NAMES[key].from_config(inner)
    if class_name == "function":
        return deserialize(str(inner), custom_objects)
    raise ValueError(
        f"metrics.deserialize: unknown metric class_name {class_name!r}."
        f"{did_you_mean(key, _CLASS_NAMES)} Known: {', '.join(_CLASS_NAMES)}, MeanMetricWrapper."
    )
