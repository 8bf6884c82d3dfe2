"""The legacy ``keras.backend as K`` idiom over `keras.ops` only.

See docs/legacy-formulas.md#backend-idiom. Keras 3 removed these functions from `keras.backend`.
Legacy custom losses and metrics run unchanged after ``import keras_ref.backend as K``::

    import keras_ref.backend as K

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

Each function keeps the Keras 2.2.4 (TensorFlow backend) signature and semantics: reductions take
``axis=None, keepdims=False``; `K.mean` of a bool tensor is taken in `floatx`; `K.sqrt` clips
negative inputs to 0; `K.clip` treats ``max_value=None`` as +inf and lifts ``max_value`` to
``min_value`` when it is smaller; `K.switch` aligns a lower-rank condition with the *leading* axes.

Numerics (docs/legacy-formulas.md#numeric-traps): Python-number operands are rounded once, directly,
to the tensor's dtype; `mean` is ``sum / n`` (Keras 3's `ops.mean` runs at float32 precision on JAX
and torch); `maximum`/`minimum` keep the dtype and propagate NaN (`ops.maximum` returns float32 on
torch); `softplus` is ``max(x, 0) + log1p(exp(-|x|))`` (torch's returns ``x`` for x > 20). The three
crossentropies compute the legacy clip-and-log themselves: stock `keras.ops` crossentropies on
TensorFlow silently use the logits behind a Keras softmax/sigmoid instead."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import keras
from keras import ops

from keras_ref._numerics import constant
from keras_ref._numerics import maximum as _nan_maximum
from keras_ref._numerics import minimum as _nan_minimum
from keras_ref._numerics import tensor as _tensor
from keras_ref._symbolic import accepts_symbolic

Axis = int | Sequence[int] | None

__all__ = [
    "abs",
    "argmax",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "clip",
    "epsilon",
    "equal",
    "exp",
    "flatten",
    "floatx",
    "greater",
    "greater_equal",
    "in_top_k",
    "int_shape",
    "l2_normalize",
    "less",
    "less_equal",
    "log",
    "max",
    "maximum",
    "mean",
    "minimum",
    "ndim",
    "not_equal",
    "ones_like",
    "pow",
    "round",
    "softplus",
    "sparse_categorical_crossentropy",
    "sqrt",
    "square",
    "sum",
    "switch",
    "zeros_like",
]


# -- configuration ------------------------------------------------------------------------------
def epsilon() -> float:
    """The fuzz factor, ``keras.config.epsilon()`` (1e-7 by default), read at call time."""
    return float(keras.config.epsilon())


def floatx() -> str:
    """The default float dtype, ``keras.config.floatx()`` ('float32' by default)."""
    return keras.config.floatx()


# -- conversion helpers -------------------------------------------------------------------------
def _is_float(x) -> bool:
    return keras.backend.is_float_dtype(keras.backend.standardize_dtype(x.dtype))


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _like(value, reference):
    """`value` as a tensor; a Python number becomes an exact constant of `reference`'s dtype."""
    if _is_number(value) and _is_float(reference):
        return constant(value, reference.dtype)
    return _tensor(value)


def _operands(x, y):
    """Two tensors; Python numbers take the dtype of the tensor operand, rounded once."""
    x_number, y_number = _is_number(x), _is_number(y)
    if x_number and not y_number:
        y = _tensor(y)
        return _like(x, y), y
    if y_number and not x_number:
        x = _tensor(x)
        return x, _like(y, x)
    return _tensor(x), _tensor(y)


def _axes(axis: Axis, rank: int) -> tuple[int, ...]:
    """`axis` as a tuple of non-negative ints (all axes for None)."""
    if axis is None:
        return tuple(range(rank))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % rank if rank else a for a in axes)


def _element_count(x, axes: tuple[int, ...], dtype):
    """Number of elements over `axes`, as a tensor of `dtype` (dynamic dimensions allowed)."""
    static = 1
    dynamic = None
    shape = ops.shape(x)
    for a in axes:
        if isinstance(shape[a], int):
            static *= shape[a]
        else:
            dimension = ops.cast(shape[a], dtype)
            dynamic = dimension if dynamic is None else dynamic * dimension
    count = constant(float(static), dtype)
    return count if dynamic is None else count * dynamic


# -- elementwise math ---------------------------------------------------------------------------
@accepts_symbolic
def abs(x):
    """``|x|``."""
    return ops.abs(x)


@accepts_symbolic
def square(x):
    """``x**2``."""
    return ops.square(x)


@accepts_symbolic
def sqrt(x):
    """``sqrt(max(x, 0))``: negative inputs give 0, as legacy (NaN stays NaN)."""
    x = _tensor(x)
    return ops.sqrt(_nan_maximum(x, _like(0.0, x)))


