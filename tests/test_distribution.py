"""Data-parallel training: tf.distribute.MirroredStrategy and keras.distribution.DataParallel.

Each runs in a child process (the devices must be configured before the backend starts): two
logical CPU devices for tensorflow, two forced host devices for JAX. Every keras_ref optimizer
trains the same model on the same data on one device and on two; the weights must agree up to
the different summation order of the gradient. Legacy `clipnorm` must see the norm of the
aggregated gradient: the clipping case is built so that per-replica clipping would take a step
about twice as long.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from support import BACKEND

CONFIGS = {
    "SGD": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2},
    "RMSprop": {"decay": 1e-3},
    "Adagrad": {"epsilon": 1e-3},
    "Adadelta": {"decay": 1e-2},
    "Adam": {"amsgrad": True, "decay": 1e-3, "clipnorm": 1.0, "clipvalue": 0.5},
    "Adamax": {},
    "Nadam": {"clipnorm": 0.5},
    # always clips (tiny c): per-replica clipping would add two steps of length ~c each
    "SGD clipnorm": {"lr": 0.5, "clipnorm": 1e-3},
    "SGD clipnorm+clipvalue": {"lr": 0.5, "clipnorm": 1e-2, "clipvalue": 2e-3},
}
STEPS = 8  # 2 epochs of 4 global batches of 16 (8 per replica)

# The training both children share; `scope` is where the distributed model is built.
COMMON = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras, keras_ref

    CONFIGS = json.loads(sys.argv[1])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 1)) + 0.1).astype("float32")
    init = None

    def train(name, scope):
        global init
        with scope:
            model = keras.Sequential(
                [keras.Input((6,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)]
            )
            if init is None:
                init = [np.random.default_rng(1).normal(size=w.shape).astype("float32") * 0.5
                        for w in model.weights]
            model.set_weights(init)
            opt = keras_ref.optimizers.get(
                {"class_name": name.split()[0], "config": CONFIGS[name]}
            )
            model.compile(opt, "mse")
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        return model, opt

    def rel(a, b):
        return float(np.linalg.norm(a - b) / np.linalg.norm(b))

    def compare(single, multi):
        out = {}
        for name in CONFIGS:
            (m1, o1), (m2, o2) = single[name], multi[name]
            w1, w2 = m1.get_weights(), m2.get_weights()
            out[name] = {  # relative to the displacement from the initial weights
                "rel": max(rel(b - w0, a - w0) for a, b, w0 in zip(w1, w2, init)),
                "moved": min(rel(a, w0) for a, w0 in zip(w1, init)),
                "iterations": [int(o1.iterations.numpy()), int(o2.iterations.numpy())],
            }
        return out
    """
)

TF_CHILD = (
    textwrap.dedent(
        """
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
        """
    )
    + COMMON
    + textwrap.dedent(
        """
        import contextlib
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        assert strategy.num_replicas_in_sync == 2
        single = {name: train(name, contextlib.nullcontext()) for name in CONFIGS}
        multi = {name: train(name, strategy.scope()) for name in CONFIGS}
        result = compare(single, multi)
        nadam = multi["Nadam"][1]._m_schedule
        result["m_schedule"] = [float(v.numpy()) for v in nadam.value.values]
        result["single_m_schedule"] = float(single["Nadam"][1]._m_schedule.numpy())
        print("RESULT " + json.dumps(result))
        """
    )
)

JAX_CHILD = COMMON + textwrap.dedent(
    """
    import contextlib
    import jax

    assert len(jax.devices()) == 2, jax.devices()
    single = {name: train(name, contextlib.nullcontext()) for name in CONFIGS}
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    multi = {name: train(name, contextlib.nullcontext()) for name in CONFIGS}
    kernel = multi["SGD"][0].layers[0].kernel.value
    assert len(kernel.sharding.device_set) == 2, kernel.sharding  # really on two devices
    result = compare(single, multi)
    result["m_schedule"] = [float(multi["Nadam"][1]._m_schedule.numpy())]
    result["single_m_schedule"] = float(single["Nadam"][1]._m_schedule.numpy())
    print("RESULT " + json.dumps(result))
    """
)


def run_child(script: str, env: dict) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env}
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(CONFIGS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    (line,) = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    return json.loads(line.removeprefix("RESULT "))


def mu_product(steps: int, beta_1: float = 0.9, schedule_decay: float = 0.004) -> float:
    out = 1.0
    for t in range(1, steps + 1):
        out *= beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))
    return out


CLIPPED = [name for name, config in CONFIGS.items() if "clipnorm" in config]
UNCLIPPED = [name for name in CONFIGS if name not in CLIPPED]
# measured (2 CPU cores): max normwise relative difference of the displacement from the initial
# weights, 2 devices vs 1: tensorflow 1.9e-6 (Adamax), jax 3.2e-6 (Adadelta); summation order.
BOUND = 1e-5


def check(result: dict, names: list[str]) -> None:
    for name in names:
        row = result[name]
        assert row["iterations"] == [STEPS, STEPS], (name, row)
        assert row["moved"] > 1e-4, (name, row)  # the weights did move
        assert row["rel"] <= BOUND, (name, row)


def check_m_schedule(result: dict) -> None:
    for value in [*result["m_schedule"], result["single_m_schedule"]]:
        # advanced once per step (twice would square it); float32 product of 8 factors
        assert value == pytest.approx(mu_product(STEPS), rel=1e-6)


@pytest.fixture(scope="module")
def mirrored():
    return run_child(TF_CHILD, {"KERAS_BACKEND": "tensorflow"})


@pytest.fixture(scope="module")
def data_parallel():
    flags = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
    return run_child(JAX_CHILD, {"KERAS_BACKEND": "jax", "XLA_FLAGS": flags.strip()})


only_tensorflow = pytest.mark.skipif(
    BACKEND != "tensorflow", reason="runs once, in the tensorflow pass"
)
only_jax = pytest.mark.skipif(BACKEND != "jax", reason="runs once, in the jax pass")


@only_tensorflow
def test_mirrored_strategy_matches_one_device(mirrored):
    check(mirrored, UNCLIPPED)


@only_tensorflow
def test_mirrored_strategy_clips_by_the_norm_of_the_aggregated_gradient(mirrored):
    check(mirrored, CLIPPED)


@only_tensorflow
def test_mirrored_nadam_m_schedule_advances_once_per_step(mirrored):
    assert mirrored["m_schedule"][0] == mirrored["m_schedule"][1]  # both replicas' copies
    check_m_schedule(mirrored)


@only_jax
def test_jax_data_parallel_matches_one_device(data_parallel):
    check(data_parallel, UNCLIPPED + CLIPPED)
    check_m_schedule(data_parallel)
