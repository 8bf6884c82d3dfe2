"""Dtype, shape and constructor functions of the legacy `K`."""

from __future__ import annotations

from keras import ops

from keras_ref._numerics import tensor as _tensor
from keras_ref._symbolic import accepts_symbolic


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
