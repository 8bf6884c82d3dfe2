"""Dtype-exact building blocks over `keras.ops`.

Two Keras 3 traps shape this module: a Python float handed to some `keras.ops` functions is
rounded through float32 before it meets a float64 tensor, and on the torch backend `ops.maximum`
of two float64 tensors returns float32. The helpers below never do either. (All the traps:
docs/legacy-formulas.md#numeric-traps.)
"""

from __future__ import annotations

import keras
import ml_dtypes
import numpy as np
from keras import ops

from keras_ref._backend_specific import native_extremum_propagates_nan, torch_extremum

_NUMPY_DTYPES = {"bfloat16": ml_dtypes.bfloat16}


def numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype for a Keras or backend dtype (bfloat16 through ml_dtypes)."""
    name = keras.backend.standardize_dtype(dtype)
    return np.dtype(_NUMPY_DTYPES.get(name, name))


def tensor(x, dtype=None):
    """`x` as a tensor (cast to `dtype` if given); a symbolic `keras.KerasTensor` stays symbolic.

    `ops.convert_to_tensor` rejects the KerasTensors of ``keras.Input`` (a loss built from model
    tensors, as in the legacy VAE example); `ops.cast` accepts both kinds.
    """
    if isinstance(x, keras.KerasTensor) or (dtype is not None and ops.is_tensor(x)):
        return x if dtype is None else ops.cast(x, dtype)
    return ops.convert_to_tensor(x, dtype=dtype)


def constant(value: float, dtype):
    """`value` rounded once, directly, to `dtype` (no detour through float32)."""
    array = np.asarray(value, dtype=numpy_dtype(dtype))
    return ops.convert_to_tensor(array, dtype=keras.backend.standardize_dtype(dtype))


def maximum(a, b):
    """Elementwise max that keeps the input dtype and propagates NaN from either side."""
    a, b = tensor(a), tensor(b)
    if _torch_same_dtype(a, b):  # one kernel instead of four, in eager torch
        return torch_extremum(a, b, largest=True)
    larger = ops.where(ops.less(a, b), b, a)  # NaN in `a` survives: the comparison is False
    return ops.where(ops.not_equal(b, b), b, larger)  # NaN in `b` survives here


def nonnegative_maximum(a, b):
    """`maximum` of tensors whose values are >= +0 or NaN (Adamax's ``u``, AMSGrad's ``vhat``).

    There no tie has a signed zero, so wherever the backend's own max propagates NaN it gives
    `maximum`'s bits in one kernel instead of four (a TensorFlow graph runs ops one by one).
    Two exceptions: which NaN when both are NaN, and a subnormal `a` on a backend that flushes
    subnormals (TensorFlow, XLA on CPU), as its multiplications do: `a = b2 * u` never is one.
    """
    a, b = tensor(a), tensor(b)
    if a.dtype == b.dtype and native_extremum_propagates_nan():
        return ops.maximum(a, b)
    return maximum(a, b)


def minimum(a, b):
    """Elementwise min that keeps the input dtype and propagates NaN from either side."""
    a, b = tensor(a), tensor(b)
    if _torch_same_dtype(a, b):
        return torch_extremum(a, b, largest=False)
    smaller = ops.where(ops.less(b, a), b, a)  # NaN in `a` survives: the comparison is False
    return ops.where(ops.not_equal(b, b), b, smaller)  # NaN in `b` survives here


def _torch_same_dtype(a, b) -> bool:
    return (
        keras.backend.backend() == "torch"
        and a.dtype == b.dtype
        and not isinstance(a, keras.KerasTensor)
        and not isinstance(b, keras.KerasTensor)
    )
