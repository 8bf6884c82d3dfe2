"""The only place keras_ref touches Keras private internals (``keras.src``, private attributes)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


# --- hooks for E-loader ---
@contextlib.contextmanager
def deferred_variables() -> Iterator[None]:
    """Variables created inside are shapes only: never allocated, not even after the block.

    A `keras.StatelessScope` defers their initialization and registers them in Keras's list of
    variables to initialize later; that list is restored on exit, so they never are.
    """
    import keras
    from keras.src.backend.common import global_state

    key = "uninitialized_variables"
    pending = list(global_state.get_global_attribute(key, []) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute(key, pending)


def keras_mask(tensor):
    """The mask Keras attached to `tensor` (an Embedding's ``mask_zero``, ...), or None."""
    from keras.src.backend.common.masking import get_keras_mask

    return get_keras_mask(tensor)
