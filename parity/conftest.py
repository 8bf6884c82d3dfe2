"""Parity suite fixtures and the end-of-run table of every measured error.

The measured figures are printed at the end of the run (`pytest parity -q` shows them), so each
tolerance can be read against what was actually measured on this machine.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest
from parity_support import BACKEND, MEASURED

from keras_ref.audit import gradient_sequence, initial_params


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
