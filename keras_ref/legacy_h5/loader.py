"""`load_model`: a Keras 2 HDF5 model as a Keras 3 model compiled with the keras_ref equivalents."""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import keras
import numpy as np

from keras_ref import training
from keras_ref._keras_compat import deferred_variables
from keras_ref._numerics import numpy_dtype
from keras_ref.legacy_h5 import architecture, compile_args, state
from keras_ref.legacy_h5.family import Family, detect_family
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
    safe_mode: bool = True,
    nadam_schedule: Literal["replay", "reset"] = "replay",
) -> keras.Model:
    """Load a model saved by Keras 2.x or tf.keras 2.x ``model.save("m.h5")``.

    The family that wrote the file is read from its ``keras_version`` (`family.detect_family`):
    multi-backend Keras 2.0-2.3 files compile with the Keras 2.2.4 optimizers (`keras_ref`),
    tf.keras 2.x files with `keras_ref.tf2`; a Keras 3 ``.h5`` goes to Keras 3's own loader.
    The architecture is rebuilt from ``model_config`` (legacy keys translated, see
    `keras_ref.legacy_h5.architecture`), checked against the stored weights before any variable
    is allocated, and the weights are loaded by layer name. With ``compile=True`` the model is
    compiled from ``training_config`` (legacy loss and metric names, ``loss_weights``,
    ``sample_weight_mode``, the legacy ``"acc"`` rule) and the saved optimizer state is
    restored, so that training continues the Keras 2 run. Custom layers, losses and metrics are
    found in `custom_objects` by the name they were saved under; a ``Lambda`` layer's function by
    the layer's name. `safe_mode=False` allows loading a ``Lambda`` layer's stored bytecode
    (it runs code from the file). `nadam_schedule` says what to do when a Nadam ``m_schedule``
    was not saved (Keras 2.2.x never saved it): ``"replay"`` it from the step count (the
    uninterrupted run) or ``"reset"`` it to 1 (what Keras 2.2.x did on reload).
    See docs/legacy-h5.md.

    Raises FileNotFoundError for a missing file and ValueError, naming the file (and the layer)
    and what is missing or inconsistent, for anything else it cannot load.
    """
    if nadam_schedule not in ("replay", "reset"):
        raise ValueError(
            f"load_model: `nadam_schedule` must be 'replay' or 'reset', got {nadam_schedule!r}."
        )
    if not isinstance(compile, bool):
        raise TypeError(f"load_model: `compile` must be True or False, got {compile!r}.")
    if not isinstance(safe_mode, bool):
        raise TypeError(f"load_model: `safe_mode` must be True or False, got {safe_mode!r}.")
    objects = dict(custom_objects or {})
    file = LegacyH5File.open(path)
    try:
        model_config = file.json_attribute("model_config", required=True)
        found = detect_family(file.keras_version, file.original_backend, path=file.path)
        if found == "keras3":
            file.close()
            return _load_keras3(file.path, compile, objects, safe_mode)
        options = _Options(found, compile, objects, safe_mode, nadam_schedule)
        return _load(file, model_config, options)
    except (OSError, KeyError) as error:  # h5py: a damaged or truncated file
        raise ValueError(f"load_model: {file.path}: cannot read the file: {error}") from error
    finally:
        file.close()


@dataclass(frozen=True)
class _Options:
    family: Family
    compile: bool
    objects: dict
    safe_mode: bool
    nadam_schedule: str


def _load_keras3(path: str, compile: bool, objects: dict, safe_mode: bool) -> keras.Model:
    """A Keras 3 ``model.save("m.h5")`` file: Keras 3's own loader reads it exactly."""
    if not path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"load_model: {path} was written by Keras 3 (legacy HDF5 format); Keras 3 reads it "
            "with keras.saving.load_model once the file name ends with .h5."
        )
    try:
        return keras.saving.load_model(
            path, custom_objects=objects, compile=compile, safe_mode=safe_mode
        )
    except (TypeError, ValueError) as error:
        if not compile:
            raise ValueError(
                f"load_model: {path} was written by Keras 3 and Keras 3's loader "
                f"(keras.saving.load_model) cannot load it: {error}"
            ) from error
        model = _load_keras3(path, False, objects, safe_mode)
        warnings.warn(
            f"load_model: {path} was written by Keras 3, whose loader cannot compile it from "
            f"its training_config ({error}); the model is returned uncompiled: compile it again.",
            UserWarning,
            stacklevel=3,
        )
        return model


