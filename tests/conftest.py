"""Shared fixtures. The backend is chosen by KERAS_BACKEND before Keras is imported."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import pytest


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from the default floatx, epsilon and dtype policy."""
    yield
    keras.config.set_floatx("float32")
    keras.config.set_epsilon(1e-7)
    keras.mixed_precision.set_global_policy("float32")
