"""The three crossentropies of the legacy `K`, with the legacy clip-and-log computed here: stock
`keras.ops` crossentropies on TensorFlow silently use the logits behind a Keras softmax/sigmoid
instead (docs/legacy-formulas.md#backend-idiom)."""

from __future__ import annotations

import math

from keras import ops

from keras_ref._numerics import constant
from keras_ref._numerics import tensor as _tensor
from keras_ref._symbolic import accepts_symbolic
from keras_ref.backend._operands import float_output
from keras_ref.backend.config import epsilon
from keras_ref.backend.elementwise import clip
from keras_ref.backend.reductions import max as _max
from keras_ref.backend.reductions import sum as _sum


def _check_axis(owner: str, axis: int, rank: int) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int) or not (axis == -1 or 0 <= axis < rank):
        raise ValueError(
            f"{owner}: `axis` must be -1 or one of the axes of `output` (0 to {rank - 1}), "
            f"got {axis!r}."
        )


def _probability_bounds(x):
    """``(eps, 1 - eps)`` in `x`'s dtype; ``1 - eps`` is computed in that dtype (legacy)."""
    eps = constant(epsilon(), x.dtype)
    return eps, constant(1.0, x.dtype) - eps


@accepts_symbolic
def categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1):
    """``-sum(target * log(p), axis)``, ``p = clip(output / sum(output, axis), eps, 1 - eps)``.

    With ``from_logits=True``: ``-sum(target * log_softmax(output), axis)``, computed stably as
    ``(z - max z) - log(sum(exp(z - max z)))``. Differs from stock Keras 3 on TensorFlow: no
    silent switch to the logits behind a Keras softmax; the clip is always applied.
    """
    output = float_output(output)
    target = ops.cast(target, output.dtype)
    _check_axis("categorical_crossentropy", axis, len(output.shape))
    if from_logits:
        return -_sum(target * _log_softmax(output, axis), axis=axis)
    output = output / _sum(output, axis=axis, keepdims=True)
    output = clip(output, *_probability_bounds(output))
    return -_sum(target * ops.log(output), axis=axis)


def _log_softmax(z, axis: int):
    shifted = z - _max(z, axis=axis, keepdims=True)
    return shifted - ops.log(_sum(ops.exp(shifted), axis=axis, keepdims=True))


@accepts_symbolic
def sparse_categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1):
    """``-log_softmax(z)[label]`` with ``z = log(clip(output, eps, 1 - eps))`` (or the logits).

    The softmax renormalises the clipped probabilities, as legacy did. Labels are flattened and
    truncated to integers: shape ``(N,)`` or ``(N, 1)`` for an ``(N, C)`` output, ``(N, T)`` or
    ``(N, T, 1)`` for ``(N, T, C)``. A label outside ``[0, C)`` gives NaN (legacy TensorFlow
    raised on CPU and returned NaN on GPU). Differs from stock Keras 3: on JAX and torch stock
    takes ``-log(clip(p))[label]`` without renormalising.
    """
    output = float_output(output)
    rank = len(output.shape)
    _check_axis("sparse_categorical_crossentropy", axis, rank)
    if axis not in (-1, rank - 1):
        output = ops.moveaxis(output, axis, -1)
    classes = output.shape[-1]
    if classes is None:
        raise ValueError(
            "sparse_categorical_crossentropy: the class axis of `output` must have a static "
            f"size, got shape {tuple(output.shape)}."
        )
    target = _tensor(target)
    _check_label_count(target, output)
    logits = output if from_logits else ops.log(clip(output, *_probability_bounds(output)))
    labels = ops.reshape(ops.cast(target, "int32"), (-1,))
    rows = ops.reshape(logits, (-1, classes))
    shifted = rows - ops.max(rows, axis=-1, keepdims=True)
    log_normaliser = ops.log(ops.sum(ops.exp(shifted), axis=-1))
    in_range = ops.logical_and(labels >= 0, labels < classes)
    safe = ops.expand_dims(ops.clip(labels, 0, classes - 1), -1)  # gathered, then masked below
    picked = ops.take_along_axis(shifted, safe, axis=-1)[:, 0]
    losses = ops.where(in_range, log_normaliser - picked, constant(math.nan, rows.dtype))
    if rank >= 3:
        losses = ops.reshape(losses, ops.shape(output)[:-1])
    return losses


def _check_label_count(target, output) -> None:
    """One label per row of `output` (checked when both sizes are static)."""
    target_shape, rows_shape = tuple(target.shape), tuple(output.shape[:-1])
    if None in target_shape or None in rows_shape:
        return
    if math.prod(target_shape) != math.prod(rows_shape):
        raise ValueError(
            "sparse_categorical_crossentropy: `target` must hold one integer label per row of "
            f"`output`; got target shape {target_shape} for output shape {tuple(output.shape)}."
        )


@accepts_symbolic
def binary_crossentropy(target, output, from_logits: bool = False):
    """``max(z, 0) - z*target + log1p(exp(-|z|))``, ``z = log(p / (1 - p))``, ``p = clip(output)``.

    ``p`` is clipped to ``[eps, 1 - eps]``; with ``from_logits=True`` ``z = output``. Elementwise
    (no mean). Differs from stock Keras 3 on TensorFlow: no silent switch to the logits behind a
    Keras sigmoid.
    """
    output = float_output(output)
    target = ops.cast(target, output.dtype)
    if from_logits:
        z = output
    else:
        p = clip(output, *_probability_bounds(output))
        z = ops.log(p / ops.subtract(constant(1.0, p.dtype), p))
    zero = ops.zeros_like(z)
    positive = z >= zero
    relu_z = ops.where(positive, z, zero)
    negative_abs_z = ops.where(positive, -z, z)
    return relu_z - z * target + ops.log1p(ops.exp(negative_abs_z))
