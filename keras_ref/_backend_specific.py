"""The only module (with its future siblings) that imports a backend library directly.

Everything numeric in keras_ref goes through `keras.ops`; this module answers the few questions
about the running backend that `keras.ops` cannot.
"""

from __future__ import annotations

import contextlib

import keras


def float64_supported() -> bool:
    """Whether the current backend can hold float64 values (JAX needs ``JAX_ENABLE_X64=1``)."""
    if keras.backend.backend() == "jax":
        import jax

        return bool(jax.config.read("jax_enable_x64"))
    return True


def tf_replicas_in_sync() -> int:
    """How many tf.distribute replicas sum their gradients here (1 outside a replica context)."""
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf

    if tf.distribute.in_cross_replica_context():
        return 1
    return tf.distribute.get_replica_context().num_replicas_in_sync


def tf_all_reduce_sum(grads: list) -> list:
    """The gradients summed over the replicas (what Keras's TFOptimizer does before updating)."""
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    return context.all_reduce(tf.distribute.ReduceOp.SUM, list(grads))


def eager_scope():
    """A context in which tensors have values even while a TensorFlow function is being traced
    (`tf.init_scope`: how an optimizer built inside `fit`'s traced step reads its variables)."""
    if keras.backend.backend() != "tensorflow":
        return contextlib.nullcontext()
    import tensorflow as tf

    return tf.init_scope()


def backend_version() -> str:
    """Version string of the backend library behind Keras."""
    name = keras.backend.backend()
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(name)
    if module is None:
        return "unknown"
    return __import__(module).__version__


def gpu_available() -> bool:
    """Whether the current backend sees a GPU."""
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    if name == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    if name == "torch":
        import torch

        return bool(torch.cuda.is_available())
    return False


def disable_tf32() -> None:
    """Full float32 matrix products on GPU: TF32 off for the current backend."""
    name = keras.backend.backend()
    if name == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
    elif name == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
    elif name == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def device_name(device: str) -> str:
    """A human description of `device` ("cpu" or "gpu") as the current backend sees it."""
    import platform

    if device == "cpu":
        return platform.processor() or platform.machine()
    name = keras.backend.backend()
    if name == "torch":
        import torch

        return torch.cuda.get_device_name(0)
    if name == "jax":
        import jax

        return next(d.device_kind for d in jax.devices() if d.platform == "gpu")
    if name == "tensorflow":
        import tensorflow as tf

        gpu = tf.config.list_physical_devices("GPU")[0]
        return tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
    return "gpu"


def native_extremum_propagates_nan() -> bool:
    """Whether `keras.ops.maximum`/`minimum`, here and now, give NaN when either side is NaN.

    jax (XLA) and TensorFlow's kernels (Eigen's ``PropagateNaN``, CPU and GPU) do. TensorFlow
    compiled by XLA (``jit_compile=True``) does not: it keeps ``a`` when only ``b`` is NaN.
    (torch: see `torch_extremum`.)
    """
    backend = keras.backend.backend()
    if backend == "jax":
        return True
    if backend != "tensorflow":
        return False
    import tensorflow as tf

    if tf.executing_eagerly():
        return True
    try:  # TensorFlow's own test for "this graph is being compiled by XLA"
        from tensorflow.python.ops.control_flow_util import GraphOrParentsInXlaContext
    except ImportError:  # a TensorFlow without it: the composite, correct everywhere
        return False
    return not GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())


def torch_extremum(a, b, *, largest: bool):
    """torch: ``torch.maximum``/``torch.minimum`` of equal-dtype tensors, one kernel.

    Both keep the dtype and propagate NaN from either side, which is what `keras_ref` needs;
    `keras.ops.maximum` casts float64 to float32 on torch, hence the direct call.
    """
    import torch

    return torch.maximum(a, b) if largest else torch.minimum(a, b)
