"""Rebuild a Keras 3 model from a Keras 2 ``model_config`` (Sequential and functional).

Keras 3 reads most Keras 2 layer configs itself; this module translates what it rejects or reads
differently:

- ``batch_input_shape`` on the first layer of a Sequential model becomes an explicit
  ``InputLayer(batch_shape=...)`` (Keras 3 would add the batch axis twice); on an InputLayer it
  becomes ``batch_shape``;
- ``hard_sigmoid`` becomes the legacy ``clip(0.2 * x + 0.5, 0, 1)`` (`legacy_hard_sigmoid`):
  Keras 3's ``hard_sigmoid`` is ``relu6(x + 3) / 6``, slope 1/6, which changes every LSTM/GRU
  that used the Keras 2 default ``recurrent_activation``;
- the removed keys ``input_length`` (Embedding) and ``implementation`` (recurrent layers) are
  dropped, and tf.keras's ``time_major=False`` (``True`` cannot be loaded: Keras 3 has no
  time-major layout); ``VarianceScaling(distribution="normal")`` is Keras 3's
  ``"truncated_normal"``;
- a recurrent layer called with ``initial_state`` was saved as a node with several inputs (the
  sequence, then the states); it becomes a call with ``initial_state=[...]`` of the matching
  `keras_ref.legacy_h5.recurrent` class, which keeps the sequence's mask as Keras 2 did;
- a ``Lambda`` layer's bytecode is loaded only with ``safe_mode=False`` (`lambda_layers`);
- the layer inside ``TimeDistributed`` / ``Bidirectional`` gets the ``module`` key Keras 3
  needs to find it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import keras
from keras import ops

from keras_ref._numerics import constant
from keras_ref.legacy_h5.lambda_layers import lambda_function
from keras_ref.legacy_h5.recurrent import STATEFUL_CALL_CLASSES

__all__ = ["build_model", "legacy_hard_sigmoid", "translate_model_config"]

_RECURRENT = frozenset(
    {"LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN", "Bidirectional"}
)
_LAMBDA_PREFIX = "keras_ref_legacy_lambda:"
_WRAPPERS = frozenset({"TimeDistributed", "Bidirectional"})
_MODELS = frozenset({"Sequential", "Model", "Functional"})
_UNSUPPORTED = {
    "CuDNNLSTM": "keras.layers.LSTM and convert the cuDNN weight layout",
    "CuDNNGRU": "keras.layers.GRU and convert the cuDNN weight layout",
    "Merge": "the merge layers (Add, Concatenate, ...)",
}


@keras.saving.register_keras_serializable(package="keras_ref", name="legacy_hard_sigmoid")
def legacy_hard_sigmoid(x):
    """Keras 2 ``hard_sigmoid``: ``clip(0.2 * x + 0.5, 0, 1)`` (Keras 3: ``relu6(x + 3) / 6``)."""
    x = ops.convert_to_tensor(x)
    y = x * constant(0.2, x.dtype) + constant(0.5, x.dtype)
    return ops.clip(y, constant(0.0, x.dtype), constant(1.0, x.dtype))


def translate_model_config(
    config: dict, objects: dict | None = None, *, safe_mode: bool = True
) -> dict:
    """A copy of a Keras 2 ``{"class_name", "config"}`` model config that Keras 3 can build.

    The functions of ``Lambda`` layers are added to `objects` (the custom objects `build_model`
    gets) under generated names; their bytecode is loaded only when `safe_mode` is False.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "model_config must be a dict with 'class_name' and 'config' keys, got "
            f"{type(config).__name__}."
        )
    context = _Context({} if objects is None else objects, safe_mode)
    return _model(copy.deepcopy(config), context)


