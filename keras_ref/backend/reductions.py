"""Reductions of the legacy `K`: ``axis=None, keepdims=False``; an empty axis list reduces
nothing; `mean` is ``sum / n`` at the tensor's precision (docs/legacy-formulas.md#numeric-traps)."""

from __future__ import annotations

import keras
from keras import ops

from keras_ref._numerics import maximum as _nan_maximum
from keras_ref._numerics import tensor as _tensor
from keras_ref._symbolic import accepts_symbolic
from keras_ref.backend._operands import Axis, axes_tuple, element_count, is_float, like
from keras_ref.backend.config import floatx


def _reduce(reduction, x, axis: Axis, keepdims: bool):
    """``reduction`` over `axis` (all axes for None); an empty axis list reduces nothing."""
    x = _tensor(x)
    axes = axes_tuple(axis, len(x.shape))
    return reduction(x, axis=axes, keepdims=keepdims) if axes else x


@accepts_symbolic
def sum(x, axis: Axis = None, keepdims: bool = False):
    """Sum over `axis` (all axes for None; an empty list reduces nothing)."""
    return _reduce(ops.sum, x, axis, keepdims)


@accepts_symbolic
def max(x, axis: Axis = None, keepdims: bool = False):
    """Maximum over `axis` (all axes for None; an empty list reduces nothing)."""
    return _reduce(ops.max, x, axis, keepdims)


@accepts_symbolic
def mean(x, axis: Axis = None, keepdims: bool = False):
    """``sum(x, axis) / n``; a bool (or integer) tensor is averaged in `floatx`.

    Differs from stock Keras 3: `ops.mean` of float64 runs at float32 precision on JAX/torch.
    Legacy TF averaged integer tensors with integer division; keras_ref returns a float.
    """
    x = _tensor(x)
    if not is_float(x):
        x = ops.cast(x, floatx())
    axes = axes_tuple(axis, len(x.shape))
    if not axes:
        return x
    total = ops.sum(x, axis=axes, keepdims=keepdims)
    if isinstance(x, keras.KerasTensor) and None in (x.shape[a] for a in axes):
        # symbolic, of unknown size: the count must be an op too (it runs with the real batch)
        return total / ops.sum(ops.ones_like(x), axis=axes, keepdims=keepdims)
    return total / element_count(x, axes, x.dtype)


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
    return x / ops.sqrt(_nan_maximum(squared_norm, like(1e-12, x)))
