"""One backend's share of `keras-ref bench` (KERAS_BACKEND is set by the parent).

keras_ref and stock run alternately in this process (`timing.paired`); on TensorFlow the two
`model.fit` calls take turns step by step instead (`timing.lockstep`). The memory bound of a
large optimizer step is the bytes it must read and write (`TRAFFIC` tensors per parameter)
divided by the copy bandwidth of the same moments: the faster of NumPy's and the backend's
compiled in-place ``x *= 1`` on 256 MB (far more than the last-level cache), timed after each
pair of steps, its median (`step_case`).
TRAFFIC counts the default configuration: SGD without momentum reads p and g and writes p.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Callable

import keras
import numpy as np

from keras_ref import losses, optimizers
from keras_ref.audit.loss_inputs import SPARSE
from keras_ref.audit.loss_rows import STOCK_FUNCTIONS
from keras_ref.audit.stock import closest_stock, tf2_counterpart
from keras_ref.bench._backend_jit import block, compiled_step, in_place_scale, jit
from keras_ref.bench.timing import Paired, in_sequence, lockstep, paired, seconds
from keras_ref.reference import optimizers as reference

# Tensors each optimizer step reads and writes per parameter (p, g and the slots).
TRAFFIC = {"sgd": 3, "rmsprop": 5, "adagrad": 5, "adadelta": 7, "adam": 7, "adamax": 7, "nadam": 7}
STEP_SIZE = 16_000_000  # float32 parameters of the large step, in 4 tensors of 64 MB
COPY_SIZE = 4 * STEP_SIZE  # float32 of the copy that measures bandwidth: 256 MB, no cache helps
BATCH = 64


def _row(case: str, component: str, timing: Paired, scale: float = 1e3) -> dict:
    return {
        "case": case, "component": component,
        "ours_ms": scale * timing.ours_s, "stock_ms": scale * timing.stock_s,
        "ratio": timing.ratio, "ratio_iqr": [timing.ratio_low, timing.ratio_high],
    }  # fmt: skip


FAMILIES = ("keras2", "tf2")


def family_names(family: str) -> list[str]:
    """The optimizers `bench` times for `family`: keras2 (Keras 2.2.4) or tf2 (tf.keras 2.x)."""
    if family == "tf2":
        from keras_ref.tf2.optimizers import ALL_OPTIMIZERS

        return list(ALL_OPTIMIZERS)
    return list(TRAFFIC)


def _both(name: str, family: str = "keras2") -> dict:
    """keras_ref's optimizer and the closest stock Keras 3 one, each with the family's defaults."""
    if family == "tf2":
        from keras_ref.tf2.optimizers import ALL_OPTIMIZERS

        cls = ALL_OPTIMIZERS[name]
        return {"ours": cls(), "stock": tf2_counterpart(cls.__name__)}
    return {"ours": optimizers.get(name), "stock": closest_stock(name, reference.DEFAULTS[name])}


def component_name(name: str, family: str) -> str:
    return f"tf2.{name}" if family == "tf2" else name


# -- model.fit ---------------------------------------------------------------------------------
def mlp_model(width: int, depth: int, inputs: int) -> keras.Model:
    keras.utils.set_random_seed(0)
    layers = [keras.Input((inputs,))]
    layers += [keras.layers.Dense(width, activation="tanh") for _ in range(depth)]
    return keras.Sequential([*layers, keras.layers.Dense(1)])


MODELS = {  # name: (width, depth, inputs); "many" has 51 Dense layers, 102 weight tensors
    "mlp": (64, 2, 64),
    "many": (8, 50, 8),
}


def _fits_in_turns() -> bool:
    """Whether the two `fit` calls take turns step by step (`timing` says why TensorFlow's do)."""
    return keras.backend.backend() == "tensorflow"


# backend: (runs, steps per run by model) of each `fit` case, for --quick and for a full run; a
# TensorFlow run is one `lockstep` pair of fits. --quick aims at under 2 minutes per backend.
FIT_PLANS = {
    "tensorflow": ((4, {"mlp": 64, "many": 24}), (14, {"mlp": 128, "many": 64})),
    "jax": ((21, {"mlp": 32, "many": 16}), (41, {"mlp": 96, "many": 48})),
    "torch": ((9, {"mlp": 32, "many": 16}), (21, {"mlp": 96, "many": 48})),
}


def fit_case(
    name: str, model_kind: str, steps: int, runs: int, noise: bool = False, family: str = "keras2"
) -> dict:
    """keras_ref against stock in `model.fit` (`family`'s optimizer `name`, see `_both`); with
    `noise`, stock against itself (the ratio such a measurement shows when nothing differs: this
    machine's noise floor)."""
    width, depth, inputs = MODELS[model_kind]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(steps * BATCH, inputs)).astype("float32")
    y = rng.normal(size=(steps * BATCH, 1)).astype("float32")
    fits = {}
    contenders = _both(name, family)
    if noise:
        contenders["ours"] = closest_stock(name, reference.DEFAULTS[name])
    for who, opt in contenders.items():
        model = mlp_model(width, depth, inputs)
        model.compile(opt, "mse")
        opt.build(model.trainable_variables)  # eagerly: creating slots while tracing is slow

        def fit(callback, model=model):
            model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0, callbacks=[callback])

        fits[who] = fit
    timing = (lockstep if _fits_in_turns() else in_sequence)(fits["ours"], fits["stock"], runs)
    tensors = len(model.trainable_weights)
    component = f"stock {name} vs itself (noise)" if noise else component_name(name, family)
    return _row(f"fit {model_kind} ({tensors} tensors)", component, timing)


