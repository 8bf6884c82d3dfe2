"""How the `keras_ref.backend` functions take their operands: Python numbers rounded once to the
tensor's dtype, axes normalised, element counts exact (docs/legacy-formulas.md#numeric-traps)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import keras
from keras import ops

from keras_ref._numerics import constant
from keras_ref._numerics import tensor as _tensor
from keras_ref.backend.config import floatx

Axis = int | Sequence[int] | None


def is_float(x) -> bool:
    """Whether `x` has a floating-point dtype."""
    return keras.backend.is_float_dtype(keras.backend.standardize_dtype(x.dtype))


def is_number(value) -> bool:
    """Whether `value` is a Python (or NumPy scalar) number other than a bool."""
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def like(value, reference):
    """`value` as a tensor; a Python number becomes an exact constant of `reference`'s dtype."""
    if is_number(value) and is_float(reference):
        return constant(value, reference.dtype)
    return _tensor(value)


def operands(x, y):
    """Two tensors; Python numbers take the dtype of the tensor operand, rounded once."""
    x_number, y_number = is_number(x), is_number(y)
    if x_number and not y_number:
        y = _tensor(y)
        return like(x, y), y
    if y_number and not x_number:
        x = _tensor(x)
        return x, like(y, x)
    return _tensor(x), _tensor(y)


def float_output(output):
    """`output` as a tensor; a non-float one is cast to `floatx`."""
    output = _tensor(output)
    if not is_float(output):
        output = ops.cast(output, floatx())
    return output


def axes_tuple(axis: Axis, rank: int) -> tuple[int, ...]:
    """`axis` as a tuple of non-negative ints (all axes for None)."""
    if axis is None:
        return tuple(range(rank))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % rank if rank else a for a in axes)


def element_count(x, axes: tuple[int, ...], dtype):
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