@accepts_symbolic
def log(x):
    """Natural logarithm."""
    return ops.log(x)


@accepts_symbolic
def exp(x):
    """``e**x``."""
    return ops.exp(x)


@accepts_symbolic
def pow(x, a):
    """``x**a``; a Python-number exponent is rounded once to `x`'s dtype."""
    x = _tensor(x)
    return ops.power(x, _like(a, x))


@accepts_symbolic
def round(x):
    """Round to the nearest integer, half to even (``round(0.5) == 0``, ``round(1.5) == 2``)."""
    return ops.round(x)


@accepts_symbolic
def softplus(x):
    """``log(1 + exp(x))``, evaluated as ``max(x, 0) + log1p(exp(-|x|))`` (accurate everywhere)."""
    x = _tensor(x)
    return _nan_maximum(x, _like(0.0, x)) + ops.log1p(ops.exp(-ops.abs(x)))


@accepts_symbolic
def maximum(x, y):
    """Elementwise max; keeps the dtype and propagates NaN from either side."""
    x, y = _operands(x, y)
    return _nan_maximum(x, y)


@accepts_symbolic
def minimum(x, y):
    """Elementwise min; keeps the dtype and propagates NaN from either side."""
    x, y = _operands(x, y)
    return _nan_minimum(x, y)


@accepts_symbolic
def clip(x, min_value, max_value):
    """``min(max(x, min_value), max_value)``; ``None`` bounds are -inf/+inf.

    As legacy, ``max_value < min_value`` sets ``max_value = min_value``. NaN stays NaN.
    """
    x = _tensor(x)
    if _is_number(min_value) and _is_number(max_value) and max_value < min_value:
        max_value = min_value
    low = -math.inf if min_value is None else min_value
    high = math.inf if max_value is None else max_value
    return minimum(maximum(x, _like(low, x)), _like(high, x))


# -- comparisons --------------------------------------------------------------------------------
@accepts_symbolic
def equal(x, y):
    """Elementwise ``x == y`` (bool)."""
    return ops.equal(*_operands(x, y))


@accepts_symbolic
def not_equal(x, y):
    """Elementwise ``x != y`` (bool)."""
    return ops.not_equal(*_operands(x, y))


@accepts_symbolic
def greater(x, y):
    """Elementwise ``x > y`` (bool)."""
    return ops.greater(*_operands(x, y))


@accepts_symbolic
def greater_equal(x, y):
    """Elementwise ``x >= y`` (bool)."""
    return ops.greater_equal(*_operands(x, y))


@accepts_symbolic
def less(x, y):
    """Elementwise ``x < y`` (bool)."""
    return ops.less(*_operands(x, y))


@accepts_symbolic
def less_equal(x, y):
    """Elementwise ``x <= y`` (bool)."""
    return ops.less_equal(*_operands(x, y))


@accepts_symbolic
def switch(condition, then_expression, else_expression):
    """``where(condition, then, else)``; callables are called first.

    A condition of lower rank than the expressions selects along the expressions' *leading*
    axes (legacy semantics, unlike NumPy broadcasting, which aligns trailing axes).
    """
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    then_expression, else_expression = _operands(then_expression, else_expression)
    condition = ops.cast(condition, "bool")
    cond_rank, expr_rank = len(condition.shape), len(then_expression.shape)
    if cond_rank > expr_rank:
        raise ValueError(
            "switch: `condition` must not have a higher rank than `then_expression`; got "
            f"rank {cond_rank} and rank {expr_rank}."
        )
    if 0 < cond_rank < expr_rank:
        condition = ops.reshape(
            condition, (*ops.shape(condition), *([1] * (expr_rank - cond_rank)))
        )
    return ops.where(condition, then_expression, else_expression)


# -- dtype, shape, constructors -----------------------------------------------------------------
def cast(x, dtype):
    """`x` converted to `dtype`."""
    return ops.cast(x, dtype)


def ones_like(x, dtype=None, name=None):
    """A tensor of ones shaped like `x` (dtype of `x` unless given). `name` is ignored."""
    del name
    return ops.ones_like(x, dtype=dtype)


def zeros_like(x, dtype=None, name=None):
    """A tensor of zeros shaped like `x` (dtype of `x` unless given). `name` is ignored."""
    del name
    return ops.zeros_like(x, dtype=dtype)


def ndim(x) -> int:
    """The rank of `x`."""
    return len(_tensor(x).shape)


def int_shape(x) -> tuple:
    """The static shape of `x` (None for unknown dimensions)."""
    return tuple(_tensor(x).shape)