# -- one compiled step on large tensors ----------------------------------------------------------
def large_problem(opt, size: int, parts: int = 4) -> tuple[list, list]:
    """`parts` float32 variables of `size` parameters in all, their gradients; `opt` built."""
    shape = (size // parts,)
    variables = [keras.Variable(np.full(shape, 0.5, "float32")) for _ in range(parts)]
    grads = [keras.ops.convert_to_tensor(np.full(shape, 1e-3, "float32")) for _ in range(parts)]
    opt.build(variables)
    return variables, grads


def _large_step(opt, size: int):
    variables, grads = large_problem(opt, size)
    step = compiled_step(opt, variables)
    if keras.backend.backend() != "jax":
        return lambda: block(step(grads))
    state = [[v.value for v in opt.variables], [v.value for v in variables]]

    def run():
        state[:] = block(step(*state, grads))

    return run


def fastest_copy(size: int) -> Callable[[], float]:
    """An in-place ``x *= 1`` on `size` float32, NumPy's and the backend's compiled one: each
    call runs both and returns the faster one's seconds, the bandwidth the machine gives at this
    moment (on this machine NumPy's single-threaded copy is sometimes the faster)."""
    x = np.full((size,), 0.5, "float32")
    one = np.float32(1.0)
    copies = (lambda: np.multiply(x, one, out=x), in_place_scale(size))
    return lambda: min(seconds(copy) for copy in copies)


def step_case(name: str, pairs: int, copy: Callable[[], float]) -> dict:
    """keras_ref against stock on the large step; `copy` is timed after each pair, and the
    bound uses its median: the bandwidth of the same moments, measured the same way. `copy`
    reads and writes `COPY_SIZE` float32."""
    runs = {who: _large_step(opt, STEP_SIZE) for who, opt in _both(name).items()}
    timing = paired(runs["ours"], runs["stock"], pairs, reference=copy)
    bandwidth = 8 * COPY_SIZE / timing.reference_s
    bound = TRAFFIC[name] * 4 * STEP_SIZE / bandwidth
    return {
        **_row(f"compiled step ({STEP_SIZE / 1e6:.0f}M float32)", name, timing),
        "bound_ms": 1e3 * bound, "ratio_to_bound": timing.ours_s / bound,
        "stock_ratio_to_bound": timing.stock_s / bound, "copy_bandwidth_gb_s": bandwidth / 1e9,
    }  # fmt: skip


# -- losses ------------------------------------------------------------------------------------
def loss_case(name: str, batch: int, pairs: int) -> dict:
    rng = np.random.default_rng(0)
    classes = 32
    p = rng.dirichlet(np.ones(classes), size=batch).astype("float32")
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, batch)]
    y_in = keras.ops.convert_to_tensor(np.argmax(y, -1) if name == SPARSE else y)
    p_in = keras.ops.convert_to_tensor(p)
    ours_fn = jit(lambda a, b: keras.ops.mean(getattr(losses, name)(a, b)))
    stock_fn = jit(lambda a, b: keras.ops.mean(getattr(keras.losses, STOCK_FUNCTIONS[name])(a, b)))
    timing = paired(lambda: block(ours_fn(y_in, p_in)), lambda: block(stock_fn(y_in, p_in)), pairs)
    return _row(f"loss ({batch}x{classes})", name, timing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keras_ref.bench.worker")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--family", choices=[*FAMILIES, "all"], default="keras2")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    quick, backend = args.quick, keras.backend.backend()
    step_pairs, loss_pairs = (15, 9) if quick else (41, 41)
    fit_runs, fit_steps = FIT_PLANS[backend][0 if quick else 1]
    only = {o.lower() for o in args.only}
    families = FAMILIES if args.family == "all" else (args.family,)
    copy = fastest_copy(COPY_SIZE) if "keras2" in families else None  # the step cases' probe
    jobs = []  # (label, family, job)
    for family in families:
        for name in family_names(family):
            if only and name not in only:
                continue
            if family == "keras2":
                job = functools.partial(step_case, name, step_pairs, copy)
                jobs.append((f"{name} step", family, job))
            for kind, steps in fit_steps.items():
                job = functools.partial(fit_case, name, kind, steps, fit_runs, family=family)
                jobs.append((f"{component_name(name, family)} fit {kind}", family, job))
    if not only:  # stock Adam against itself: the noise floor of the fit ratios
        for kind, steps in fit_steps.items():
            noise = functools.partial(fit_case, "adam", kind, steps, fit_runs, noise=True)
            jobs.append((f"noise floor fit {kind}", "stock", noise))
    batch = 65536 if quick else 262144
    if not only and "keras2" in families:
        for name in STOCK_FUNCTIONS:
            jobs.append((name, "keras2", functools.partial(loss_case, name, batch, loss_pairs)))
    rows = []
    for done, (label, family, job) in enumerate(jobs, start=1):
        started = time.perf_counter()
        row = job()
        rows.append(
            {"backend": backend, "family": family, **row, "seconds": time.perf_counter() - started}
        )
        print(f"PROGRESS {done} {len(jobs)} {backend} {label}", flush=True)
    result = {"rows": rows}
    with open(args.out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
