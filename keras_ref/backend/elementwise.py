"""Elementwise math of the legacy `K`: Python-number operands are rounded once to the tensor's
dtype; `sqrt` clips negative inputs to 0; `maximum`/`minimum` keep the dtype and propagate NaN;
`softplus` is accurate everywhere (docs/legacy-formulas.md#backend-idiom)."""

from __future__ import annotations

import math

from keras import ops

from keras_ref._numerics import maximum as _nan_maximum
from keras_ref._numerics import minimum as _nan_minimum
from keras_ref._numerics import tensor as _tensor
from keras_ref._symbolic import accepts_symbolic
from keras_ref.backend._operands import is_number, like, operands


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
    return ops.sqrt(_nan_maximum(x, like(0.0, x)))


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
    return ops.power(x, like(a, x))


@accepts_symbolic
def round(x):
    """Round to the nearest integer, half to even (``round(0.5) == 0``, ``round(1.5) == 2``)."""
    return ops.round(x)


@accepts_symbolic
def softplus(x):
    """``log(1 + exp(x))``, evaluated as ``max(x, 0) + log1p(exp(-|x|))`` (accurate everywhere)."""
    x = _tensor(x)
    return _nan_maximum(x, like(0.0, x)) + ops.log1p(ops.exp(-ops.abs(x)))


@accepts_symbolic
def maximum(x, y):
    """Elementwise max; keeps the dtype and propagates NaN from either side."""
    x, y = operands(x, y)
    return _nan_maximum(x, y)


@accepts_symbolic
def minimum(x, y):
    """Elementwise min; keeps the dtype and propagates NaN from either side."""
    x, y = operands(x, y)
    return _nan_minimum(x, y)


@accepts_symbolic
def clip(x, min_value, max_value):
    """``min(max(x, min_value), max_value)``; ``None`` bounds are -inf/+inf.

    As legacy, ``max_value < min_value`` sets ``max_value = min_value``. NaN stays NaN.
    """
    x = _tensor(x)
    if is_number(min_value) and is_number(max_value) and max_value < min_value:
        max_value = min_value
    low = -math.inf if min_value is None else min_value
    high = math.inf if max_value is None else max_value
    return minimum(maximum(x, like(low, x)), like(high, x))