def build_model(config: dict, custom_objects: dict | None = None) -> keras.Model:
    """The Keras 3 model for a translated config (`translate_model_config`), left unchanged."""
    config = copy.deepcopy(config)  # Keras 3's from_config consumes parts of it
    objects = {"legacy_hard_sigmoid": legacy_hard_sigmoid, **(custom_objects or {})}
    with keras.saving.custom_object_scope(objects):
        if config["class_name"] == "Sequential":
            return keras.Sequential.from_config(config["config"], custom_objects=objects)
        return keras.Model.from_config(config["config"], custom_objects=objects)


@dataclass
class _Context:
    objects: dict
    safe_mode: bool


# -- models ---------------------------------------------------------------------------------------
def _model(config: dict, context: _Context) -> dict:
    class_name = config["class_name"]
    if class_name == "Sequential":
        return {"class_name": "Sequential", "config": _sequential(config["config"], context)}
    if class_name in ("Model", "Functional"):
        return {"class_name": "Functional", "config": _functional(config["config"], context)}
    raise ValueError(
        f"model_config: the model class {class_name!r} cannot be rebuilt from a config; only "
        "Sequential and functional (Model) models can. Subclassed models need their code: build "
        "the model, then load the weights with model.load_weights."
    )


def _sequential(config: Any, context: _Context) -> dict:
    if isinstance(config, list):  # Keras <= 2.1 stored the bare layer list
        config = {"name": "sequential", "layers": config}
    layers = [_layer(entry, context) for entry in config.get("layers", [])]
    if not layers:
        raise ValueError("model_config: the Sequential model has no layers.")
    first = layers[0]
    shape = first["config"].pop("batch_input_shape", None)
    if first["class_name"] != "InputLayer" and shape is not None:
        input_layer = {
            "class_name": "InputLayer",
            "config": {
                "batch_shape": shape,
                "dtype": _dtype_name(first["config"].get("dtype")),
                "name": f"{first['config'].get('name', 'layer')}_input",
            },
        }
        layers.insert(0, input_layer)
    elif shape is not None:
        first["config"]["batch_shape"] = shape
    for entry in layers[1:]:
        entry["config"].pop("batch_input_shape", None)
    translated = {"name": config.get("name", "sequential"), "layers": layers}
    if config.get("build_input_shape") and layers[0]["class_name"] != "InputLayer":
        translated["build_input_shape"] = config["build_input_shape"]
    return translated


def _functional(config: dict, context: _Context) -> dict:
    config = dict(config)
    layers = []
    for entry in config.get("layers", []):
        translated = _layer(entry, context)
        translated["name"] = entry.get("name", translated["config"].get("name"))
        nodes = entry.get("inbound_nodes", [])
        if translated["class_name"] in _RECURRENT:
            nodes = [_recurrent_node(node) for node in nodes]
            replacement = STATEFUL_CALL_CLASSES.get(translated["class_name"])
            if replacement is not None and any(isinstance(n, dict) for n in nodes):
                translated["class_name"] = replacement.__name__
                context.objects[replacement.__name__] = replacement
        translated["inbound_nodes"] = nodes
        if translated["class_name"] != "InputLayer":
            translated["config"].pop("batch_input_shape", None)
        layers.append(translated)
    config["layers"] = layers
    for key in ("input_layers", "output_layers"):  # Keras 2 always listed them; one is a tensor
        entries = config.get(key)
        if isinstance(entries, list) and len(entries) == 1 and isinstance(entries[0], list):
            config[key] = entries[0]
    return config


# -- layers ---------------------------------------------------------------------------------------
def _recurrent_node(node: Any) -> Any:
    """A Keras 2 node ``[sequence, state_1, ...]`` as a call with ``initial_state=[...]``."""
    if not isinstance(node, list) or len(node) < 2 or not all(isinstance(i, list) for i in node):
        return node
    sequence, *states = node
    kwargs = dict(sequence[3]) if len(sequence) > 3 and isinstance(sequence[3], dict) else {}
    kwargs["initial_state"] = [_tensor_reference(state) for state in states]
    return {"args": [_tensor_reference(sequence)], "kwargs": kwargs}


