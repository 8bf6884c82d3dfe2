"""Backend-specific: compile a function the way each backend's users do, and wait for results.

tensorflow: `tf.function(jit_compile=True)`; jax: `jax.jit` (with donated arguments, as Keras's
own JAX trainer donates the variables it updates); torch: eager (no compilation). `block(x)`
returns only once `x` is computed (TensorFlow on CPU and torch on CPU are already synchronous).
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np


def jit(fn: Callable, donate: tuple[int, ...] = ()) -> Callable:
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if name == "jax":
        import jax

        return jax.jit(fn, donate_argnums=donate)
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
    if name == "tensorflow":
        import tensorflow as tf

        if tf.config.list_logical_devices("GPU"):
            tf.test.experimental.sync_devices()
    return x


def in_place_scale(size: int) -> Callable[[], None]:
    """A compiled in-place ``x <- x * 1`` on `size` float32 values: the simplest step."""
    name = keras.backend.backend()
    scale = keras.ops.convert_to_tensor(np.float32(1.0))
    if name == "jax":
        state = {"x": keras.ops.convert_to_tensor(np.full((size,), 0.5, "float32"))}
        fn = jit(lambda t, c: t * c, donate=(0,))

        def run():
            state["x"] = block(fn(state["x"], scale))

        return run
    if name == "torch":
        x = keras.ops.convert_to_tensor(np.full((size,), 0.5, "float32"))
        return lambda: block(x.mul_(scale))
    variable = keras.Variable(np.full((size,), 0.5, "float32"))
    fn = jit(lambda c: variable.assign(variable * c))
    return lambda: block(fn(scale))


def compiled_step(opt, variables: list):
    """One compiled `opt` step on `variables`, as each backend's users compile it.

    tensorflow: ``step(grads)`` updates the variables in place. jax: ``step(opt_values, params,
    grads) -> (opt_values, params)``, donated as Keras's JAX trainer donates its state, outputs
    in the inputs' order so that XLA aliases each buffer to its own update (else it adds copies).
    torch: eager ``opt.apply``.
    """
    if keras.backend.backend() != "jax":
        return jit(lambda grads: opt.apply(grads, variables))

    def update(opt_values, params, grads):
        new_params, new_opt_values = opt.stateless_apply(opt_values, grads, params)
        return new_opt_values, new_params

    return jit(update, donate=(0, 1))


def optimized_hlo(opt, variables: list, grads: list) -> str:
    """tensorflow and jax: the optimized XLA HLO of `compiled_step(opt, variables)`."""
    name, step = keras.backend.backend(), compiled_step(opt, variables)
    if name == "tensorflow":
        return step.experimental_get_compiler_ir(grads)(stage="optimized_hlo")
    if name == "jax":
        values = [v.value for v in opt.variables], [v.value for v in variables], grads
        return step.lower(*values).compile().as_text()
    raise ValueError(f"optimized_hlo: XLA backends only (tensorflow, jax), not {name!r}")


def tf_graph_ops(opt, variables: list, grads: list) -> dict[str, int]:
    """tensorflow: the ops, by type, of one `opt.apply` in a plain (non-XLA) `tf.function`
    graph, the form `fit` runs on a CPU-only machine (Keras turns XLA off there)."""
    import tensorflow as tf

    graph = tf.function(lambda g: opt.apply(g, variables)).get_concrete_function(grads).graph
    counts: dict[str, int] = {}
    for op in graph.get_operations():
        counts[op.type] = counts.get(op.type, 0) + 1
    return counts


def torch_profile_table(run, steps: int, rows: int) -> str:
    """torch: `torch.profiler`'s table of the ops `steps` calls of `run` spend their time in."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            run()
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)