def _load(file: LegacyH5File, model_config: dict, options: _Options) -> keras.Model:
    if options.family == "keras1":
        raise ValueError(
            f"load_model: {file.path} was written by Keras 1 (keras_version "
            f"{file.keras_version!r}); only Keras 2 files are supported. Load and re-save it "
            "with Keras 2.2.x first."
        )
    model = _rebuild(file, model_config, options)
    params = _load_weights(file, model)
    if not options.compile:
        return model
    training_config = file.json_attribute("training_config", required=False)
    if training_config is None:
        warnings.warn(
            f"load_model: {file.path} holds no training_config (it was saved uncompiled or "
            "with include_optimizer=False); the model is returned uncompiled.",
            UserWarning,
            stacklevel=4,
        )
        return model
    saved_config = training_config.get("optimizer_config")
    legacy = not compile_args.is_new_style(saved_config)
    tf2 = _tf2_optimizers() if options.family == "tf2" and legacy else None
    if tf2 is not None:
        optimizer = compile_args.tf2_optimizer(saved_config, tf2.ALL_OPTIMIZERS, file.path)
        _compile(file, model, training_config, options.objects, optimizer)
        saved_state = file.optimizer_weights()
        if saved_state:
            if not optimizer.built:
                optimizer.build(model.trainable_variables)
            _check_params(file, model, params)
            from keras_ref.tf2.optimizers.state import restore_tf_keras_state

            restore_tf_keras_state(optimizer, params, [value for _, value in saved_state])
        return model
    spec = compile_args.optimizer_spec(saved_config, file.path)
    _compile(file, model, training_config, options.objects, spec.build(file.path))
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
            nadam_schedule=options.nadam_schedule,
        )
    elif spec.dropped.get("initial_accumulator_value"):
        warnings.warn(
            f"load_model: {file.path}: no optimizer state was saved and the saved Adagrad "
            f"started its accumulator at {spec.dropped['initial_accumulator_value']}; the Keras "
            "2 Adagrad (keras_ref) starts it at 0.",
            UserWarning,
            stacklevel=4,
        )
    return model


def _tf2_optimizers():
    """`keras_ref.tf2.optimizers`, or None (with a warning) where this install lacks it."""
    try:
        return importlib.import_module("keras_ref.tf2.optimizers")
    except ImportError:
        warnings.warn(
            "load_model: keras_ref.tf2 is not available; a tf.keras 2.x file is compiled with "
            "the Keras 2.2.4 optimizers (keras_ref), whose rules differ from tf.keras 2.x.",
            UserWarning,
            stacklevel=5,
        )
        return None


# -- architecture and weights ---------------------------------------------------------------------
def _rebuild(file: LegacyH5File, model_config: dict, options: _Options) -> keras.Model:
    objects = dict(options.objects)
    try:
        config = architecture.translate_model_config(
            model_config, objects, safe_mode=options.safe_mode
        )
        with deferred_variables():  # shapes only: nothing is allocated
            declared = architecture.build_model(config, objects)
    except (TypeError, ValueError) as error:  # Keras 3: an unknown class or argument
        own = ("model_config:", "layer ")
        hint = "" if str(error).startswith(own) else _CUSTOM_HINT
        raise ValueError(
            f"load_model: {file.path}: cannot rebuild the model: {error}{hint}"
        ) from error
    _check_declared_shapes(file, declared)
    model = architecture.build_model(config, objects)
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


def _check_declared_shapes(file: LegacyH5File, model: keras.Model) -> None:
    """The layers' variables match the stored datasets by name, count and shape.

    Runs on a model built with deferred variables and reads only the datasets' shapes, so a
    config that declares a huge layer fails here, before anything is allocated.
    """
    stored = [(name, shapes) for name, shapes in file.layer_weight_shapes() if shapes]
    by_name = {layer.name: layer for layer in model.layers}
    for layer_name, shapes in stored:
        layer = by_name.get(layer_name)
        if layer is None:
            raise ValueError(
                f"load_model: {file.path} holds weights for layer {layer_name!r}, which the model "
                f"does not have (its layers: {', '.join(by_name)})."
            )
        variables = layer.weights
        if len(variables) != len(shapes):
            raise ValueError(
                f"load_model: {file.path}: layer {layer_name!r} has {len(variables)} weights in "
                "Keras 3 "
                f"({', '.join(v.path for v in variables)}), the file holds {len(shapes)} "
                f"({', '.join(n for n, _ in shapes)})."
            )
        for variable, (weight_name, shape) in zip(variables, shapes):
            if tuple(variable.shape) != shape:
                size = int(np.prod(variable.shape, dtype=np.float64))
                raise ValueError(
                    f"load_model: {file.path}: layer {layer_name!r}: its model_config declares "
                    f"weight `{variable.path}` of shape {tuple(variable.shape)} ({size:,} "
                    f"values), the file stores {weight_name!r} with shape {shape}. Nothing was "
                    "allocated."
                )
    saved_names = {name for name, _ in stored}
    missing = [
        layer.name for layer in model.layers if layer.weights and layer.name not in saved_names
    ]
    if missing:
        raise ValueError(
            f"load_model: {file.path} holds no weights for layer(s) {', '.join(missing)}."
        )


def _load_weights(file: LegacyH5File, model: keras.Model) -> list:
    """Assign every layer's stored weights (checked by `_check_declared_shapes`); return the
    trainable weights in legacy order."""
    by_name = {layer.name: layer for layer in model.layers}
    params = []
    for layer_name, weights in file.layer_weights():
        if not weights:
            continue
        layer = by_name[layer_name]
        for variable, (_, value) in zip(layer.weights, weights):
            variable.assign(value.astype(numpy_dtype(variable.dtype)))
        params.extend(layer.trainable_weights)
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
    file: LegacyH5File,
    model: keras.Model,
    training_config: dict,
    objects: dict,
    optimizer: keras.optimizers.Optimizer,
) -> None:
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
