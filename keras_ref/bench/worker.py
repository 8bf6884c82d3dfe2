"""One backend's share of `keras-ref bench` (KERAS_BACKEND is set by the parent).

keras_ref and stock run alternately in this process, so both see the same machine state; each
figure is the median of repeated runs. The memory bound of an optimizer step is the bytes it
must read and write per parameter divided by this run's measured copy bandwidth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import keras
import numpy as np

from keras_ref import losses, optimizers
from keras_ref.audit.loss_inputs import SPARSE
from keras_ref.audit.loss_rows import STOCK_FUNCTIONS
from keras_ref.audit.stock import closest_stock
from keras_ref.bench._backend_jit import block, jit
from keras_ref.reference import optimizers as reference

# Tensors each optimizer step reads and writes per parameter (p, g and the slots).
TRAFFIC = {"sgd": 5, "rmsprop": 5, "adagrad": 5, "adadelta": 7, "adam": 7, "adamax": 7, "nadam": 7}


def _median_pair(run_ours, run_stock, repeats: int) -> tuple[float, float]:
    """Alternate the two, `repeats` times each after one warm-up; medians in seconds."""
    for fn in (run_ours, run_stock):
        fn()
    ours, stock = [], []
    for _ in range(repeats):
        for fn, out in ((run_ours, ours), (run_stock, stock)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(stock)


def _mlp(width: int, depth: int, inputs: int) -> keras.Model:
    keras.utils.set_random_seed(0)
    layers = [keras.Input((inputs,))]
    layers += [keras.layers.Dense(width, activation="tanh") for _ in range(depth)]
    return keras.Sequential([*layers, keras.layers.Dense(1)])


def fit_case(name: str, model_kind: str, repeats: int, quick: bool) -> dict:
    if model_kind == "mlp":
        make, x_shape = (lambda: _mlp(64, 2, 64)), (512 if quick else 2048, 64)
    else:  # many small variables: 61 Dense layers, 122 weight tensors
        make, x_shape = (lambda: _mlp(8, 60, 8)), (256 if quick else 1024, 8)
    rng = np.random.default_rng(0)
    x = rng.normal(size=x_shape).astype("float32")
    y = rng.normal(size=(x_shape[0], 1)).astype("float32")
    models = {}
    for who, opt in (
        ("ours", optimizers.get(name)),
        ("stock", closest_stock(name, reference.DEFAULTS[name])),
    ):
        model = make()
        model.compile(opt, "mse")
        models[who] = model

    def run(who):
        return lambda: models[who].fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)

    ours, stock = _median_pair(run("ours"), run("stock"), repeats)
    steps = x_shape[0] // 64
    tensors = len(models["ours"].trainable_weights)
    return {
        "case": f"fit {model_kind} ({tensors} tensors)", "component": name,
        "ours_ms": 1e3 * ours / steps, "stock_ms": 1e3 * stock / steps, "ratio": ours / stock,
    }  # fmt: skip


def _large_step(opt, size: int, parts: int):
    shape = (size // parts,)
    variables = [keras.Variable(np.full(shape, 0.5, "float32")) for _ in range(parts)]
    grads = [keras.ops.convert_to_tensor(np.full(shape, 1e-3, "float32")) for _ in range(parts)]
    opt.build(variables)
    if keras.backend.backend() == "jax":
        step = jit(opt.stateless_apply)
        state = {"opt": [v.value for v in opt.variables], "params": [v.value for v in variables]}

        def run():
            state["params"], state["opt"] = step(state["opt"], grads, state["params"])
            block(state["params"])

        return run
    apply = jit(lambda g: opt.apply(g, variables))

    def run():
        apply(grads)
        block([v.value for v in variables])

    return run


def copy_seconds(size: int, repeats: int) -> float:
    """Median time to read and rewrite `size` float32 values the way an optimizer step does.

    In place (`variable.assign(variable * c)`, compiled) on tensorflow and torch; on jax, where
    updates are functional, a jitted ``x * c`` like `stateless_apply`.
    """
    scale = keras.ops.convert_to_tensor(np.float32(1.0))
    if keras.backend.backend() == "jax":
        x = keras.ops.convert_to_tensor(np.full((size,), 0.5, "float32"))
        fn = jit(lambda t, c: t * c)

        def run():
            block(fn(x, scale))
    else:
        variable = keras.Variable(np.full((size,), 0.5, "float32"))
        fn = jit(lambda c: variable.assign(variable * c))

        def run():
            fn(scale)
            block(variable.value)

    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def step_case(name: str, size: int, repeats: int, copy_s: float) -> dict:
    ours_run = _large_step(optimizers.get(name), size, parts=4)
    stock_run = _large_step(closest_stock(name, reference.DEFAULTS[name]), size, parts=4)
    ours, stock = _median_pair(ours_run, stock_run, repeats)
    bound = copy_s * TRAFFIC[name] / 2  # the copy moves 2 tensors' worth of bytes
    return {
        "case": f"compiled step ({size / 1e6:.0f}M float32)", "component": name,
        "ours_ms": 1e3 * ours, "stock_ms": 1e3 * stock, "ratio": ours / stock,
        "bound_ms": 1e3 * bound, "ratio_to_bound": ours / bound,
        "stock_ratio_to_bound": stock / bound,
    }  # fmt: skip


def loss_case(name: str, batch: int, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    classes = 32
    p = rng.dirichlet(np.ones(classes), size=batch).astype("float32")
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, batch)]
    y_in = keras.ops.convert_to_tensor(np.argmax(y, -1) if name == SPARSE else y)
    p_in = keras.ops.convert_to_tensor(p)
    ours_fn = jit(lambda a, b: keras.ops.mean(getattr(losses, name)(a, b)))
    stock_fn = jit(lambda a, b: keras.ops.mean(getattr(keras.losses, STOCK_FUNCTIONS[name])(a, b)))
    ours, stock = _median_pair(
        lambda: block(ours_fn(y_in, p_in)), lambda: block(stock_fn(y_in, p_in)), repeats
    )
    return {
        "case": f"loss ({batch}x{classes})", "component": name,
        "ours_ms": 1e3 * ours, "stock_ms": 1e3 * stock, "ratio": ours / stock,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keras_ref.bench.worker")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    size = 4_000_000
    names = [n for n in TRAFFIC if not args.only or n in {o.lower() for o in args.only}]
    loss_names = [] if args.only else list(STOCK_FUNCTIONS)
    jobs = []
    copy_s = copy_seconds(size, repeats * 3)
    for name in names:
        jobs.append((f"{name} step", lambda n=name: step_case(n, size, repeats * 3, copy_s)))
        jobs.append((f"{name} fit mlp", lambda n=name: fit_case(n, "mlp", repeats, args.quick)))
        jobs.append((f"{name} fit many", lambda n=name: fit_case(n, "many", repeats, args.quick)))
    for name in loss_names:
        jobs.append(
            (f"{name}", lambda n=name: loss_case(n, 65536 if args.quick else 262144, repeats))
        )
    rows = []
    backend = keras.backend.backend()
    for done, (label, job) in enumerate(jobs, start=1):
        rows.append({"backend": backend, **job()})
        print(f"PROGRESS {done} {len(jobs)} {backend} {label}", flush=True)
    bandwidth = 2 * 4 * size / copy_s / 1e9
    with open(args.out, "w") as f:
        json.dump({"rows": rows, "copy_bandwidth_gb_s": bandwidth}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
