"""Backend-specific: an optimizer's whole trajectory as one compiled TensorFlow call.

The audit's runs are 60 `optimizer.apply` steps on four small variables, so eager TensorFlow
spends its time dispatching ops one by one (about 10 ms a step). Here the steps run in one
``tf.function`` (a ``tf.while_loop`` over the stacked gradients) with TensorFlow's graph
rewriting (grappler) switched off while it is built and first run: the graph then runs the
same kernels, on the same values, in the same order as the eager steps, so the trajectory is
bit-identical to `run_optimizer`'s eager one (asserted by tests/test_audit_trajectory.py), in
about a third of the time. Only TensorFlow: jax's ``jit`` fuses and rewrites the arithmetic
(its trajectories differ from the eager ones in the last bits) and torch has no graph.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import keras
import numpy as np


def compiles_trajectories() -> bool:
    """Whether `trajectory` is available on this backend (TensorFlow only)."""
    return keras.backend.backend() == "tensorflow"


@contextlib.contextmanager
def _graph_as_written():
    """Grappler off (no constant folding, no arithmetic rewrites), restored afterwards."""
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options()
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options(
            {"disable_meta_optimizer": before.get("disable_meta_optimizer", False)}
        )


def trajectory(
    optimizer: keras.optimizers.Optimizer,
    variables: Sequence[keras.Variable],
    grads: Sequence[Sequence[np.ndarray]],
    dtype: str,
) -> list[list[np.ndarray]]:
    """The variables (as NumPy) after each of ``len(grads)`` steps, run in one graph call."""
    import tensorflow as tf

    steps = len(grads)
    stacked = [
        tf.constant(np.stack([np.asarray(step[i], dtype=dtype) for step in grads]))
        for i in range(len(variables))
    ]
    if not optimizer.built:
        optimizer.build(list(variables))

    def loop(stacked):
        def body(k, history):
            optimizer.apply([g[k] for g in stacked], list(variables))
            return k + 1, [h.write(k, v.value) for h, v in zip(history, variables)]

        history = [tf.TensorArray(dtype, size=steps) for _ in variables]
        _, history = tf.while_loop(lambda k, _: k < steps, body, (tf.constant(0), history))
        return [h.stack() for h in history]

    with _graph_as_written():
        stacks = [s.numpy() for s in tf.function(loop, autograph=False)(stacked)]
    return [[s[k] for s in stacks] for k in range(steps)]
