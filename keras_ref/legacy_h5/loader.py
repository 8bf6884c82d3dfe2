"""`load_model`: a Keras 2 HDF5 model as a Keras 3 model compiled with the keras_ref equivalents."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Any, Literal

import keras

from keras_ref import training
from keras_ref._numerics import numpy_dtype
from keras_ref.legacy_h5 import architecture, compile_args, state
from keras_ref.legacy_h5.reader import LegacyH5File

__all__ = ["load_model"]

_CONV_PREFIXES = ("Conv", "SeparableConv", "DepthwiseConv")
_CUSTOM_HINT = (
    " Custom layers and functions must be passed in custom_objects, under the name they were "
    "saved with."
)


def load_model(
    path: str | os.PathLike,
    compile: bool = True,
    custom_objects: Mapping[str, Any] | None = None,
    *,
    nadam_schedule: Literal["replay", "reset"] = "replay",
) -> keras.Model:
    """Load a model saved by Keras 2.2.x or tf.keras 2.x ``model.save("m.h5")``.

    The architecture is rebuilt from ``model_config`` (legacy keys translated, see
    `keras_ref.legacy_h5.architecture`) and the weights are loaded from ``model_weights`` by
    layer name. With ``compile=True`` the model is compiled through `keras_ref.compile` from
    ``training_config`` (the optimizer through `keras_ref.optimizers.get`, legacy loss and
    metric names, ``loss_weights``, ``sample_weight_mode``, the legacy ``"acc"`` rule) and the
    saved optimizer state (step count, slots, Nadam's schedule) is restored, so that training
    continues the Keras 2 run. Custom layers, losses and metrics are found in `custom_objects`
    by the name they were saved under. `nadam_schedule` says what to do when a Nadam
    ``m_schedule`` was not saved (Keras 2.2.x never saved it): ``"replay"`` it from the step
    count (the uninterrupted run) or ``"reset"`` it to 1 (what Keras 2.2.x did on reload).

    Raises FileNotFoundError for a missing file and ValueError, naming the file and what is
    missing or inconsistent, for anything else it cannot load.
    """
    if nadam_schedule not in ("replay", "reset"):
        raise ValueError(
            f"load_model: `nadam_schedule` must be 'replay' or 'reset', got {nadam_schedule!r}."
        )
    if not isinstance(compile, bool):
        raise TypeError(f"load_model: `compile` must be True or False, got {compile!r}.")
    objects = dict(custom_objects or {})
    file = LegacyH5File.open(path)
    try:
        return _load(file, compile, objects, nadam_schedule)
    except (OSError, KeyError) as error:  # h5py: a damaged or truncated file
        raise ValueError(f"load_model: {file.path}: cannot read the file: {error}") from error
    finally:
        file.close()


def _load(file: LegacyH5File, compile: bool, objects: dict, nadam_schedule: str) -> keras.Model:
    model_config = file.json_attribute("model_config", required=True)
    if file.keras_version.split(".")[0] == "1":
        raise ValueError(
            f"load_model: {file.path} was written by Keras 1 (keras_version "
            f"{file.keras_version!r}); only Keras 2 files are supported. Load and re-save it "
            "with Keras 2.2.x first."
        )
    model = _rebuild(file, model_config, objects)
    params = _load_weights(file, model)
    if not compile:
        return model
    training_config = file.json_attribute("training_config", required=False)
    if training_config is None:
        warnings.warn(
            f"load_model: {file.path} holds no training_config (it was saved uncompiled or "
            "with include_optimizer=False); the model is returned uncompiled.",
            UserWarning,
            stacklevel=3,
        )
        return model
    spec = _compile(file, model, training_config, objects)
    saved_state = file.optimizer_weights()
    if saved_state and not spec.new_style:
        model.optimizer.build(model.trainable_variables)
        _check_params(file, model, params)
        state.restore_state(
            model.optimizer,
            spec.name,
            params,
            saved_state,
            path=file.path,
            nadam_schedule=nadam_schedule,
        )
    elif spec.dropped.get("initial_accumulator_value"):
        warnings.warn(
            f"load_model: {file.path}: no optimizer state was saved and the saved Adagrad "
            f"started its accumulator at {spec.dropped['initial_accumulator_value']}; the Keras "
            "2 Adagrad (keras_ref) starts it at 0.",
            UserWarning,
            stacklevel=3,
        )
    return model


# -- architecture and weights ---------------------------------------------------------------------
def _rebuild(file: LegacyH5File, model_config: dict, objects: dict) -> keras.Model:
    try:
        config = architecture.translate_model_config(model_config)
        model = architecture.build_model(config, objects)
    except (TypeError, ValueError) as error:  # Keras 3: an unknown class or argument
        hint = "" if str(error).startswith("model_config:") else _CUSTOM_HINT
        raise ValueError(
            f"load_model: {file.path}: cannot rebuild the model: {error}{hint}"
        ) from error
    backend = file.original_backend
    if backend in ("theano", "cntk") and any(
        type(layer).__name__.startswith(_CONV_PREFIXES) for layer in _all_layers(model)
    ):
        raise ValueError(
            f"load_model: {file.path} was saved with the {backend} backend; its convolution "
            "kernels are stored flipped and converting them is not supported. Re-save it with "
            "Keras 2.2.x on the TensorFlow backend."
        )
    return model


def _all_layers(model: keras.Model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)


def _load_weights(file: LegacyH5File, model: keras.Model) -> list:
    """Load every layer's weights by name; return the trainable weights in legacy order."""
    saved = [(name, weights) for name, weights in file.layer_weights() if weights]
    by_name = {layer.name: layer for layer in model.layers}
    params = []
    for layer_name, weights in saved:
        layer = by_name.get(layer_name)
        if layer is None:
            raise ValueError(
                f"load_model: {file.path} holds weights for layer {layer_name!r}, which the "
                f"rebuilt model does not have (its layers: {', '.join(by_name)})."
            )
        variables = layer.weights
        if len(variables) != len(weights):
            raise ValueError(
                f"load_model: {file.path}: layer {layer_name!r} has {len(variables)} weights in "
                f"Keras 3 ({', '.join(v.path for v in variables)}), the file holds "
                f"{len(weights)} ({', '.join(n for n, _ in weights)})."
            )
        for variable, (weight_name, value) in zip(variables, weights):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"load_model: {file.path}: weight {weight_name!r} of layer {layer_name!r} "
                    f"has shape {tuple(value.shape)}, the Keras 3 variable `{variable.path}` has "
                    f"shape {tuple(variable.shape)}."
                )
            variable.assign(value.astype(numpy_dtype(variable.dtype)))
        params.extend(layer.trainable_weights)
    saved_names = {name for name, _ in saved}
    missing = [
        layer.name for layer in model.layers if layer.weights and layer.name not in saved_names
    ]
    if missing:
        raise ValueError(
            f"load_model: {file.path} holds no weights for layer(s) {', '.join(missing)}."
        )
    return params


