"""Backend-specific: compile a function the way each backend's users do, and wait for results.

tensorflow: `tf.function(jit_compile=True)`; jax: `jax.jit`; torch: eager (no compilation), with
`torch.cuda.synchronize` on GPU. `block(x)` returns only once `x` is computed.
"""

from __future__ import annotations

from collections.abc import Callable

import keras


def jit(fn: Callable) -> Callable:
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if name == "jax":
        import jax

        return jax.jit(fn)
    return fn


def block(x):
    name = keras.backend.backend()
    if name == "jax":
        import jax

        return jax.block_until_ready(x)
    if name == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()
        return x
    if name == "tensorflow":
        keras.tree.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, x)
    return x
