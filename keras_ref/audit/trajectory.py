"""Run a Keras optimizer over a fixed gradient sequence and record the parameters."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np


def run_optimizer(
    optimizer: keras.optimizers.Optimizer,
    params: Sequence[np.ndarray],
    grads: Sequence[Sequence[np.ndarray]],
    dtype: str = "float32",
    *,
    compiled: bool = False,
) -> list[list[np.ndarray]]:
    """Parameters (as NumPy) after each `optimizer.apply` step, with variables of `dtype`.

    ``compiled=True`` runs all the steps in one compiled call where that gives the eager
    steps' exact values (TensorFlow, see `keras_ref.audit._backend_loop`), eagerly elsewhere.
    """
    variables = [
        keras.Variable(np.asarray(p, dtype=dtype), dtype=dtype, name=f"p{i}")
        for i, p in enumerate(params)
    ]
    if compiled and grads:
        from keras_ref.audit import _backend_loop

        if _backend_loop.compiles_trajectories():
            return _backend_loop.trajectory(optimizer, variables, grads, dtype)
    trajectory = []
    for step in grads:
        tensors = [
            keras.ops.convert_to_tensor(np.asarray(g, dtype=dtype), dtype=dtype) for g in step
        ]
        optimizer.apply(tensors, variables)
        trajectory.append([keras.ops.convert_to_numpy(v) for v in variables])
    return trajectory