@accepts_symbolic
def flatten(x):
    """`x` reshaped to 1-D."""
    return ops.reshape(x, (-1,))


# -- reductions ---------------------------------------------------------------------------------
@accepts_symbolic
def sum(x, axis: Axis = None, keepdims: bool = False):
    """Sum over `axis` (all axes for None; an empty list reduces nothing)."""
    x = _tensor(x)
    axes = _axes(axis, len(x.shape))
    if not axes:
        return x
    return ops.sum(x, axis=axes, keepdims=keepdims)


@accepts_symbolic
def max(x, axis: Axis = None, keepdims: bool = False):
    """Maximum over `axis` (all axes for None; an empty list reduces nothing)."""
    x = _tensor(x)
    axes = _axes(axis, len(x.shape))
    if not axes:
        return x
    return ops.max(x, axis=axes, keepdims=keepdims)


@accepts_symbolic
def mean(x, axis: Axis = None, keepdims: bool = False):
    """``sum(x, axis) / n``; a bool (or integer) tensor is averaged in `floatx`.

    Differs from stock Keras 3: `ops.mean` of float64 runs at float32 precision on JAX/torch.
    Legacy TF averaged integer tensors with integer division; keras_ref returns a float.
    """
    x = _tensor(x)
    if not _is_float(x):
        x = ops.cast(x, floatx())
    axes = _axes(axis, len(x.shape))
    if not axes:
        return x
    total = ops.sum(x, axis=axes, keepdims=keepdims)
    if isinstance(x, keras.KerasTensor) and None in (x.shape[a] for a in axes):
        # symbolic, of unknown size: the count must be an op too (it runs with the real batch)
        return total / ops.sum(ops.ones_like(x), axis=axes, keepdims=keepdims)
    return total / _element_count(x, axes, x.dtype)


def argmax(x, axis: int = -1):
    """Index of the largest value along `axis` (the first one on ties)."""
    return ops.argmax(x, axis=axis)


@accepts_symbolic
def l2_normalize(x, axis: Axis = None):
    """``x / sqrt(max(sum(x**2, axis), 1e-12))`` (TensorFlow's `l2_normalize` floor).

    Differs from stock Keras 3: `ops.normalize` floors the norm at epsilon, not the squared norm
    at 1e-12.
    """
    x = _tensor(x)
    squared_norm = sum(ops.square(x), axis=axis, keepdims=True)
    return x / ops.sqrt(_nan_maximum(squared_norm, _like(1e-12, x)))


# -- crossentropies -----------------------------------------------------------------------------
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


def _float_output(output):
    output = _tensor(output)
    if not _is_float(output):
        output = ops.cast(output, floatx())
    return output


@accepts_symbolic
def categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1):
    """``-sum(target * log(p), axis)``, ``p = clip(output / sum(output, axis), eps, 1 - eps)``.

    With ``from_logits=True``: ``-sum(target * log_softmax(output), axis)``, computed stably as
    ``(z - max z) - log(sum(exp(z - max z)))``. Differs from stock Keras 3 on TensorFlow: no
    silent switch to the logits behind a Keras softmax; the clip is always applied.
    """
    output = _float_output(output)
    target = ops.cast(target, output.dtype)
    _check_axis("categorical_crossentropy", axis, len(output.shape))
    if from_logits:
        return -sum(target * _log_softmax(output, axis), axis=axis)
    output = output / sum(output, axis=axis, keepdims=True)
    output = clip(output, *_probability_bounds(output))
    return -sum(target * ops.log(output), axis=axis)


def _log_softmax(z, axis: int):
    shifted = z - max(z, axis=axis, keepdims=True)
    return shifted - ops.log(sum(ops.exp(shifted), axis=axis, keepdims=True))


@accepts_symbolic
def sparse_categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1):
    """``-log_softmax(z)[label]`` with ``z = log(clip(output, eps, 1 - eps))`` (or the logits).

    The softmax renormalises the clipped probabilities, as legacy did. Labels are flattened and
    truncated to integers: shape ``(N,)`` or ``(N, 1)`` for an ``(N, C)`` output, ``(N, T)`` or
    ``(N, T, 1)`` for ``(N, T, C)``. A label outside ``[0, C)`` gives NaN (legacy TensorFlow
    raised on CPU and returned NaN on GPU). Differs from stock Keras 3: on JAX and torch stock
    takes ``-log(clip(p))[label]`` without renormalising.
    """
    output = _float_output(output)
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
    output = _float_output(output)
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


# -- ranking ------------------------------------------------------------------------------------
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
    predictions = _float_output(predictions)
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
