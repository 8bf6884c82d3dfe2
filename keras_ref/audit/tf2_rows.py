"""Audit rows of the tf.keras 2.x family (`keras-ref audit --family tf2`).

- losses: each `keras_ref.tf2.losses` crossentropy on probabilities (edge values included), on
  logits, and through the logits shortcut (a Keras sigmoid/softmax output), against the NumPy
  reference (`keras_ref.reference.tf2_losses`), against genuine `tf_keras` where it is installed,
  and against stock Keras 3 on the same inputs (the drift a naive migration gets);
- metrics: ``binary_accuracy`` (``ŷ > 0.5``), which tf.keras 2.x and stock Keras 3 share;
- optimizers: each class of ``keras_ref.tf2.optimizers.ALL_OPTIMIZERS`` with its defaults against
  ``keras_ref.reference.tf2_optimizers.simulate``, when both modules are present.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator

import keras
import numpy as np
from keras import ops

from keras_ref.audit import tolerances
from keras_ref.audit.errors import scaled_error, trajectory_relative_error
from keras_ref.audit.inputs import gradient_sequence, initial_params
from keras_ref.audit.loss_rows import stock_value
from keras_ref.audit.row import Case, Row
from keras_ref.audit.trajectory import run_optimizer
from keras_ref.reference import tf2_losses as reference

EPS = reference.EPSILON
INPUT_KINDS = ("probabilities", "logits", "shortcut")


def loss_inputs(name: str, kind: str, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic ``(y_true, y_pred)``: probabilities with edge values, or wide logits."""
    rng = np.random.default_rng(7)
    width = 3 if name == "binary_crossentropy" else 5
    if kind == "probabilities":
        x = rng.uniform(size=(12, width))
        edges = [0.0, 1.0, EPS, 1 - EPS, 0.5 * EPS, 1 - 0.5 * EPS, 1e-12, 1 - 1e-12, 0.5, 2e-7]
        x.reshape(-1)[: len(edges)] = edges
    else:
        x = rng.normal(scale=4.0, size=(12, width))
        x[0], x[1], x[2, 0] = 40.0, -40.0, 60.0  # saturated rows
    if name == "binary_crossentropy":
        y = np.where(rng.uniform(size=x.shape) > 0.5, 1.0, 0.0)
        y[-3:] = rng.uniform(size=(3, width))  # soft labels
        return y.astype(dtype), x.astype(dtype)
    labels = rng.integers(0, width, size=12)
    if name == "sparse_categorical_crossentropy":
        return labels[:, None], x.astype(dtype)
    return np.eye(width)[labels].astype(dtype), x.astype(dtype)


def term_scale(name: str, y, p, from_logits: bool) -> np.ndarray:
    """Per-sample size of the terms the loss adds (the scale of `scaled_error`)."""
    y64, p64 = np.asarray(y, np.float64), np.asarray(p, np.float64)
    with np.errstate(all="ignore"):
        if name == "binary_crossentropy" and not from_logits:
            q = np.clip(p64, EPS, 1 - EPS)
            terms = np.abs(y64 * np.log(q + EPS)) + np.abs((1 - y64) * np.log(1 - q + EPS))
            return np.mean(terms, -1)
        if name == "binary_crossentropy":
            return np.mean(np.abs(p64) * (1 + np.abs(y64)) + np.log(2), -1)
        z = p64 if from_logits else np.log(np.clip(p64, EPS, 1))
        return 2 * np.max(np.abs(z), -1) + np.log(p64.shape[-1]) + 1


def _activated(name: str, z):
    """A Keras sigmoid/softmax output of `z` that carries its logits (recorded on jax)."""
    from keras_ref.tf2.logits import recording

    activation = getattr(keras.activations, reference.SHORTCUT_ACTIVATIONS[name])
    return recording(activation)(ops.convert_to_tensor(z))


def genuine_loss(name: str, y, p, kind: str) -> np.ndarray | None:
    """Genuine tf_keras's value (the shortcut as its graph mode took it), or None if absent."""
    try:
        import tensorflow as tf
        import tf_keras
    except ImportError:
        return None
    fn = getattr(tf_keras.losses, name)
    if kind != "shortcut":
        return fn(y, p, from_logits=kind == "logits").numpy()
    activation = tf.nn.sigmoid if name == "binary_crossentropy" else tf.nn.softmax
    return tf.function(lambda z: fn(y, activation(z)))(tf.constant(p)).numpy()


def tf2_loss_row(name: str, kind: str, dtype: str, *, device: str, against: str) -> Row:
    """keras_ref.tf2 loss `name` on `kind` inputs against the reference or genuine tf_keras."""
    from keras_ref.tf2 import losses

    y, p = loss_inputs(name, kind, dtype)
    fn, stock_fn = getattr(losses, name), getattr(keras.losses, name)
    with keras.device(f"{device}:0"):
        if kind == "shortcut":
            output = _activated(name, p)
            ours = ops.convert_to_numpy(fn(y, output))
            stock, failure = stock_value(stock_fn, y, output)
        else:
            ours = ops.convert_to_numpy(fn(y, p, from_logits=kind == "logits"))
            stock, failure = stock_value(stock_fn, y, p, from_logits=kind == "logits")
    from_logits = kind != "probabilities"
    note = failure
    if against == "tf_keras":
        expected = genuine_loss(name, y, p, kind)
    else:
        expected = reference.LOSSES[name](y, p, from_logits=from_logits, dtype=np.dtype(dtype).type)
    scale = term_scale(name, y, p, from_logits)
    rel, ulp, nans_ok = scaled_error(ours, expected, scale)
    if stock is None:
        stock = np.full(np.shape(ours), np.nan)
    finite = np.isfinite(stock) & np.isfinite(ours)
    drift = scaled_error(stock[finite], ours[finite], scale[finite])[0] if finite.any() else None
    return Row(
        kind="loss",
        component=f"tf2.{name}",
        config=f"{kind} vs {against}",
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=rel,
        ulp=ulp,
        tolerance=tolerances.TF2_LOSS_REL[dtype],
        ulp_tolerance=None,
        stock=f"losses.{name}",
        stock_identical="yes" if np.array_equal(ours, stock, equal_nan=True) else "no",
        stock_rel=drift,
        stock_default_drift=drift,
        nan_match=nans_ok,
        note=note,
    )


