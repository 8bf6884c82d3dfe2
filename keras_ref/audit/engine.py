"""The parity engine: one `Row` per component x configuration x dtype on this backend/device.

For an optimizer row it runs, over `gradient_sequence`:

- keras_ref on the current backend and device;
- the NumPy reference of the legacy formula (exact float64, and a float32 replay);
- the stock Keras 3 equivalent where one exists (`stock.stock_equivalent`);
- for the "defaults" row, stock Keras 3 *with its own defaults*: the drift a naive migration gets.

Everything is deterministic: fixed seeds, fixed gradient sequences, no data-dependent control.
"""

from __future__ import annotations

from collections.abc import Iterator

import keras
import numpy as np

from keras_ref import optimizers
from keras_ref._keras_compat import learning_rate_holder
from keras_ref.audit import tolerances
from keras_ref.audit.errors import (
    displacement_drift,
    max_ulp_distance,
    trajectory_relative_error,
)
from keras_ref.audit.grid import OPTIMIZER_GRID
from keras_ref.audit.inputs import gradient_sequence, initial_params
from keras_ref.audit.row import Case, Row
from keras_ref.audit.stock import stock_default, stock_equivalent
from keras_ref.audit.trajectory import run_optimizer
from keras_ref.reference import optimizers as reference


def optimizer_class_name(name: str) -> str:
    return optimizers.ALL_OPTIMIZERS[name].__name__


def optimizer_row(
    name: str, label: str, dtype: str, *, steps: int, device: str, drift_steps: int | None = None
) -> Row:
    """Audit legacy optimizer `name` in configuration `label` of `OPTIMIZER_GRID`."""
    config = OPTIMIZER_GRID[name][label]
    params, grads = initial_params(), gradient_sequence(steps=steps)
    ours = legacy_run(name, config, dtype, device, steps)
    stock = stock_equivalent(name, config, reference.DEFAULTS[name])
    stock_run = None
    if stock is not None:
        with keras.device(f"{device}:0"):
            stock_run = run_optimizer(stock, params, grads, dtype, compiled=True)
    drift = None
    if label == "defaults":
        drift = stock_default_drift(name, drift_steps or steps, dtype, device)
    exact = reference.simulate(name, params, grads, **config)
    rel_replay = None
    if dtype == "float32":
        replay = reference.simulate(name, params, grads, dtype=np.float32, **config)
        rel_replay = trajectory_relative_error(ours, replay)
        ulp = max_ulp_distance(ours[0], replay[0], dtype)
    else:
        ulp = max_ulp_distance(ours[0], exact[0], dtype)
    stock_name, identical, stock_rel = "none", "none", None
    if stock_run is not None:
        stock_name = _describe(stock)
        identical = "yes" if _bit_identical(ours, stock_run) else "no"
        stock_rel = trajectory_relative_error(stock_run, ours)
    return Row(
        kind="optimizer",
        component=optimizer_class_name(name),
        config=label,
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=trajectory_relative_error(ours, exact),
        ulp=ulp,
        tolerance=tolerances.OPTIMIZER_REL[dtype],
        ulp_tolerance=tolerances.OPTIMIZER_FIRST_STEP_ULP if dtype == "float32" else None,
        stock=stock_name,
        stock_identical=identical,
        stock_rel=stock_rel,
        stock_default_drift=drift,
        rel_replay=rel_replay,
    )


# One process runs each (optimizer, configuration, dtype, device, steps) trajectory once: the
# "defaults" rows, their stock-default drift and the plot share the same runs. Runs are
# deterministic (fixed inputs), so a repeat would give the same arrays.
_RUNS: dict[tuple, list[list[np.ndarray]]] = {}


