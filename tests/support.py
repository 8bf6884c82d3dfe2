"""Helpers shared by the behaviour tests."""

from __future__ import annotations

import keras
import pytest

from keras_ref._backend_specific import float64_supported

BACKEND = keras.backend.backend()

requires_float64 = pytest.mark.skipif(
    not float64_supported(), reason="float64 needs JAX_ENABLE_X64=1 on the JAX backend"
)
