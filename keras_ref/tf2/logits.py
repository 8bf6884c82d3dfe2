"""The tf.keras 2.x logits shortcut, on every backend.

In tf.keras 2.x a crossentropy whose ``y_pred`` came out of a Keras ``softmax``/``sigmoid``
activation did not use those probabilities: it used the activation's input (the logits) and the
``from_logits`` formula, with no clipping. tf.keras found the logits in an attribute that the
activation attached to its output, or, in graph mode (what ``fit`` ran), as the input of the
``Softmax``/``Sigmoid`` op. Keras 2.2.4 never did this; stock Keras 3 does it on TensorFlow only.

keras_ref does it on every backend:

- tensorflow and torch: Keras 3's activations attach the logits to their output already;
- tensorflow graphs: the input of the producing ``Softmax``/``Sigmoid`` op, as tf.keras did;
- jax (arrays take no attributes): `keras_ref.tf2.compile` installs `recording` around the
  ``softmax``/``sigmoid`` activation of the model's layers, which notes each output's logits in a
  small table that the losses and metrics consult by identity (inside `fit`'s gradient also
  under the output's primal, the object Keras hands the metrics).

See docs/tf2-losses-metrics.md.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable
from typing import Any, Literal

import keras

from keras_ref import _keras_compat as compat
from keras_ref.tf2._jax_tracing import primal

__all__ = ["install_logits_recording", "recording", "shortcut_logits"]

OpType = Literal["Softmax", "Sigmoid"]

_CAPACITY = 64  # outputs remembered at once (jax); a train step needs one per output
_RECORDED: collections.OrderedDict[int, tuple[Any, Any]] = collections.OrderedDict()


def shortcut_logits(y_pred: Any, op_type: OpType) -> Any:
    """The logits behind `y_pred` if it came out of a Keras softmax/sigmoid, else None.

    As in tf.keras, attached logits are used whatever the activation was; the graph-op rule
    (tensorflow) needs ``op_type`` to match.
    """
    logits = compat.attached_logits(y_pred)
    if logits is not None:
        return logits
    if keras.backend.backend() == "tensorflow":
        from keras_ref.tf2._tensorflow_graph import producing_op_input

        logits = producing_op_input(y_pred, op_type)
        if logits is not None:
            return logits
    entry = _RECORDED.get(id(y_pred))
    if entry is not None and entry[0] is y_pred:
        return entry[1]
    return None


def _remember(output: Any, logits: Any) -> None:
    if compat.attach_logits(output, logits):
        return
    _RECORDED[id(output)] = (output, logits)
    outer_output, outer_logits = primal(output), primal(logits)
    if outer_output is not None and outer_logits is not None:  # jax inside `fit`'s gradient
        _RECORDED[id(outer_output)] = (outer_output, outer_logits)
    while len(_RECORDED) > _CAPACITY:
        _RECORDED.popitem(last=False)


def recording(activation: Callable) -> Callable:
    """`activation` (softmax or sigmoid) that also remembers its input as its output's logits."""
    if getattr(activation, "_keras_ref_records_logits", False):
        return activation

    @functools.wraps(activation)
    def activation_recording_logits(x, *args, **kwargs):
        output = activation(x, *args, **kwargs)
        _remember(output, x)
        return output

    activation_recording_logits._keras_ref_records_logits = True
    return activation_recording_logits


def install_logits_recording(model: keras.Model) -> int:
    """Wrap every softmax/sigmoid ``activation`` attribute in `model` with `recording`.

    Needed on jax only (elsewhere Keras attaches the logits itself); returns how many layers were
    wrapped. Serialisation is unchanged: the wrapper keeps the activation's name.
    """
    wrapped = 0
    targets = (keras.activations.softmax, keras.activations.sigmoid)
    for layer in _all_layers(model):
        activation = getattr(layer, "activation", None)
        if any(activation is target for target in targets):
            layer.activation = recording(activation)
            wrapped += 1
    return wrapped


def _all_layers(model: keras.Model):
    seen: set[int] = set()
    stack = list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        yield layer
        stack.extend(getattr(layer, "layers", []))
