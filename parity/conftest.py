"""Parity suite fixtures: fixed inputs, the backend, and a table of every measured error.

The measured figures are printed at the end of the run (`pytest parity -q` shows them), so each
tolerance below can be read against what was actually measured on this machine.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import pytest

from keras_ref._backend_specific import float64_supported
from keras_ref.audit import gradient_sequence, initial_params

BACKEND = keras.backend.backend()
MEASURED: list[tuple[str, str, float, int]] = []


def dtype_params():
    """float32 always; float64 where the backend holds it (JAX needs JAX_ENABLE_X64=1)."""
    skip = pytest.mark.skipif(
        not float64_supported(), reason="float64 needs JAX_ENABLE_X64=1 on the JAX backend"
    )
    return ["float32", pytest.param("float64", marks=skip)]


def record(check: str, case: str, rel: float, ulp: int) -> None:
    """Keep one measured figure for the end-of-run table."""
    MEASURED.append((check, case, rel, ulp))


@pytest.fixture(scope="session")
def params():
    return initial_params()


@pytest.fixture(scope="session")
def grads():
    return gradient_sequence(steps=60)


def pytest_terminal_summary(terminalreporter):
    if not MEASURED:
        return
    terminalreporter.section(f"measured errors ({BACKEND})")
    for check in sorted({m[0] for m in MEASURED}):
        rows = [m for m in MEASURED if m[0] == check]
        worst_rel = max(rows, key=lambda m: m[2])
        worst_ulp = max(rows, key=lambda m: m[3])
        terminalreporter.write_line(
            f"{check:45s} max rel {worst_rel[2]:.2e} ({worst_rel[1]}), "
            f"max ulp {worst_ulp[3]} ({worst_ulp[1]})"
        )
