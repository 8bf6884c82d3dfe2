"""TensorFlow-only: the input of the graph op that produced a symbolic tensor.

tf.keras 2.x ran `fit` as a graph, where a crossentropy on the output of a ``Softmax`` or
``Sigmoid`` op read that op's input (the logits). Only meaningful on the tensorflow backend.
"""

from __future__ import annotations

from typing import Any


def producing_op_input(tensor: Any, op_type: str) -> Any:
    """The single input of the ``op_type`` op that produced graph `tensor`, or None."""
    import tensorflow as tf

    if not tf.is_tensor(tensor) or isinstance(tensor, (tf.__internal__.EagerTensor, tf.Variable)):
        return None
    op = getattr(tensor, "op", None)
    if op is None or op.type != op_type or len(op.inputs) != 1:
        return None
    return op.inputs[0]
