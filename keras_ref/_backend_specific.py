"""The only module (with its future siblings) that imports a backend library directly.

Everything numeric in keras_ref goes through `keras.ops`; this module answers the few questions
about the running backend that `keras.ops` cannot.
"""

from __future__ import annotations

import keras


def float64_supported() -> bool:
    """Whether the current backend can hold float64 values (JAX needs ``JAX_ENABLE_X64=1``)."""
    if keras.backend.backend() == "jax":
        import jax

        return bool(jax.config.read("jax_enable_x64"))
    return True


def backend_version() -> str:
    """Version string of the backend library behind Keras."""
    name = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(name)
    if module is None:
        return "unknown"
    return __import__(module).__version__
