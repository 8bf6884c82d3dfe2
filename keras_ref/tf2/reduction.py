"""tf.keras 2.x loss reduction: ``SUM_OVER_BATCH_SIZE`` (its default), ``SUM`` and ``NONE``.

For per-sample losses ``L``, sample weights ``w`` (broadcast over ``L``'s trailing axes) and a
mask ``M``:

- no mask: ``sum(L * w) / N``, ``N`` = number of elements of ``L`` (0 when ``N`` is 0);
- mask: ``w <- w * M * N / sum(M)`` first, so the value is ``sum(L * w * M) / sum(M)``.

Keras 2.2.4 divided by ``count(w != 0)`` instead. Stock Keras 3 has the same rule, but on torch it
returns float32 for float64 losses (its ``divide_no_nan``); this one keeps the losses' dtype.
"""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["REDUCTIONS", "reduce_losses"]

#: Accepted `reduction` values (tf.keras's ``AUTO`` is ``SUM_OVER_BATCH_SIZE`` outside a strategy).
REDUCTIONS = ("sum_over_batch_size", "auto", "sum", "none", None)


def reduce_losses(losses, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """One value from per-sample `losses` by the tf.keras 2.x rule (module doc)."""
    losses = ops.convert_to_tensor(losses)
    if not keras.backend.is_float_dtype(losses.dtype):
        losses = ops.cast(losses, keras.config.floatx())
    dtype = losses.dtype
    if mask is not None:
        mask = ops.cast(mask, dtype)
        if reduction in ("sum_over_batch_size", "auto"):
            total = ops.cast(ops.size(mask), dtype)
            mask = mask * (total / ops.sum(mask))
        sample_weight = mask if sample_weight is None else ops.cast(sample_weight, dtype) * mask
    if sample_weight is not None:
        weights = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        while len(weights.shape) > len(losses.shape) and weights.shape[-1] == 1:
            weights = ops.squeeze(weights, axis=-1)
        while len(weights.shape) < len(losses.shape):
            weights = ops.expand_dims(weights, -1)
        losses = losses * weights
    if reduction in ("none", None):
        return losses
    total = ops.sum(losses)
    if reduction == "sum":
        return total
    count = ops.cast(ops.size(losses), dtype)
    # not ops.divide_no_nan: on torch (Keras 3.15) it returns float32 for float64 operands
    return ops.where(count > 0, total / ops.maximum(count, 1), ops.zeros_like(total))
