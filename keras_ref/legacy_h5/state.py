"""Restore a saved Keras 2 optimizer state into a built keras_ref optimizer.

Keras 2.2.x saved ``optimizer.weights`` by position, per class (``n`` = trainable weights in the
order of the saved layers):

========  ====================================================================
SGD       iterations, n moments
RMSprop   n accumulators (no ``iterations``)
Adagrad   n accumulators (no ``iterations``)
Adadelta  n accumulators, n delta accumulators (no ``iterations``)
Adam      iterations, n m, n v, n vhat (shape ``(1,)`` placeholders unless amsgrad)
Adamax    iterations, n m, n u
Nadam     iterations, n m, n v (no ``m_schedule``)
========  ====================================================================

Keras 2.3.x saved the same slots, with ``iterations`` first for RMSprop, Adagrad and Adadelta too
and Nadam's ``m_schedule`` after it (`KERAS_2_3_LEADING`).

tf.keras OptimizerV2 names each weight: ``<Opt>/iter:0``, ``<Opt>/momentum_cache:0`` (Nadam's
``m_schedule``), then ``<Opt>/<variable>/<slot>:0`` slot by slot in the same variable order.

Without a saved ``iterations`` the step count restarts at 0 (as when Keras 2.2.4 reloaded the
file), so a decayed learning rate restarts from ``lr``. Without a saved ``m_schedule`` Nadam's
schedule is replayed from the step count (`replay_m_schedule`), so training continues the
uninterrupted run; ``nadam_schedule="reset"`` restarts it at 1, as Keras 2.2.4 did on reload.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from keras_ref._keras_compat import variable_index
from keras_ref._numerics import numpy_dtype

__all__ = [
    "KERAS_2_3_LEADING",
    "LEGACY_LAYOUT",
    "V2_SLOTS",
    "replay_m_schedule",
    "restore_state",
]

#: Keras 2.2.x ``optimizer.weights``: (leading scalars, slot groups of n each).
LEGACY_LAYOUT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sgd": (("iterations",), ("moment",)),
    "rmsprop": ((), ("accumulator",)),
    "adagrad": ((), ("accumulator",)),
    "adadelta": ((), ("accumulator", "delta_accumulator")),
    "adam": (("iterations",), ("m", "v", "vhat")),
    "adamax": (("iterations",), ("m", "u")),
    "nadam": (("iterations",), ("m", "v")),
}

#: Keras 2.3.x: the leading scalars where they differ from Keras 2.2.x (same slot groups).
KERAS_2_3_LEADING: dict[str, tuple[str, ...]] = {
    "rmsprop": ("iterations",),
    "adagrad": ("iterations",),
    "adadelta": ("iterations",),
    "nadam": ("iterations", "m_schedule"),
}

#: tf.keras OptimizerV2 slot names -> keras_ref slot names.
V2_SLOTS: dict[str, dict[str, str]] = {
    "sgd": {"momentum": "moment"},
    "rmsprop": {"rms": "accumulator"},
    "adagrad": {"accumulator": "accumulator"},
    "adadelta": {"accum_grad": "accumulator", "accum_var": "delta_accumulator"},
    "adam": {"m": "m", "v": "v", "vhat": "vhat"},
    "adamax": {"m": "m", "v": "u"},
    "nadam": {"m": "m", "v": "v"},
}


def restore_state(
    optimizer: keras.optimizers.Optimizer,
    name: str,
    params: Sequence,
    saved: Sequence[tuple[str, np.ndarray]],
    *,
    path: str,
    nadam_schedule: str = "replay",
) -> None:
    """Assign `saved` (``[(name, value), ...]``) to `optimizer`, built over `params`."""
    if not saved:
        return
    names = [n for n, _ in saved]
    if any(_base(n) == "iter" for n in names):
        scalars, slots = _v2_layout(name, params, saved, path)
    else:
        scalars, slots = _legacy_layout(name, params, saved, path)
    for slot_name, values in slots.items():
        if slot_name not in optimizer._slot_names:
            continue  # Keras 2 kept vhat placeholders without amsgrad, moments without momentum
        variables = getattr(optimizer, f"_{slot_name}")
        for param, value in zip(params, values):
            _assign(variables[variable_index(optimizer, param)], value, path, slot_name)
    iterations = scalars.get("iterations")
    if iterations is not None:
        optimizer.iterations.assign(int(np.asarray(iterations)))
    elif getattr(optimizer, "decay", 0):
        warnings.warn(
            f"load_model: {path} holds no optimizer step count (Keras 2.2.x did not save "
            f"`iterations` for {type(optimizer).__name__}); the decayed learning rate restarts "
            "from lr, as it did when Keras 2.2.x reloaded the file.",
            UserWarning,
            stacklevel=3,
        )
    if name == "nadam":
        if "m_schedule" in scalars:
            _assign(optimizer._m_schedule, scalars["m_schedule"], path, "m_schedule")
        elif nadam_schedule == "replay":
            replay_m_schedule(optimizer, int(ops.convert_to_numpy(optimizer.iterations)))


def replay_m_schedule(optimizer: keras.optimizers.Optimizer, steps: int) -> None:
    """Set Nadam's ``m_schedule`` to the product of ``mu_t`` over `steps` steps, as it runs.

    Each factor is computed exactly as the optimizer computes it per step (same dtype, same
    ops), so the value equals that of an uninterrupted run; the loop stops once it underflows.
    """
    variable = optimizer._m_schedule
    dtype = keras.backend.standardize_dtype(variable.dtype)
    schedule = ops.ones((), dtype=dtype)
    for k in range(steps):
        t = ops.cast(ops.convert_to_tensor(k, dtype="int64"), dtype) + 1
        schedule = schedule * optimizer._momentum_cache(t, dtype)
        if float(ops.convert_to_numpy(schedule)) == 0.0:
            break
    variable.assign(schedule)


# -- layouts --------------------------------------------------------------------------------------
def _base(weight_name: str) -> str:
    return weight_name.rsplit("/", 1)[-1].split(":")[0]


def _legacy_layout(name, params, saved, path):
    leading, groups = LEGACY_LAYOUT[name]
    layouts = [leading, KERAS_2_3_LEADING.get(name, leading)]
    counts = [len(lead) + len(groups) * len(params) for lead in layouts]
    if len(saved) not in counts:
        layout = ", ".join([*leading, *(f"{len(params)} {g}" for g in groups)])
        also = f" ({counts[1]} by Keras 2.3.x)" if counts[1] != counts[0] else ""
        raise ValueError(
            f"load_model: {path}: optimizer_weights holds {len(saved)} arrays; a Keras 2 "
            f"{name} optimizer over this model's {len(params)} trainable weights saves "
            f"{counts[0]} ({layout}){also}. Load with compile=False, or compile=True after "
            "removing the optimizer_weights group, to start with a fresh optimizer."
        )
    leading = layouts[counts.index(len(saved))]
    scalars = {key: value for key, (_, value) in zip(leading, saved)}
    values = [value for _, value in saved[len(leading) :]]
    n = len(params)
    slots = {group: values[i * n : (i + 1) * n] for i, group in enumerate(groups)}
    return scalars, slots


def _v2_layout(name, params, saved, path):
    mapping = V2_SLOTS[name]
    scalars, grouped = {}, {}
    for weight_name, value in saved:
        base = _base(weight_name)
        if base == "iter":
            scalars["iterations"] = value
        elif base == "momentum_cache" and name == "nadam":
            scalars["m_schedule"] = value
        elif base in mapping:
            grouped.setdefault(mapping[base], []).append(value)
        else:
            raise ValueError(
                f"load_model: {path}: optimizer_weights holds {weight_name!r}, which a tf.keras "
                f"{name} optimizer does not save (known slots: {', '.join(mapping)})."
            )
    for slot_name, values in grouped.items():
        if len(values) != len(params):
            raise ValueError(
                f"load_model: {path}: optimizer_weights holds {len(values)} {slot_name!r} slots "
                f"for this model's {len(params)} trainable weights."
            )
    return scalars, grouped


def _assign(variable, value, path: str, slot_name: str) -> None:
    value = np.asarray(value)
    if tuple(value.shape) != tuple(variable.shape):
        raise ValueError(
            f"load_model: {path}: the saved optimizer slot {slot_name!r} for "
            f"`{getattr(variable, 'path', variable.name)}` has shape {tuple(value.shape)}, the "
            f"model's variable has shape {tuple(variable.shape)}."
        )
    variable.assign(value.astype(numpy_dtype(variable.dtype)))
