"""Helpers shared by the parity tests: the backend, dtype parameters and measured figures."""

from __future__ import annotations

import keras
import pytest

from keras_ref._backend_specific import float64_supported

BACKEND = keras.backend.backend()
MEASURED: list[tuple[str, str, float, int]] = []


def dtype_params():
    """float32 always; float64 where the backend holds it (JAX needs JAX_ENABLE_X64=1)."""
    skip = pytest.mark.skipif(
        not float64_supported(), reason="float64 needs JAX_ENABLE_X64=1 on the JAX backend"
    )
    return ["float32", pytest.param("float64", marks=skip)]


def record(check: str, case: str, rel: float, ulp: int) -> None:
    """Keep one measured figure for the end-of-run table (printed by conftest.py)."""
    MEASURED.append((check, case, rel, ulp))