def _check_params(file: LegacyH5File, model: keras.Model, params: list) -> None:
    if {id(p) for p in params} != {id(v) for v in model.trainable_variables}:
        raise ValueError(
            f"load_model: {file.path}: the model's trainable variables do not match the saved "
            "layers' trainable weights, so the optimizer state cannot be assigned. Load with "
            "compile=False."
        )


# -- compile --------------------------------------------------------------------------------------
def _compile(
    file: LegacyH5File, model: keras.Model, training_config: dict, objects: dict
) -> compile_args.OptimizerSpec:
    spec = compile_args.optimizer_spec(training_config.get("optimizer_config"), file.path)
    optimizer = spec.build(file.path)
    output_names = list(getattr(model, "output_names", None) or [])
    loss = compile_args.loss_argument(training_config.get("loss"), objects, file.path)
    metrics = compile_args.metrics_argument(
        training_config.get("metrics"), output_names, objects, file.path
    )
    weighted = compile_args.metrics_argument(
        training_config.get("weighted_metrics"), output_names, objects, file.path
    )
    try:
        training.compile(
            model,
            optimizer,
            loss=loss,
            metrics=metrics,
            loss_weights=training_config.get("loss_weights"),
            sample_weight_mode=training_config.get("sample_weight_mode"),
            weighted_metrics=weighted,
        )
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"load_model: {file.path}: cannot compile the model from its training_config: "
            f"{error} Load with compile=False."
        ) from error
    return spec
