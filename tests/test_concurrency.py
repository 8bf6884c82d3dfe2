"""Two models training at once, in two threads, with separate keras_ref optimizers share no state.

Each thread's result must equal, bit for bit, the same training run alone in the main thread.
"""

from __future__ import annotations

import threading

import keras
import numpy as np
import pytest
from keras import ops

import keras_ref

# Pairs trained at the same time; two Nadams (their m_schedule) and two with decay (iterations).
PAIRS = [
    (("Nadam", {"lr": 0.01}), ("Nadam", {"lr": 0.002, "schedule_decay": 0.05, "clipnorm": 0.5})),
    (
        ("Adam", {"amsgrad": True, "decay": 1e-2, "clipnorm": 1.0, "clipvalue": 0.5}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2}),
    ),
    (("RMSprop", {"decay": 1e-3}), ("Adagrad", {"epsilon": 1e-3, "decay": 1e-2})),
    (("Adadelta", {"decay": 1e-2}), ("Adamax", {"decay": 1e-2})),
]


def make_optimizer(spec) -> keras.optimizers.Optimizer:
    name, config = spec
    return getattr(keras_ref, name)(**config)


def data(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 1)) + 0.1).astype("float32")
    return x, y


def fit_run(spec, seed: int, barrier: threading.Barrier | None = None) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)]
    )
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.weights])
    opt = make_optimizer(spec)
    model.compile(opt, "mse")
    x, y = data(seed)
    if barrier is not None:
        barrier.wait()
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    return [*model.get_weights(), *(ops.convert_to_numpy(v) for v in opt.variables)]


def apply_run(spec, seed: int, barrier: threading.Barrier | None = None) -> list[np.ndarray]:
    """Many small eager steps: the two threads interleave between every operation."""
    rng = np.random.default_rng(seed)
    variables = [keras.Variable(rng.normal(size=s).astype("float32")) for s in [(5,), (3, 2)]]
    grads = [[rng.normal(size=v.shape).astype("float32") for v in variables] for _ in range(40)]
    opt = make_optimizer(spec)
    if barrier is not None:
        barrier.wait()
    for step in grads:
        opt.apply([ops.convert_to_tensor(g) for g in step], variables)
    return [
        *(ops.convert_to_numpy(v) for v in variables),
        *map(ops.convert_to_numpy, opt.variables),
    ]


def in_two_threads(run, pair) -> list[list[np.ndarray]]:
    barrier = threading.Barrier(2, timeout=120)  # both start training at the same moment
    results: list = [None, None]
    errors: list = []

    def target(i):
        try:
            results[i] = run(pair[i], seed=10 + i, barrier=barrier)
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a training thread hangs"
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("run", [fit_run, apply_run], ids=["fit", "apply"])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0][0]}+{p[1][0]}")
def test_concurrent_training_equals_training_alone(pair, run):
    together = in_two_threads(run, pair)
    for i, spec in enumerate(pair):
        alone = run(spec, seed=10 + i)
        assert len(together[i]) == len(alone)
        for a, b in zip(together[i], alone, strict=True):
            np.testing.assert_array_equal(a, b)
