"""`in_top_k` of the legacy `K`: TensorFlow's tie and non-finite rule on every backend."""

from __future__ import annotations

import numbers

from keras import ops

from keras_ref._symbolic import accepts_symbolic
from keras_ref.backend._operands import float_output


@accepts_symbolic
def in_top_k(predictions, targets, k: int):
    """Whether ``predictions[i, targets[i]]`` is among the `k` largest of row ``i`` (bool).

    TensorFlow's rule, on every backend: the entry is in when fewer than `k` entries of its row are
    strictly larger, so ties at the k-th value count as in; a row holding any NaN or +-inf, or a
    target outside ``[0, C)``, gives False; ``k <= 0`` gives False. `predictions` has shape
    ``(..., C)`` and `targets` the leading shape ``(...)`` (legacy: rank 2 only).
    Differs from stock Keras 3 `ops.in_top_k` (note its argument order): on JAX and torch stock
    can return True for rows holding NaN or +-inf.
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"in_top_k: `k` must be an int, got {k!r} ({type(k).__name__}).")
    predictions = float_output(predictions)
    if len(predictions.shape) < 2:
        raise ValueError(
            "in_top_k: `predictions` must have shape (batch, classes) or more axes, got shape "
            f"{tuple(predictions.shape)}."
        )
    classes = predictions.shape[-1]
    leading = ops.shape(predictions)[:-1]
    rows = ops.reshape(predictions, (-1, classes))
    labels = ops.reshape(ops.cast(targets, "int32"), (-1,))
    is_label = ops.equal(ops.expand_dims(labels, -1), ops.arange(classes, dtype="int32"))
    target_value = ops.sum(ops.where(is_label, rows, ops.zeros_like(rows)), axis=-1)
    larger = ops.sum(ops.cast(rows > ops.expand_dims(target_value, -1), "int32"), axis=-1)
    valid = ops.logical_and(
        ops.all(ops.isfinite(rows), axis=-1),
        ops.logical_and(labels >= 0, labels < classes),
    )
    return ops.reshape(ops.logical_and(valid, larger < int(k)), leading)
