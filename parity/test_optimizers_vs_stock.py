"""keras_ref against stock Keras 3: identities where the legacy update exists in stock, and the
known deltas where it does not, each of the size the formulas predict
(docs/legacy-formulas.md#stock-keras-3-optimizers)."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest
from parity_support import BACKEND, dtype_params, record

import keras_ref
from keras_ref import optimizers
from keras_ref.audit import max_relative_error, max_ulp_distance, run_optimizer, tolerances
from keras_ref.audit.errors import trajectory_relative_error
from keras_ref.audit.stock import stock_equivalent
from keras_ref.reference import optimizers as reference

# Legacy configurations whose stock equivalent performs the same float32 operations in the
# same order: bit-identical on tensorflow and jax. Stock on torch runs its own multi-tensor
# kernels (torch._foreach_*) in another operation order, so there it is SAME_FORMULA_REL.
BIT_IDENTICAL = [
    ("sgd", {}),
    ("sgd", {"lr": 0.05, "momentum": 0.9}),
    ("adadelta", {}),
    ("adadelta", {"epsilon": 1e-1}),
]
# Same formula, other operation order (stock Adam's m += (g - m)(1 - b1), Adamax's lr*m /
# ((1 - b1^t)(u + eps)), RMSprop's lr*g / sqrt(a + 0), InverseTimeDecay's lr / (1 + d k)):
# measured normwise rel over 60 float32 steps <= 4.8e-7 (tensorflow SGD nesterov+decay, torch
# Nadam).
SAME_FORMULA_REL = tolerances.STOCK_SAME_FORMULA_REL
SAME_FORMULA = [
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2}),
    ("adadelta", {"epsilon": 1e-3, "decay": 5e-2, "rho": 0.9}),
    ("adam", {}),
    ("adam", {"epsilon": 1e-3, "decay": 1e-3}),
    ("adam", {"amsgrad": True, "beta_1": 0.8, "beta_2": 0.99}),
    ("adamax", {}),
    ("adamax", {"epsilon": 1e-1, "clipnorm": 5.0}),
    ("nadam", {"schedule_decay": 1.0}),
    ("rmsprop", {"epsilon": 0.0}),
    ("adagrad", {"epsilon": 0.0}),
]


def ours_and_stock(name, config, params, grads, dtype="float32"):
    ours = run_optimizer(
        optimizers.get({"class_name": name, "config": config}), params, grads, dtype
    )
    stock = stock_equivalent(name, config, reference.DEFAULTS[name])
    assert stock is not None, f"{name} {config} has a stock equivalent"
    return ours, run_optimizer(stock, params, grads, dtype)


@pytest.mark.parametrize(("name", "config"), BIT_IDENTICAL)
def test_identity_with_stock_is_bit_exact(name, config, params, grads):
    ours, stock = ours_and_stock(name, config, params, grads)
    if BACKEND == "torch":
        rel = trajectory_relative_error(stock, ours)
        record("float32 vs stock equivalent (rel)", f"{name}/{config}", rel, 0)
        assert rel <= SAME_FORMULA_REL
        return
    ulp = max(max_ulp_distance(a, b, "float32") for a, b in zip(ours, stock))
    record("float32 vs stock equivalent (ulp)", f"{name}/{config}", 0.0, ulp)
    assert ulp == 0


@pytest.mark.parametrize(("name", "config"), SAME_FORMULA)
def test_identity_with_stock_up_to_operation_order(name, config, params, grads):
    ours, stock = ours_and_stock(name, config, params, grads)
    rel = trajectory_relative_error(stock, ours)
    record("float32 vs stock equivalent (rel)", f"{name}/{config}", rel, 0)
    assert rel <= SAME_FORMULA_REL


def one_step(opt, g, dtype="float32"):
    """The first update from a zero parameter: exact in `dtype`, no cancellation."""
    (after,) = run_optimizer(opt, [np.zeros_like(g)], [[g]], dtype)
    return np.asarray(after[0], np.float64)


def test_adam_known_delta_from_rounding_one_minus_beta():
    """Stock Adam computes 1 - 0.999 in Python; legacy subtracts from fl32(0.999)."""
    g = np.array([1e-2, -3e-1, 2.0])
    ours, stock = one_step(keras_ref.Adam(), g), one_step(keras.optimizers.Adam(), g)
    f32 = np.float32
    legacy = (1 - np.float64(f32(0.9))) / np.sqrt(1 - np.float64(f32(0.999)))
    stocks = np.float64(f32(1 - 0.9)) / np.sqrt(np.float64(f32(1 - 0.999)))
    predicted = stocks / legacy - 1  # -6.6e-6: stock steps are smaller
    np.testing.assert_allclose(stock / ours - 1, predicted, atol=3e-7)  # 1e-7: float32 step


@pytest.mark.parametrize(("magnitude", "ratio"), [(1e-3, 0.71), (1e-4, 0.10)])
def test_rmsprop_known_delta_epsilon_inside_the_root(magnitude, ratio):
    g = np.array([magnitude, -magnitude])
    ours, stock = one_step(keras_ref.RMSprop(), g), one_step(keras.optimizers.RMSprop(), g)
    a, eps = 0.1 * magnitude**2, 1e-7
    predicted = (np.sqrt(a) + eps) / np.sqrt(a + eps)
    np.testing.assert_allclose(stock / ours, predicted, rtol=1e-5)
    assert round(float(stock[0] / ours[0]), 2) == ratio  # the size docs/legacy-formulas.md gives


def test_adagrad_known_delta_first_default_step_is_10_to_300_times_smaller():
    g = np.array([1e-2, 1e-1, 1.0])
    ours, stock = one_step(keras_ref.Adagrad(), g), one_step(keras.optimizers.Adagrad(), g)
    predicted = (0.01 * g / (np.abs(g) + 1e-7)) / (0.001 * g / np.sqrt(0.1 + g**2 + 1e-7))
    np.testing.assert_allclose(ours / stock, predicted, rtol=1e-5)
    assert (ours / stock).min() > 10 and (ours / stock).max() < 320


def test_nadam_known_delta_momentum_schedule(params, grads):
    """Stock Nadam is the legacy update with schedule_decay=1 (mu_100 0.892, legacy 0.457)."""
    steps = grads[:100]
    legacy = run_optimizer(keras_ref.Nadam(lr=0.001), params, steps)
    stock = run_optimizer(keras.optimizers.Nadam(), params, steps)
    as_stock = reference.simulate(
        "nadam", params, steps, dtype=np.float32, lr=0.001, schedule_decay=1
    )
    assert max_relative_error(stock[-1], as_stock[-1]) < SAME_FORMULA_REL
    assert max_relative_error(stock[-1], legacy[-1]) > 1e-3


@pytest.mark.parametrize("dtype", dtype_params())
def test_stock_float64_sees_a_float32_learning_rate_and_keras_ref_does_not(dtype):
    g = np.array([1.0])
    ours = one_step(keras_ref.SGD(lr=0.01), g, dtype)
    stock = one_step(keras.optimizers.SGD(learning_rate=0.01), g, dtype)
    assert ours[0] == -float(np.asarray(0.01, dtype))  # exactly lr rounded once to the dtype
    if dtype == "float64":
        assert stock[0] == -float(np.float32(0.01))  # stock: lr held in a float32 variable


def test_stock_ignores_legacy_decay_and_keras_ref_applies_it(params, grads):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stock = run_optimizer(keras.optimizers.SGD(learning_rate=0.1, decay=0.5), params, grads[:3])
    assert any("decay" in str(w.message) for w in caught)
    plain = run_optimizer(keras.optimizers.SGD(learning_rate=0.1), params, grads[:3])
    ours = run_optimizer(keras_ref.SGD(lr=0.1, decay=0.5), params, grads[:3])
    assert max_relative_error(stock[-1], plain[-1]) == 0.0
    assert max_relative_error(ours[-1], plain[-1]) > 1e-2
