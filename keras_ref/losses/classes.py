"""`keras.losses.Loss` classes for the legacy losses, reduced by the legacy rule.

``model.compile(loss=keras_ref.losses.MeanSquaredError())`` trains on the Keras 2.2.4 batch loss:
per-sample values from `keras_ref.losses.functions`, then `legacy_weighted_mean` (mask, then
``sum(L*w) / count(w != 0)``). ``reduction="none"`` returns the per-sample values instead.

Differs from stock Keras 3: stock losses divide a weighted sum by the batch size ``N`` and
normalise masks after weighting; here a batch with weights ``[1, 0]`` is the loss of its first
sample, as in legacy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import keras

from keras_ref import _legacy_objects as legacy_objects
from keras_ref import _validation as check
from keras_ref._keras_compat import get_keras_mask
from keras_ref._numerics import tensor
from keras_ref.losses import functions as F
from keras_ref.losses.reduction import legacy_weighted_mean

REDUCTIONS = ("legacy", "none", None)

_register = keras.saving.register_keras_serializable(package="keras_ref")

__all__ = [
    "REDUCTIONS",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineProximity",
    "Hinge",
    "KLDivergence",
    "LogCosh",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
]


@_register
class LossFunctionWrapper(keras.losses.Loss):
    """Any per-sample function ``fn(y_true, y_pred, **kwargs)`` with the legacy reduction.

    This is what a legacy custom loss becomes in `keras_ref.training.compile`.
    `reduction` is ``"legacy"`` (the default) or ``"none"``/None (per-sample values).
    """

    def __init__(
        self,
        fn: Callable,
        reduction: str | None = "legacy",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        if not callable(fn):
            raise TypeError(f"{owner}: `fn` must be callable, got {fn!r}.")
        if not (reduction is None or isinstance(reduction, str)) or reduction not in REDUCTIONS:
            raise ValueError(
                f"{owner}: `reduction` must be 'legacy' (the Keras 2.2.4 rule) or 'none', got "
                f"{reduction!r}. For the Keras 3 reductions use the stock `keras.losses` classes."
            )
        name = name or legacy_objects.scope_name(legacy_objects.callable_name(fn))
        super().__init__(name=name, reduction=None, dtype=dtype)
        self.reduction = reduction
        self.fn = fn
        self._fn_kwargs = kwargs
        self._dtype_argument = dtype

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)
        with keras.name_scope(self.name):
            y_pred = tensor(y_pred, dtype=self.dtype)
            y_true = tensor(y_true, dtype=self.dtype)
            losses = self.call(y_true, y_pred)
            if self.reduction in ("none", None):
                return losses
            return legacy_weighted_mean(losses, sample_weight=sample_weight, mask=mask)

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction, "dtype": self._dtype_argument}
        return legacy_objects.wrapper_config(
            config, self.fn, self._fn_kwargs, with_fn=type(self) is LossFunctionWrapper
        )

    @classmethod
    def from_config(cls, config: dict):
        return legacy_objects.wrapper_from_config(cls, config)

    def __repr__(self) -> str:
        name = legacy_objects.callable_name(self.fn)
        return f"<keras_ref {type(self).__name__}({name}, {self._fn_kwargs})>"


class _LegacyLoss(LossFunctionWrapper):
    """A named legacy loss: the function is fixed by the class."""

    function: ClassVar[Callable]
    default_name: ClassVar[str]

    def __init__(
        self, *, reduction: str | None = "legacy", name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(
            type(self).function, reduction=reduction, name=name or self.default_name, dtype=dtype
        )


class _LegacyCrossentropy(LossFunctionWrapper):
    """A legacy crossentropy, on probabilities (clip-and-log) or, with `from_logits`, logits."""

    function: ClassVar[Callable]
    default_name: ClassVar[str]

    def __init__(
        self,
        from_logits: bool = False,
        *,
        reduction: str | None = "legacy",
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        from_logits = check.boolean("from_logits", from_logits, owner=type(self).__name__)
        super().__init__(
            type(self).function,
            reduction=reduction,
            name=name or self.default_name,
            dtype=dtype,
            from_logits=from_logits,
        )

    @property
    def from_logits(self) -> bool:
        return self._fn_kwargs["from_logits"]


@_register
class MeanSquaredError(_LegacyLoss):
    """Legacy ``mse``: ``mean((ŷ - y)²)`` over the last axis."""

    function = staticmethod(F.mean_squared_error)
    default_name = "mean_squared_error"


@_register
class MeanAbsoluteError(_LegacyLoss):
    """Legacy ``mae``: ``mean(|ŷ - y|)`` over the last axis."""

    function = staticmethod(F.mean_absolute_error)
    default_name = "mean_absolute_error"


@_register
class MeanAbsolutePercentageError(_LegacyLoss):
    """Legacy ``mape``: ``100 * mean(|y - ŷ| / clip(|y|, eps, inf))``."""

    function = staticmethod(F.mean_absolute_percentage_error)
    default_name = "mean_absolute_percentage_error"


@_register
class MeanSquaredLogarithmicError(_LegacyLoss):
    """Legacy ``msle``: ``mean((log(clip(ŷ, eps, inf) + 1) - log(clip(y, eps, inf) + 1))²)``."""

    function = staticmethod(F.mean_squared_logarithmic_error)
    default_name = "mean_squared_logarithmic_error"


@_register
class SquaredHinge(_LegacyLoss):
    """Legacy ``squared_hinge``: ``mean(max(1 - y*ŷ, 0)²)``.

    Differs from stock Keras 3: no mapping of {0, 1} labels to {-1, 1}.
    """

    function = staticmethod(F.squared_hinge)
    default_name = "squared_hinge"


@_register
class Hinge(_LegacyLoss):
    """Legacy ``hinge``: ``mean(max(1 - y*ŷ, 0))``.

    Differs from stock Keras 3: no mapping of {0, 1} labels to {-1, 1}.
    """

    function = staticmethod(F.hinge)
    default_name = "hinge"


@_register
class CategoricalHinge(_LegacyLoss):
    """Legacy ``categorical_hinge``: ``max(0, max((1 - y)*ŷ) - sum(y*ŷ) + 1)``."""

    function = staticmethod(F.categorical_hinge)
    default_name = "categorical_hinge"


@_register
class LogCosh(_LegacyLoss):
    """Legacy ``logcosh``: ``mean(x + softplus(-2x) - log 2)``, ``x = ŷ - y``."""

    function = staticmethod(F.logcosh)
    default_name = "logcosh"


@_register
class KLDivergence(_LegacyLoss):
    """Legacy ``kld``: ``sum(t * log(t / p))``, ``t, p = clip(y, eps, 1), clip(ŷ, eps, 1)``."""

    function = staticmethod(F.kullback_leibler_divergence)
    default_name = "kullback_leibler_divergence"


@_register
class Poisson(_LegacyLoss):
    """Legacy ``poisson``: ``mean(ŷ - y * log(ŷ + eps))``."""

    function = staticmethod(F.poisson)
    default_name = "poisson"


@_register
class CosineProximity(_LegacyLoss):
    """Legacy ``cosine_proximity``: ``-sum(l2n(y) * l2n(ŷ))``, squared-norm floor 1e-12.

    Differs from stock Keras 3: `CosineSimilarity` floors the norm at eps instead.
    """

    function = staticmethod(F.cosine_proximity)
    default_name = "cosine_proximity"


@_register
class CategoricalCrossentropy(_LegacyCrossentropy):
    """Legacy ``categorical_crossentropy``: ``-sum(y * log(clip(ŷ / sum(ŷ), eps, 1 - eps)))``.

    ``from_logits=True``: softmax crossentropy. Differs from stock Keras 3 on TensorFlow: the clip
    is always applied (no silent use of the logits behind a Keras softmax).
    """

    function = staticmethod(F.categorical_crossentropy)
    default_name = "categorical_crossentropy"


@_register
class SparseCategoricalCrossentropy(_LegacyCrossentropy):
    """Legacy ``sparse_categorical_crossentropy``: ``-log_softmax(log(clip(ŷ)))[label]``.

    Differs from stock Keras 3: on JAX and torch stock does not renormalise the clipped ``ŷ``.
    """

    function = staticmethod(F.sparse_categorical_crossentropy)
    default_name = "sparse_categorical_crossentropy"


@_register
class BinaryCrossentropy(_LegacyCrossentropy):
    """Legacy ``binary_crossentropy``: ``mean(max(z, 0) - z*y + log1p(exp(-|z|)))``.

    ``z = log(p / (1 - p))``, ``p = clip(ŷ, eps, 1 - eps)``; ``from_logits=True``: ``z = ŷ``.
    Differs from stock Keras 3 on TensorFlow: the clip is always applied (no silent use of the
    logits behind a Keras sigmoid).
    """

    function = staticmethod(F.binary_crossentropy)
    default_name = "binary_crossentropy"
