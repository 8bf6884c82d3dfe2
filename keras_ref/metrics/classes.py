"""The legacy epoch average: `MeanMetricWrapper` and the built-in accuracy metrics.

Each batch is reduced like the legacy loss (`legacy_weighted_mean`), then the batch values are
averaged weighted by batch size (docs/legacy-formulas.md#metrics).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from keras_ref import _legacy_objects as legacy_objects
from keras_ref import losses as losses_module
from keras_ref._backend_specific import float64_supported
from keras_ref._keras_compat import get_keras_mask
from keras_ref._numerics import tensor
from keras_ref.losses.reduction import legacy_weighted_mean
from keras_ref.metrics.functions import (
    binary_accuracy,
    categorical_accuracy,
    check_k,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)

_register = keras.saving.register_keras_serializable(package="keras_ref")

#: the loss functions: a metric wrapping one of them is minimised
_LOSS_FUNCTIONS = frozenset(cls.function for cls in losses_module.ALL_LOSSES.values())


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
        return legacy_objects.wrapper_config(
            config, self._fn, self._fn_kwargs, with_fn=type(self) is MeanMetricWrapper
        )

    @classmethod
    def from_config(cls, config: dict):
        return legacy_objects.wrapper_from_config(cls, config)


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
            k=check_k("TopKCategoricalAccuracy", k),
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
            k=check_k("SparseTopKCategoricalAccuracy", k),
        )
