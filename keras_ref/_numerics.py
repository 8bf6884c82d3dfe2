"""Dtype-exact building blocks over `keras.ops`.

Two Keras 3 traps shape this module (legacy-spec §6): a Python float handed to some `keras.ops`
functions is rounded through float32 before it meets a float64 tensor, and on the torch backend
`ops.maximum` of two float64 tensors returns float32. The helpers below never do either.
"""

from __future__ import annotations

import keras
import ml_dtypes
import numpy as np
from keras import ops

from keras_ref._backend_specific import torch_extremum

_NUMPY_DTYPES = {"bfloat16": ml_dtypes.bfloat16}


def numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype for a Keras or backend dtype (bfloat16 through ml_dtypes)."""
    name = keras.backend.standardize_dtype(dtype)
    return np.dtype(_NUMPY_DTYPES.get(name, name))


def constant(value: float, dtype):
    """`value` rounded once, directly, to `dtype` (no detour through float32)."""
    array = np.asarray(value, dtype=numpy_dtype(dtype))
    return ops.convert_to_tensor(array, dtype=keras.backend.standardize_dtype(dtype))


def maximum(a, b):
    """Elementwise max that keeps the input dtype and propagates NaN from either side."""
    a, b = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    if _torch_same_dtype(a, b):  # one kernel instead of four, in eager torch
        return torch_extremum(a, b, largest=True)
    larger = ops.where(a < b, b, a)  # NaN in `a` survives: the comparison is False
    return ops.where(b != b, b, larger)  # NaN in `b` survives here


def minimum(a, b):
    """Elementwise min that keeps the input dtype and propagates NaN from either side."""
    a, b = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    if _torch_same_dtype(a, b):
        return torch_extremum(a, b, largest=False)
    smaller = ops.where(b < a, b, a)  # NaN in `a` survives: the comparison is False
    return ops.where(b != b, b, smaller)  # NaN in `b` survives here


def _torch_same_dtype(a, b) -> bool:
    return keras.backend.backend() == "torch" and a.dtype == b.dtype
