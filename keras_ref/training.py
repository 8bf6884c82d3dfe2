"""Legacy ``model.compile`` on a Keras 3 model: `compile(model, optimizer, loss, metrics, ...)`.

>>> import keras_ref
>>> keras_ref.training.compile(model, "adam", loss="binary_crossentropy",
...                            metrics=["acc"])  # doctest: +SKIP

It resolves every argument the Keras 2.2.4 way, then calls Keras 3 ``model.compile``:

- `optimizer` through `keras_ref.optimizers.get` (legacy names, config dicts, instances);
- `loss` (one for all outputs, a list, or a dict by output name) through `keras_ref.losses.get`,
  so each output's batch loss is the legacy reduction; total = ``sum(loss_weight_i * loss_i)``;
- `metrics`/`weighted_metrics` per output through `keras_ref.metrics.get`, with ``'acc'`` chosen by
  the legacy rule from that output's shape **and** loss (binary for binary_crossentropy);
  weighted metrics are named ``weighted_<name>`` as in legacy; epoch values are legacy averages;
- ``sample_weight_mode='temporal'``: Keras 3 already passes ``(N, T)`` sample weights to the loss
  unchanged, and the legacy reduction weights each timestep, so the mode is validated (outputs
  must have a time axis) and needs no switch; `target_tensors` has no Keras 3 counterpart.

Differs from legacy: Keras 3 accepts ``(N, T)`` sample weights without the temporal mode too.
"""

from __future__ import annotations

import numbers
import warnings
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import keras

from keras_ref import losses as losses_module
from keras_ref import metrics as metrics_module
from keras_ref import optimizers as optimizers_module
from keras_ref._keras_compat import share_iterations
from keras_ref._validation import did_you_mean
from keras_ref.family import resolve_family

__all__ = ["KERAS3_COMPILE_KEYWORDS", "compile"]

#: Keyword arguments passed through to Keras 3 ``model.compile``.
KERAS3_COMPILE_KEYWORDS = frozenset(
    {"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"}
)


def compile(
    model: keras.Model,
    optimizer: Any,
    loss: Any = None,
    metrics: Any = None,
    loss_weights: Sequence[float] | Mapping[str, float] | None = None,
    sample_weight_mode: str | Sequence | Mapping | None = None,
    weighted_metrics: Any = None,
    target_tensors: Any = None,
    *,
    family: str = "keras2",
    **kwargs: Any,
) -> None:
    """Configure `model` for training with the Keras 2.2.4 ``compile`` semantics (module doc).

    ``family="tf2"`` (or an alias, `keras_ref.family`) gives tf.keras 2.x semantics instead:
    `keras_ref.tf2.compile`, which takes no `sample_weight_mode` or `target_tensors`.
    """
    if resolve_family(family) == "tf2":
        return _compile_tf2(
            model,
            optimizer,
            loss,
            metrics,
            loss_weights,
            weighted_metrics,
            kwargs,
            sample_weight_mode=sample_weight_mode,
            target_tensors=target_tensors,
        )
    if not isinstance(model, keras.Model):
        raise TypeError(f"compile: `model` must be a keras.Model, got {type(model).__name__}.")
    if target_tensors is not None:
        raise ValueError(
            "compile: `target_tensors` is not supported: Keras 3 has no target placeholders to "
            "replace. Pass the targets to fit() instead (arrays, a tf.data.Dataset, a "
            "keras.utils.PyDataset or a generator yielding (x, y) or (x, y, sample_weight))."
        )
    for key in kwargs:
        if key not in KERAS3_COMPILE_KEYWORDS:
            raise TypeError(
                f"compile got an unexpected keyword argument `{key}`."
                f"{did_you_mean(key, KERAS3_COMPILE_KEYWORDS)} Legacy session arguments "
                "(`options`, `run_metadata`, ...) have no Keras 3 meaning. Allowed: "
                f"{', '.join(sorted(KERAS3_COMPILE_KEYWORDS))}."
            )
    names, shapes = _outputs(model)
    if shapes == [None]:  # not built yet: output count from a list `loss`, shapes at the 1st batch
        if isinstance(loss, (list, tuple)) and len(loss) > 1:
            names = [f"output_{i + 1}" for i in range(len(loss))]
            shapes = [None] * len(loss)
        _check_no_dicts(
            loss=loss,
            loss_weights=loss_weights,
            metrics=metrics,
            weighted_metrics=weighted_metrics,
            sample_weight_mode=sample_weight_mode,
        )
    losses = _per_output("loss", loss, names)
    resolved_losses = [losses_module.get(entry) for entry in losses]
    weights = _loss_weights(loss_weights, names)
    _check_sample_weight_mode(sample_weight_mode, names, shapes)
    plain = _metrics(metrics, names, shapes, resolved_losses, prefix="", argument="metrics")
    weighted = _metrics(
        weighted_metrics,
        names,
        shapes,
        resolved_losses,
        prefix="weighted_",
        argument="weighted_metrics",
    )
    single = len(names) == 1
    model.compile(
        optimizer=_optimizer_for(model, optimizers_module.get(optimizer)),
        loss=_unwrap(resolved_losses, single) if loss is not None else None,
        loss_weights=(weights[0] if single else weights) if weights is not None else None,
        metrics=_unwrap(plain, single) if metrics is not None else None,
        weighted_metrics=_unwrap(weighted, single) if weighted_metrics is not None else None,
        **kwargs,
    )


