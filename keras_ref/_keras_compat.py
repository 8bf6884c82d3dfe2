"""The one place that touches Keras private internals (see each section's owner)."""

from __future__ import annotations

from typing import Any


# --- hooks for B-tf2loss ---
def attached_logits(output: Any) -> Any:
    """The pre-activation tensor Keras attaches to a softmax/sigmoid output, or None.

    `keras.activations.softmax`/`sigmoid` store their input as ``output._keras_logits`` where the
    tensor type accepts attributes (TensorFlow, torch); JAX arrays and tracers do not.
    """
    return getattr(output, "_keras_logits", None)


def attach_logits(output: Any, logits: Any) -> bool:
    """Attach `logits` to `output` the way Keras does; False where the tensor type refuses."""
    try:
        output._keras_logits = logits
    except AttributeError:
        return False
    return True


def keras_mask(tensor: Any) -> Any:
    """The Keras mask carried by `tensor`, or None."""
    from keras.src.backend import get_keras_mask

    return get_keras_mask(tensor)
