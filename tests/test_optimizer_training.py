"""The legacy optimizers inside Keras 3: fit (compiled and eager), apply, save/load, resume."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from support import BACKEND

import keras_ref

CONFIGS = {
    "SGD": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2},
    "RMSprop": {"decay": 1e-3},
    "Adagrad": {"epsilon": 1e-3},
    "Adadelta": {"decay": 1e-2},
    "Adam": {"amsgrad": True, "decay": 1e-3, "clipnorm": 1.0, "clipvalue": 0.5},
    "Adamax": {},
    "Nadam": {"clipnorm": 0.5},
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 1)) + 0.1).astype("float32")
    return x, y


def make_model(seed: int = 0) -> keras.Model:
    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)]
    )
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.weights])
    return model


def optimizer(name: str) -> keras.optimizers.Optimizer:
    return getattr(keras_ref, name)(**CONFIGS[name])


def weights(model) -> list[np.ndarray]:
    return [np.array(w) for w in model.get_weights()]


@pytest.mark.parametrize("name", CONFIGS)
def test_fit_reduces_the_loss_compiled_and_eager_alike(name, data):
    x, y = data
    results = {}
    for eager in (False, True):
        model = make_model()
        model.compile(optimizer(name), "mse", run_eagerly=eager)
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        losses = history.history["loss"]
        assert np.isfinite(losses).all() and losses[-1] < losses[0]
        results[eager] = weights(model)
    for compiled, eager in zip(results[False], results[True]):
        np.testing.assert_allclose(compiled, eager, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", CONFIGS)
def test_save_load_and_resume_is_bit_exact(name, data, tmp_path):
    x, y = data
    reference = make_model()
    reference.compile(optimizer(name), "mse")
    reference.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)

    first = make_model()
    first.compile(optimizer(name), "mse")
    first.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "m.keras"
    first.save(path)
    resumed = keras.models.load_model(path)  # no custom_objects: registered by `import keras_ref`
    assert type(resumed.optimizer) is type(first.optimizer)
    assert resumed.optimizer.get_config() == first.optimizer.get_config()
    resumed.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)

    for a, b in zip(weights(resumed), weights(reference)):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(resumed.optimizer.variables, reference.optimizer.variables):
        np.testing.assert_array_equal(np.array(a), np.array(b))


def test_nadam_m_schedule_is_one_scalar_saved_with_the_optimizer(data, tmp_path):
    x, y = data
    model = make_model()
    model.compile(keras_ref.Nadam(), "mse")
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)  # 4 steps
    schedules = [v for v in model.optimizer.variables if "m_schedule" in v.name]
    assert len(schedules) == 1 and schedules[0].shape == ()
    mu = [0.9 * (1 - 0.5 * 0.96 ** (t * 0.004)) for t in range(1, 5)]
    np.testing.assert_allclose(float(np.array(schedules[0])), np.prod(mu), rtol=1e-6)
    model.save(tmp_path / "n.keras")
    loaded = keras.models.load_model(tmp_path / "n.keras")
    (loaded_schedule,) = [v for v in loaded.optimizer.variables if "m_schedule" in v.name]
    assert float(np.array(loaded_schedule)) == float(np.array(schedules[0]))


def test_apply_gradients_and_apply_agree():
    grads = [np.array([0.5, -1.0], "float32")]
    a = keras.Variable(np.ones(2, "float32"))
    b = keras.Variable(np.ones(2, "float32"))
    opt_a, opt_b = keras_ref.Adam(), keras_ref.Adam()
    for _ in range(3):
        opt_a.apply_gradients([(keras.ops.convert_to_tensor(grads[0]), a)])
        opt_b.apply([keras.ops.convert_to_tensor(grads[0])], [b])
    np.testing.assert_array_equal(np.array(a), np.array(b))
    assert int(np.array(opt_a.iterations)) == 3


@pytest.mark.skipif(BACKEND != "jax", reason="stateless_apply is the JAX functional API")
@pytest.mark.parametrize("name", CONFIGS)
def test_jax_stateless_apply_matches_stateful_apply(name):
    import jax

    rng = np.random.default_rng(3)
    init = [rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    grads = [[rng.normal(size=p.shape).astype("float32") for p in init] for _ in range(5)]

    stateful = [keras.Variable(p) for p in init]
    opt = optimizer(name)
    for g in grads:
        opt.apply(g, stateful)

    functional = optimizer(name)
    functional.build([keras.Variable(p) for p in init])
    step = jax.jit(functional.stateless_apply)
    params, state = list(init), [v.value for v in functional.variables]
    for g in grads:
        params, state = step(state, g, params)
    for a, b in zip(params, stateful):
        np.testing.assert_allclose(np.asarray(a), np.array(b), rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", CONFIGS)
def test_embedding_gradients_train(name):
    """Embedding gradients (IndexedSlices on tensorflow) go through legacy clipping and update."""
    model = keras.Sequential(
        [keras.Input((3,), dtype="int32"), keras.layers.Embedding(10, 2), keras.layers.Flatten(),
         keras.layers.Dense(1)]
    )  # fmt: skip
    model.compile(optimizer(name), "mse")
    x = np.array([[1, 2, 3], [4, 5, 6]] * 8, "int32")
    y = np.ones((16, 1), "float32")
    before = np.array(model.layers[0].embeddings)
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    after = np.array(model.layers[0].embeddings)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_array_equal(before[0], after[0])  # row 0 is never looked up
    assert not np.array_equal(before[1], after[1])


def test_keras3_options_still_act():
    """use_ema, loss_scale_factor and global_clipnorm (with legacy clipvalue) all take effect."""
    var = keras.Variable(np.zeros(2, "float32"))
    opt = keras_ref.SGD(lr=1.0, loss_scale_factor=4.0, global_clipnorm=1.0, clipvalue=0.5)
    opt.apply([keras.ops.convert_to_tensor(np.array([12.0, 16.0], "float32"))], [var])
    # unscale by 4 -> (3, 4); global norm 5 -> (0.6, 0.8); clipvalue -> (0.5, 0.5)
    np.testing.assert_allclose(np.array(var), [-0.5, -0.5], rtol=1e-6)
    ema = keras_ref.Adam(use_ema=True, ema_momentum=0.5)
    w = keras.Variable(np.ones(1, "float32"))
    ema.apply([keras.ops.convert_to_tensor(np.ones(1, "float32"))], [w])
    assert any("average" in v.name for v in ema.variables)