def _compile_tf2(
    model, optimizer, loss, metrics, loss_weights, weighted_metrics, kwargs, **legacy_only
) -> None:
    for name, value in legacy_only.items():
        if value is not None:
            raise ValueError(
                f"compile(family='tf2'): `{name}` is a Keras 2.2.4 argument that tf.keras 2.x "
                "compile does not take; leave it None."
            )
    from keras_ref.tf2.training import compile as tf2_compile

    tf2_compile(
        model,
        optimizer,
        loss,
        metrics,
        loss_weights=loss_weights,
        weighted_metrics=weighted_metrics,
        **kwargs,
    )


# -- one optimizer, several models --------------------------------------------------------------
#: Which model each optimizer instance was last compiled into by `compile`.
_OPTIMIZER_OWNERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _optimizer_for(model: keras.Model, optimizer: keras.optimizers.Optimizer):
    """`optimizer`, or for a second model an own copy that shares its step counter.

    Keras 2.2.4 let one optimizer instance train several models: each model got its own slots
    (moments, accumulators) and all shared ``iterations``. A Keras 3 optimizer holds slots for
    one set of variables only, so the second model gets a copy built from the optimizer's
    config (its current hyperparameters) whose ``iterations`` is the same variable.
    """
    owner_ref = _OPTIMIZER_OWNERS.get(optimizer)
    owner = owner_ref() if owner_ref is not None else None
    in_use_elsewhere = owner is not None and owner is not model
    built_elsewhere = owner is None and optimizer.built and _model_optimizer(model) is not optimizer
    if in_use_elsewhere or built_elsewhere:
        copy = type(optimizer).from_config(optimizer.get_config())
        share_iterations(copy, optimizer)
        optimizer = copy
    _OPTIMIZER_OWNERS[optimizer] = weakref.ref(model)
    return optimizer


def _model_optimizer(model: keras.Model):
    """The optimizer `model` was compiled with, or None."""
    return getattr(model, "optimizer", None)


# -- outputs ------------------------------------------------------------------------------------
def _outputs(model: keras.Model) -> tuple[list[str], list[tuple | None]]:
    """Output names and static shapes; one anonymous output of unknown shape if not built yet."""
    try:
        outputs = list(model.outputs)
    except (AttributeError, ValueError):
        return [_only_output_name(model)], [None]
    names = list(getattr(model, "output_names", None) or [])
    if len(names) != len(outputs):
        names = [_tensor_name(t, i) for i, t in enumerate(outputs)]
    return names, [tuple(t.shape) for t in outputs]


def _check_no_dicts(**arguments: Any) -> None:
    for argument, value in arguments.items():
        if isinstance(value, Mapping):
            raise ValueError(
                f"compile: a dict `{argument}` (by output name) needs the model's outputs, and "
                "this model has none yet. Build it first: start it with keras.Input(shape), or "
                "call it on a batch of data, then compile."
            )


def _only_output_name(model: keras.Model) -> str:
    return getattr(model, "name", None) or "output"


def _tensor_name(tensor, index: int) -> str:
    history = getattr(tensor, "_keras_history", None)
    return history.operation.name if history is not None else f"output_{index + 1}"