def _tensor_reference(entry: list) -> dict:
    """``[layer, node, tensor, ...]`` as the serialized Keras 3 tensor Keras 3 resolves."""
    return {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None], "dtype": "float32", "keras_history": list(entry[:3])},
    }


def _layer(entry: dict, context: _Context) -> dict:
    """One layer (or nested model) entry, translated."""
    class_name = entry.get("class_name")
    if class_name in _UNSUPPORTED:
        raise ValueError(
            f"model_config: layer class {class_name!r} has no Keras 3 counterpart that loads its "
            f"weights as saved; rebuild the model in code with {_UNSUPPORTED[class_name]}."
        )
    if class_name in _MODELS:
        nested = _model({"class_name": class_name, "config": entry["config"]}, context)
        return {**entry, **nested}
    config = dict(entry.get("config") or {})
    if class_name == "InputLayer" and "batch_input_shape" in config:
        config["batch_shape"] = config.pop("batch_input_shape")
    if class_name == "Embedding":
        config.pop("input_length", None)
    if class_name in _RECURRENT:
        config.pop("implementation", None)
        if config.pop("time_major", False):
            raise ValueError(
                f"model_config: layer {config.get('name')!r} ({class_name}) was saved with "
                "time_major=True; Keras 3 recurrent layers take (batch, time, ...) only. Rebuild "
                "it in code with a transpose around the layer, then call model.load_weights."
            )
    if class_name == "Lambda":  # the new deserialization path: it looks functions up by name
        _lambda(config, context)
        return {"module": "keras.layers", "class_name": class_name, "config": config}
    for key in ("activation", "recurrent_activation"):
        if config.get(key) == "hard_sigmoid":
            # serialized (a dict): Keras <= 3.10 JSON-encodes the layer config on the way in
            config[key] = keras.saving.serialize_keras_object(legacy_hard_sigmoid)
    for key, value in list(config.items()):
        if key.endswith("_initializer") and isinstance(value, dict):
            config[key] = _initializer(value)
    if class_name in _WRAPPERS:
        for key in ("layer", "backward_layer"):
            if isinstance(config.get(key), dict):
                config[key] = _wrapped(config[key], context)
    return {"class_name": class_name, "config": config}


def _lambda(config: dict, context: _Context) -> None:
    """Keras 2 Lambda keys -> Keras 3: bytecode functions become registered custom objects."""
    name = str(config.get("name"))
    function_type = config.pop("function_type", "function")
    config.pop("module", None)
    config.pop("output_shape_module", None)
    if function_type == "lambda":
        key = f"{_LAMBDA_PREFIX}{name}"
        context.objects[key] = lambda_function(
            name, config["function"], context.objects, safe_mode=context.safe_mode
        )
        config["function"] = key
        if callable(context.objects.get(name)):  # Keras 3 would take the layer's name for it
            del context.objects[name]
    if config.pop("output_shape_type", "raw") != "raw":
        config["output_shape"] = None  # a function of bytecode; Keras 3 infers the shape
    if config.get("output_shape") is None:
        config.pop("output_shape", None)


def _wrapped(entry: dict, context: _Context) -> dict:
    """A layer inside a wrapper: Keras 3 deserializes it the new way, which needs `module`."""
    translated = _layer(entry, context)
    if "module" in entry or not hasattr(keras.layers, translated["class_name"]):
        return {**entry, **translated}
    return {"module": "keras.layers", "registered_name": None, **translated}


def _initializer(value: dict) -> dict:
    inner = value.get("config")
    if (
        value.get("class_name") == "VarianceScaling"
        and isinstance(inner, dict)
        and inner.get("distribution") == "normal"  # Keras 2's "normal" was truncated
    ):
        value = {**value, "config": {**inner, "distribution": "truncated_normal"}}
    return value


def _dtype_name(dtype: Any) -> str | None:
    if isinstance(dtype, dict):  # tf.keras >= 2.13: a serialized dtype policy
        return (dtype.get("config") or {}).get("name")
    return dtype