def legacy_run(name: str, config: dict, dtype: str, device: str, steps: int) -> list:
    """keras_ref's trajectory for legacy `name` with `config` (memoised, see `_RUNS`)."""
    key = ("legacy", name, repr(sorted(config.items())), dtype, device, steps)
    if key not in _RUNS:
        params, grads = initial_params(), gradient_sequence(steps=steps)
        optimizer = optimizers.get({"class_name": name, "config": config})
        with keras.device(f"{device}:0"):
            _RUNS[key] = run_optimizer(optimizer, params, grads, dtype, compiled=True)
    return _RUNS[key]


def stock_default_run(name: str, dtype: str, device: str, steps: int) -> list:
    """Stock Keras 3's trajectory for `name` with its own defaults (memoised, see `_RUNS`)."""
    key = ("stock_default", name, dtype, device, steps)
    if key not in _RUNS:
        params, grads = initial_params(), gradient_sequence(steps=steps)
        with keras.device(f"{device}:0"):
            _RUNS[key] = run_optimizer(stock_default(name), params, grads, dtype, compiled=True)
    return _RUNS[key]


def default_trajectories(name: str, steps: int, dtype: str = "float32") -> dict[str, list]:
    """The scalar parameter under legacy defaults, stock defaults and the exact formula."""
    params, grads = initial_params(), gradient_sequence(steps=steps)
    legacy = legacy_run(name, {}, dtype, "cpu", steps)
    stock = stock_default_run(name, dtype, "cpu", steps)
    exact = reference.simulate(name, params, grads)
    return {
        "legacy": [float(step[0]) for step in legacy],
        "stock_default": [float(step[0]) for step in stock],
        "reference": [float(step[0]) for step in exact],
    }


def stock_default_drift(
    name: str, steps: int, dtype: str = "float32", device: str = "cpu"
) -> float:
    """How far stock Keras 3 with its defaults ends from the legacy defaults after `steps`."""
    legacy = legacy_run(name, {}, dtype, device, steps)
    stock = stock_default_run(name, dtype, device, steps)
    return displacement_drift(stock[-1], legacy[-1], initial_params())


def optimizer_cases(
    *, steps: int, dtypes: list[str], device: str, only: set[str] | None = None
) -> Iterator[Case]:
    for name, grid in OPTIMIZER_GRID.items():
        if only and optimizer_class_name(name).lower() not in only and name not in only:
            continue
        for label in grid:
            for dtype in dtypes:
                yield Case(
                    f"{optimizer_class_name(name)} {label} {dtype}",
                    lambda n=name, la=label, d=dtype: optimizer_row(
                        n, la, d, steps=steps, device=device
                    ),
                )


def _bit_identical(a: list[list[np.ndarray]], b: list[list[np.ndarray]]) -> bool:
    return all(np.array_equal(x, y, equal_nan=True) for sa, sb in zip(a, b) for x, y in zip(sa, sb))


def _describe(opt: keras.optimizers.Optimizer) -> str:
    lr = learning_rate_holder(opt)
    schedule = (
        type(lr).__name__ if isinstance(lr, keras.optimizers.schedules.LearningRateSchedule) else ""
    )
    return f"{type(opt).__name__}" + (f"({schedule})" if schedule else "")


def all_cases(
    *, steps: int, dtypes: list[str], device: str, only: set[str] | None = None
) -> list[Case]:
    """Every audit case on this backend and device (optimizers, then losses, then metrics)."""
    from keras_ref.audit.loss_rows import loss_cases
    from keras_ref.audit.metric_rows import metric_cases

    return [
        *optimizer_cases(steps=steps, dtypes=dtypes, device=device, only=only),
        *loss_cases(dtypes=dtypes, device=device, only=only),
        *metric_cases(dtypes=dtypes, device=device, only=only),
    ]


def plot_trajectories(*, steps: int, only: set[str] | None = None) -> dict[str, dict]:
    """Legacy vs stock-default trajectories of the scalar parameter, per optimizer."""
    return {
        optimizer_class_name(name): default_trajectories(name, steps)
        for name in OPTIMIZER_GRID
        if not only or name in only or optimizer_class_name(name).lower() in only
    }