def _per_output(argument: str, value: Any, names: list[str]) -> list:
    """One entry per output from a single value, a list (one per output) or a dict by name."""
    if isinstance(value, Mapping):
        _check_keys(argument, value, names)
        for name in names:
            if name not in value:
                warnings.warn(
                    f'compile: output "{name}" is missing from the `{argument}` dict; it gets no '
                    f"{argument} (legacy behaviour: no targets are expected for it).",
                    stacklevel=3,
                )
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(
                f"compile: a list `{argument}` needs one entry per model output; the model has "
                f"{len(names)} outputs ({', '.join(names)}), got {len(value)} entries."
            )
        return list(value)
    return [value for _ in names]


def _check_keys(argument: str, value: Mapping, names: list[str]) -> None:
    for key in value:
        if key not in names:
            raise ValueError(
                f'compile: unknown output "{key}" in the `{argument}` dict.'
                f"{did_you_mean(str(key), names)} The model's outputs are: {', '.join(names)}."
            )


def _unwrap(per_output: list, single: bool):
    return per_output[0] if single else per_output


# -- loss weights, sample weight mode -----------------------------------------------------------
def _loss_weights(loss_weights: Any, names: list[str]) -> list[float] | None:
    """Legacy `loss_weights`: a list (one per output) or a dict (missing outputs get 1.0).

    A tuple is a TypeError, as in Keras 2.2.4 (its message names the two accepted forms).
    """
    if loss_weights is None:
        return None
    if isinstance(loss_weights, Mapping):
        _check_keys("loss_weights", loss_weights, names)
        values = [loss_weights.get(name, 1.0) for name in names]
    elif isinstance(loss_weights, list):
        if len(loss_weights) != len(names):
            raise ValueError(
                "compile: a list `loss_weights` needs one entry per model output; the model has "
                f"{len(names)} outputs ({', '.join(names)}), got {list(loss_weights)}."
            )
        values = list(loss_weights)
    else:
        raise TypeError(
            "compile: `loss_weights` must be a list (one float per output) or a dict "
            f"{{output name: float}}, got {loss_weights!r} ({type(loss_weights).__name__})."
        )
    for name, value in zip(names, values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f'compile: `loss_weights` for output "{name}" must be a real number, got {value!r}.'
            )
    return [float(v) for v in values]


def _check_sample_weight_mode(mode: Any, names: list[str], shapes: list[tuple | None]) -> None:
    """Each mode is None or 'temporal'; a temporal output must have a time axis (rank >= 3)."""
    modes = _per_output("sample_weight_mode", mode, names) if mode is not None else []
    for name, shape, value in zip(names, shapes, modes):
        if value not in (None, "temporal"):
            raise ValueError(
                f"compile: `sample_weight_mode` must be None or 'temporal' (or a list/dict of "
                f'those), got {value!r} for output "{name}".'
            )
        if value == "temporal" and shape is not None and len(shape) < 3:
            raise ValueError(
                f'compile: sample_weight_mode="temporal" needs an output with a time axis '
                f'(rank >= 3, e.g. (batch, timesteps, features)); output "{name}" has shape '
                f"{shape}. Use sample_weight_mode=None with weights of shape (N,) instead."
            )


# -- metrics ------------------------------------------------------------------------------------
def _metrics(
    metrics: Any,
    names: list[str],
    shapes: list[tuple | None],
    losses: list,
    *,
    prefix: str,
    argument: str,
) -> list[list[keras.metrics.Metric] | None]:
    """Per output, a list of fresh metric objects: legacy `collect_metrics`, then the 'acc' rule."""
    if metrics is None:
        return [None for _ in names]
    if isinstance(metrics, Mapping):
        _check_keys(argument, metrics, names)
        nested = [metrics.get(name) for name in names]
    elif isinstance(metrics, (list, tuple)):
        nested = [metrics for _ in names]
    else:
        raise TypeError(
            f"compile: `{argument}` must be a list of metrics (applied to every output) or a dict "
            f"{{output name: metric or list of metrics}}, got {metrics!r}."
        )
    resolved = []
    for index, (entries, shape, loss) in enumerate(zip(nested, shapes, losses)):
        if entries is None:
            resolved.append(None)
            continue
        if not isinstance(entries, (list, tuple)):
            entries = [entries]
        objects = []
        for entry in entries:
            metric = metrics_module.get(entry, loss=loss, output_shape=shape)
            if isinstance(entry, keras.metrics.Metric):
                if index > 0:  # one state per output
                    metric = type(entry).from_config(entry.get_config())
            elif prefix:  # the caller's own Metric objects keep their names
                metric.name = prefix + metric.name
            objects.append(metric)
        resolved.append(objects)
    return resolved
