"""The audit's compiled trajectories are the eager ones, bit for bit (`compiled=True`).

On TensorFlow the audit runs each trajectory as one graph call (`keras_ref.audit._backend_loop`);
its rows stay the eager steps' only if every value is identical, which is asserted here for each
legacy optimizer (defaults and its last, clipping, configuration), their stock equivalents and
stock defaults, in float32 and float64, over the audit's own 60 steps.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from keras_ref import optimizers
from keras_ref.audit import gradient_sequence, initial_params, run_optimizer
from keras_ref.audit.grid import OPTIMIZER_GRID
from keras_ref.audit.stock import stock_default, stock_equivalent
from keras_ref.reference import optimizers as reference

TENSORFLOW = keras.backend.backend() == "tensorflow"


def _makers(name: str):
    labels = ["defaults", list(OPTIMIZER_GRID[name])[-1]]
    for label in labels:
        config = OPTIMIZER_GRID[name][label]
        yield label, lambda c=config: optimizers.get({"class_name": name, "config": c})
        if stock_equivalent(name, config, reference.DEFAULTS[name]) is not None:
            yield (
                f"stock {label}",
                lambda c=config: stock_equivalent(name, c, reference.DEFAULTS[name]),
            )
    yield "stock defaults", lambda: stock_default(name)


def _assert_identical(eager, compiled, what):
    assert len(eager) == len(compiled), what
    for step, (a, b) in enumerate(zip(eager, compiled)):
        for i, (x, y) in enumerate(zip(a, b)):
            assert x.dtype == y.dtype and x.shape == y.shape, (what, step, i)
            assert np.array_equal(x, y, equal_nan=True), (what, step, i, np.max(np.abs(x - y)))


@pytest.mark.skipif(not TENSORFLOW, reason="compiled trajectories are TensorFlow's only")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(OPTIMIZER_GRID))
def test_compiled_trajectory_is_the_eager_one(name, dtype):
    params, grads = initial_params(), gradient_sequence(steps=60)
    for label, make in _makers(name):
        eager = run_optimizer(make(), params, grads, dtype)
        compiled = run_optimizer(make(), params, grads, dtype, compiled=True)
        _assert_identical(eager, compiled, f"{name} {label} {dtype}")


@pytest.mark.skipif(not TENSORFLOW, reason="compiled trajectories are TensorFlow's only")
def test_graph_rewriting_setting_is_restored():
    import tensorflow as tf

    before = tf.config.optimizer.get_experimental_options()
    run_optimizer(optimizers.SGD(lr=0.1), [np.ones(3)], [[np.ones(3)]] * 2, compiled=True)
    assert tf.config.optimizer.get_experimental_options() == before


def test_compiled_falls_back_to_eager_steps_with_the_same_values():
    """Every backend: the flag never changes a value (eager where nothing is compiled)."""
    params, grads = initial_params(), gradient_sequence(steps=4)
    eager = run_optimizer(optimizers.Adam(clipnorm=5.0), params, grads, "float32")
    compiled = run_optimizer(optimizers.Adam(clipnorm=5.0), params, grads, "float32", compiled=True)
    _assert_identical(eager, compiled, "Adam clipnorm")
    assert run_optimizer(optimizers.SGD(), params, [], compiled=True) == []
