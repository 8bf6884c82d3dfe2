"""jax only: the value a differentiated array stands for outside `jax.grad` (its primal).

Keras's jax `fit` differentiates the loss with ``jax.value_and_grad(..., has_aux=True)`` and hands
the metrics the model output returned as aux. Inside the differentiated function that output is
a linearize/JVP tracer; the aux Keras receives is that tracer's ``primal`` (the same object, jax
0.4-0.10). `keras_ref.tf2.logits` notes the primal as well, so the crossentropy metrics find the
logits the loss found.
"""

from __future__ import annotations

from typing import Any


def primal(x: Any) -> Any:
    """``x.primal`` for a jax JVP/linearize tracer, else None."""
    if type(x).__name__ not in ("JVPTracer", "LinearizeTracer"):
        return None
    return getattr(x, "primal", None)
