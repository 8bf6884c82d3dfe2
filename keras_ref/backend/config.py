"""The two configuration reads of the legacy `K`: the fuzz factor and the default float dtype."""

from __future__ import annotations

import keras


def epsilon() -> float:
    """The fuzz factor, ``keras.config.epsilon()`` (1e-7 by default), read at call time."""
    return float(keras.config.epsilon())


def floatx() -> str:
    """The default float dtype, ``keras.config.floatx()`` ('float32' by default)."""
    return keras.config.floatx()
