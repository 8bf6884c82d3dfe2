"""Symbolic inputs: a legacy function applied to `keras.Input` tensors becomes one Keras operation.

Keras 2.2.4 code builds losses from model tensors (the VAE example: ``K.mean(xent + kl)`` on the
outputs of ``Input``). keras_ref's functions mix tensors with exact constants, which a symbolic
`keras.KerasTensor` does not accept; `accepts_symbolic` wraps the whole function in a
`keras.Operation` instead: its output shape comes from running the function on placeholders, and
the functional model later runs the same function, with the same numerics, on the real batch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import keras

__all__ = ["accepts_symbolic"]


class _FunctionOperation(keras.Operation):
    """One call of `fn` (with fixed keyword arguments) as a node of a functional graph."""

    def __init__(self, fn: Callable) -> None:
        super().__init__(name=fn.__name__)
        self._fn = fn

    def call(self, *args: Any, **kwargs: Any):
        return self._fn(*args, **kwargs)


def _has_symbolic(values) -> bool:
    return any(isinstance(value, keras.KerasTensor) for value in values)


def accepts_symbolic(fn: Callable) -> Callable:
    """`fn` unchanged on tensors and arrays; one `keras.Operation` on `keras.KerasTensor` inputs."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any):
        if _has_symbolic(args) or _has_symbolic(kwargs.values()):
            return _FunctionOperation(fn)(*args, **kwargs)
        return fn(*args, **kwargs)

    return wrapper