def binary_accuracy_row(dtype: str, *, device: str) -> Row:
    """tf.keras 2.x ``binary_accuracy`` is stock's: both against the ``ŷ > 0.5`` reference."""
    rng = np.random.default_rng(11)
    p = np.round(rng.uniform(-0.2, 1.2, size=(9, 4)), 1).astype(dtype)
    p[0, :3] = [0.5, 1.5, -0.5]
    y = (rng.uniform(size=p.shape) > 0.5).astype(dtype)
    with keras.device(f"{device}:0"):
        stock = ops.convert_to_numpy(keras.metrics.binary_accuracy(y, p))
    stock = np.mean(stock, axis=-1) if stock.ndim == 2 else stock
    expected = reference.binary_accuracy(y, p, dtype=np.dtype(dtype).type)
    rel, ulp, nans_ok = scaled_error(stock, expected, 0.0)
    return Row(
        kind="metric",
        component="tf2.binary_accuracy",
        config="halves,2-D vs reference",
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=rel,
        ulp=ulp,
        tolerance=tolerances.METRIC_REL[dtype],
        ulp_tolerance=None,
        stock="metrics.binary_accuracy",
        stock_identical="yes",
        stock_rel=0.0,
        stock_default_drift=0.0,
        nan_match=nans_ok,
    )


def tf2_optimizer_modules():
    """(``keras_ref.tf2.optimizers``, ``keras_ref.reference.tf2_optimizers``), or None."""
    try:
        classes = importlib.import_module("keras_ref.tf2.optimizers")
        simulator = importlib.import_module("keras_ref.reference.tf2_optimizers")
    except ModuleNotFoundError:
        return None
    return classes, simulator


def tf2_optimizer_row(name: str, dtype: str, *, steps: int, device: str) -> Row:
    """keras_ref.tf2 optimizer `name` (its defaults) against the NumPy reference's final params."""
    classes, simulator = tf2_optimizer_modules()
    cls = classes.ALL_OPTIMIZERS[name]
    params, grads = initial_params(), gradient_sequence(steps=steps)
    with keras.device(f"{device}:0"):
        ours = run_optimizer(cls(), params, grads, dtype, compiled=True)
    expected = simulator.simulate(cls.__name__, params, grads, dtype=np.dtype(dtype).type)
    if expected and isinstance(expected[0], (list, tuple)):  # a whole trajectory
        expected = expected[-1]
    rel = trajectory_relative_error([ours[-1]], [list(expected)])
    return Row(
        kind="optimizer",
        component=f"tf2.{cls.__name__}",
        config="defaults (final params)",
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=rel,
        ulp=0,
        tolerance=tolerances.OPTIMIZER_REL[dtype],
        ulp_tolerance=None,
        stock="none",
        stock_identical="none",
        stock_rel=None,
        stock_default_drift=None,
    )


def tf2_cases(
    *, steps: int, dtypes: list[str], device: str, only: set[str] | None = None
) -> list[Case]:
    """Every tf.keras 2.x audit case on this backend and device."""
    cases: list[Case] = []
    modules = tf2_optimizer_modules()
    against = ["reference"] + (["tf_keras"] if _have_tf_keras() else [])

    def wanted(name: str) -> bool:
        return not only or name.lower() in only or f"tf2.{name}".lower() in only

    if modules is not None:
        for name, cls in modules[0].ALL_OPTIMIZERS.items():
            if wanted(name) or wanted(cls.__name__):
                for dtype in dtypes:
                    cases.append(
                        Case(
                            f"tf2.{cls.__name__} {dtype}",
                            lambda n=name, d=dtype: tf2_optimizer_row(
                                n, d, steps=steps, device=device
                            ),
                        )
                    )
    for name in reference.LOSSES:
        if not wanted(name):
            continue
        for kind in INPUT_KINDS:
            for dtype in dtypes:
                for source in against:
                    cases.append(
                        Case(
                            f"tf2.{name} {kind} {dtype} vs {source}",
                            lambda n=name, k=kind, d=dtype, s=source: tf2_loss_row(
                                n, k, d, device=device, against=s
                            ),
                        )
                    )
    if wanted("binary_accuracy"):
        for dtype in dtypes:
            cases.append(
                Case(
                    f"tf2.binary_accuracy {dtype}",
                    lambda d=dtype: binary_accuracy_row(d, device=device),
                )
            )
    return cases


def _have_tf_keras() -> bool:
    return importlib.util.find_spec("tf_keras") is not None


def cases_for_family(
    family: str, *, steps: int, dtypes: list[str], device: str, only: set[str] | None = None
) -> Iterator[Case]:
    """The audit cases of ``family``: "keras2" (the default audit), "tf2" or "all"."""
    from keras_ref.audit import engine

    if family in ("keras2", "all"):
        yield from engine.all_cases(steps=steps, dtypes=dtypes, device=device, only=only)
    if family in ("tf2", "all"):
        yield from tf2_cases(steps=steps, dtypes=dtypes, device=device, only=only)
