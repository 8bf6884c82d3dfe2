"""`keras_ref.legacy_h5.load_model`: Keras 2 HDF5 files (hand-built Keras 2.2.x layout and genuine
tf.keras 2.x files) load into Keras 3, compile with keras_ref and continue the legacy run."""

from __future__ import annotations

import warnings

import h5py
import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.legacy_h5 import legacy_hard_sigmoid, load_model
from keras_ref.reference.optimizers import simulate
from tests.legacy_h5_support import (
    CONFIGS,
    UNIFORM,
    ZEROS,
    continue_and_compare,
    dense,
    keras2_optimizer_weights,
    needs_tf_keras,
    one_more_step_ulps,
    run_legacy_steps,
    sequential_config,
    sequential_layers,
    sequential_weights,
    tf_keras_run,
    training_config,
    write_keras2_h5,
)
from tests.support import requires_float64


@requires_float64
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_saved_optimizer_state_continues_the_legacy_run(tmp_path, name):
    """4 legacy steps saved in the Keras 2.2.4 layout, loaded, 2 more: the legacy formula's 6."""
    rng = np.random.default_rng(7)
    initial = sequential_weights(rng, "float64")
    grads = [[rng.standard_normal(w.shape) * 0.3 for w in initial] for _ in range(6)]
    config = CONFIGS[name]
    variables, optimizer = run_legacy_steps(name, config, initial, grads[:4], "float64")
    saved = [keras.ops.convert_to_numpy(v) for v in variables]
    path = tmp_path / f"{name}.h5"
    write_keras2_h5(
        path,
        sequential_config("float64"),
        sequential_layers(saved),
        training_config(name, config),
        keras2_optimizer_weights(name, optimizer, variables),
    )
    model = load_model(path)
    for variable, value in zip(model.trainable_variables, saved):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), value)
    assert isinstance(model.optimizer, keras_ref.optimizers.ALL_OPTIMIZERS[name])
    expected_steps = 4 if name in ("sgd", "adam", "adamax", "nadam") else 0
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == expected_steps
    worst = continue_and_compare(model, name, config, initial, grads, 4, "float64")
    # 1e-12: the float64 bound of the optimizer parity tests; measured 0 on all three backends.
    assert worst <= 1e-12, worst


@pytest.mark.parametrize("dtype", ["float32", pytest.param("float64", marks=requires_float64)])
def test_nadam_schedule_is_replayed_bit_for_bit(tmp_path, dtype):
    """Keras 2.2.4 never saved m_schedule: the replay equals the uninterrupted run's value."""
    rng = np.random.default_rng(3)
    initial = sequential_weights(rng, dtype)
    grads = [[rng.standard_normal(w.shape).astype(dtype) for w in initial] for _ in range(30)]
    variables, optimizer = run_legacy_steps("nadam", CONFIGS["nadam"], initial, grads, dtype)
    path = tmp_path / "nadam.h5"
    write_keras2_h5(
        path,
        sequential_config(dtype),
        sequential_layers([keras.ops.convert_to_numpy(v) for v in variables]),
        training_config("nadam", CONFIGS["nadam"]),
        keras2_optimizer_weights("nadam", optimizer, variables),
    )
    replayed = load_model(path).optimizer._m_schedule
    expected = keras.ops.convert_to_numpy(optimizer._m_schedule)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(replayed), expected)
    reset = load_model(path, nadam_schedule="reset").optimizer._m_schedule
    assert float(keras.ops.convert_to_numpy(reset)) == 1.0


def test_state_without_iterations_warns_when_decay_restarts(tmp_path):
    rng = np.random.default_rng(0)
    values = sequential_weights(rng, "float32")
    config = {**CONFIGS["rmsprop"], "decay": 0.1}
    variables, optimizer = run_legacy_steps("rmsprop", config, values, [values] * 2, "float32")
    path = tmp_path / "rmsprop.h5"
    write_keras2_h5(
        path,
        sequential_config(),
        sequential_layers(values),
        training_config("rmsprop", config),
        keras2_optimizer_weights("rmsprop", optimizer, variables),
    )
    with pytest.warns(UserWarning, match="no optimizer step count"):
        model = load_model(path)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 0


def test_adam_amsgrad_state_and_compile_resolution(tmp_path):
    """vhat is restored with amsgrad; loss, metrics ('acc' by the legacy rule) are keras_ref's."""
    rng = np.random.default_rng(1)
    initial = sequential_weights(rng, "float32")
    grads = [[rng.standard_normal(w.shape).astype("float32") for w in initial] for _ in range(3)]
    config = {**CONFIGS["adam"], "amsgrad": True}
    variables, optimizer = run_legacy_steps("adam", config, initial, grads, "float32")
    path = tmp_path / "adam.h5"
    write_keras2_h5(
        path,
        sequential_config(),
        sequential_layers([keras.ops.convert_to_numpy(v) for v in variables]),
        training_config("adam", config, loss="binary_crossentropy", metrics=["acc", "mae"]),
        keras2_optimizer_weights("adam", optimizer, variables, amsgrad=True),
    )
    model = load_model(path)
    for variable, original in zip(model.trainable_variables, variables):
        index = model.optimizer._get_variable_index(variable)
        source = optimizer._get_variable_index(original)
        for slot in ("m", "v", "vhat"):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(getattr(model.optimizer, f"_{slot}")[index]),
                keras.ops.convert_to_numpy(getattr(optimizer, f"_{slot}")[source]),
            )
    assert model.optimizer.get_config()["amsgrad"] is True
    assert isinstance(model.loss, keras_ref.losses.BinaryCrossentropy)
    metrics = model._compile_metrics._user_metrics
    # binary_crossentropy on a 2-unit output: legacy 'acc' is binary accuracy (stock: categorical)
    assert [type(m).__name__ for m in metrics] == ["BinaryAccuracy", "MeanMetricWrapper"]
    assert [m.name for m in metrics] == ["acc", "mean_absolute_error"]


def functional_config() -> dict:
    """Two outputs; config order dense_1, out_a, dense_3, out_b (Keras 3 sorts them otherwise)."""

    def node(*sources):
        return [[[s, 0, 0, {}] for s in sources]]

    input_layer = {
        "name": "input_1",
        "class_name": "InputLayer",
        "config": {"batch_input_shape": [None, 4], "dtype": "float64", "sparse": False,
                   "name": "input_1"},
        "inbound_nodes": [],
    }  # fmt: skip
    layers = [input_layer]
    for name, units, source in [
        ("dense_1", 3, "input_1"),
        ("out_a", 1, "dense_1"),
        ("dense_3", 2, "input_1"),
        ("out_b", 2, "dense_3"),
    ]:
        layer = dense(name, units, "tanh", "float64")
        layers.append({"name": name, **layer, "inbound_nodes": node(source)})
    return {
        "class_name": "Model",
        "config": {
            "name": "model_1",
            "layers": layers,
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [["out_a", 0, 0], ["out_b", 0, 0]],
        },
    }


@requires_float64
def test_functional_two_outputs_loss_weights_and_state(tmp_path):
    rng = np.random.default_rng(5)
    shapes = {"dense_1": [(4, 3), (3,)], "out_a": [(3, 1), (1,)], "dense_3": [(4, 2), (2,)],
              "out_b": [(2, 2), (2,)]}  # fmt: skip
    order = ["dense_1", "out_a", "dense_3", "out_b"]  # Keras 2 layer (and weight) order
    initial = [rng.standard_normal(s) for name in order for s in shapes[name]]
    grads = [[rng.standard_normal(w.shape) * 0.1 for w in initial] for _ in range(4)]
    config = CONFIGS["adam"]
    variables, optimizer = run_legacy_steps("adam", config, initial, grads[:2], "float64")
    saved = [keras.ops.convert_to_numpy(v) for v in variables]
    layers = [
        (name, [(f"{name}/kernel:0", saved[2 * i]), (f"{name}/bias:0", saved[2 * i + 1])])
        for i, name in enumerate(order)
    ]
    path = tmp_path / "functional.h5"
    write_keras2_h5(
        path,
        functional_config(),
        [("input_1", []), *layers],
        training_config(
            "adam",
            config,
            loss={"out_a": "mse", "out_b": "logcosh"},
            metrics={"out_a": ["acc"]},
            loss_weights={"out_a": 1.0, "out_b": 0.25},
        ),
        keras2_optimizer_weights("adam", optimizer, variables),
    )
    model = load_model(path)
    assert model.output_names == ["out_a", "out_b"]
    by_path = {v.path: v for v in model.trainable_variables}
    ordered = [by_path[f"{name}/{w}"] for name in order for w in ("kernel", "bias")]
    for variable, value in zip(ordered, saved):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), value)
    # The loss: 1.0 * mse(out_a) + 0.25 * logcosh(out_b), each the legacy batch mean.
    x = rng.standard_normal((5, 4))
    y_a, y_b = rng.standard_normal((5, 1)), rng.standard_normal((5, 2))
    result = model.evaluate(x, {"out_a": y_a, "out_b": y_b}, return_dict=True, verbose=0)
    p_a, p_b = (keras.ops.convert_to_numpy(p) for p in model(x))
    d = p_b - y_b
    expected = np.mean((p_a - y_a) ** 2) + 0.25 * np.mean(np.logaddexp(d, -d) - np.log(2.0))
    # 1e-6: Keras 3 reports the epoch loss through a float32 Mean; measured 6e-8 relative.
    assert result["loss"] == pytest.approx(expected, rel=1e-6)
    assert set(result) >= {"out_a_acc", "out_a_loss", "out_b_loss"}
    # Continue two steps with explicit gradients, fed in the Keras 2 weight order.
    for step in grads[2:]:
        model.optimizer.apply_gradients(
            zip([keras.ops.convert_to_tensor(g) for g in step], ordered)
        )
    expected_params = simulate("adam", initial, grads, dtype=np.float64, **config)[-1]
    for variable, value, start in zip(ordered, expected_params, initial):
        # 1e-12 of the weights' scale: the float64 optimizer bound; measured 0 on all backends.
        scale = np.max(np.abs(start))
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(variable), value, rtol=0, atol=1e-12 * scale
        )


def test_common_layers_and_legacy_hard_sigmoid(tmp_path):
    """Embedding + LSTM (hard_sigmoid) and Conv2D + BatchNorm + pooling rebuild and load."""
    recurrent = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential_2",
            "layers": [
                {"class_name": "Embedding", "config": {
                    "name": "embedding_1", "trainable": True, "batch_input_shape": [None, 5],
                    "dtype": "float32", "input_dim": 10, "output_dim": 3,
                    "embeddings_initializer": {"class_name": "RandomUniform", "config": {
                        "minval": -0.05, "maxval": 0.05, "seed": None}},
                    "embeddings_regularizer": None, "activity_regularizer": None,
                    "embeddings_constraint": None, "mask_zero": False, "input_length": 5}},
                {"class_name": "LSTM", "config": {
                    "name": "lstm_1", "trainable": True, "return_sequences": False,
                    "return_state": False, "go_backwards": False, "stateful": False,
                    "unroll": False, "units": 2, "activation": "tanh",
                    "recurrent_activation": "hard_sigmoid", "use_bias": True,
                    "kernel_initializer": UNIFORM,
                    "recurrent_initializer": {"class_name": "Orthogonal",
                                              "config": {"gain": 1.0, "seed": None}},
                    "bias_initializer": ZEROS, "unit_forget_bias": True,
                    "kernel_regularizer": None, "recurrent_regularizer": None,
                    "bias_regularizer": None, "activity_regularizer": None,
                    "kernel_constraint": None, "recurrent_constraint": None,
                    "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0,
                    "implementation": 1}},
            ],
        },
    }  # fmt: skip
    rng = np.random.default_rng(2)
    values = [rng.standard_normal(s).astype("float32") for s in [(10, 3), (3, 8), (2, 8), (8,)]]
    path = tmp_path / "lstm.h5"
    write_keras2_h5(
        path,
        recurrent,
        [
            ("embedding_1", [("embedding_1/embeddings:0", values[0])]),
            ("lstm_1", [(f"lstm_1/{n}:0", v) for n, v in
                        zip(["kernel", "recurrent_kernel", "bias"], values[1:])]),
        ],
    )  # fmt: skip
    model = load_model(path, compile=False)
    assert model.get_layer("lstm_1").cell.recurrent_activation is legacy_hard_sigmoid
    for variable, value in zip(model.weights, values):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), value)
    hs = keras.ops.convert_to_numpy(legacy_hard_sigmoid(np.array([-3.0, 1.0, 3.0], "float32")))
    np.testing.assert_array_equal(hs, np.array([0.0, 0.7, 1.0], "float32"))
    tokens = np.array([[1, 2, 3, 4, 5]])
    prediction = model.predict(tokens, verbose=0)
    assert prediction.shape == (1, 2)
    model.save(tmp_path / "lstm.keras")  # the legacy activation is registered: no custom_objects
    reloaded = keras.models.load_model(tmp_path / "lstm.keras")
    np.testing.assert_array_equal(reloaded.predict(tokens, verbose=0), prediction)

    conv = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential_3",
            "layers": [
                {"class_name": "Conv2D", "config": {
                    "name": "conv2d_1", "trainable": True, "batch_input_shape": [None, 6, 6, 1],
                    "dtype": "float32", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1],
                    "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
                    "activation": "relu", "use_bias": True,
                    "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                        "scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": None}},
                    "bias_initializer": ZEROS, "kernel_regularizer": None,
                    "bias_regularizer": None, "activity_regularizer": None,
                    "kernel_constraint": None, "bias_constraint": None}},
                {"class_name": "BatchNormalization", "config": {
                    "name": "bn_1", "trainable": True, "axis": -1, "momentum": 0.99,
                    "epsilon": 0.001, "center": True, "scale": True, "beta_initializer": ZEROS,
                    "gamma_initializer": {"class_name": "Ones", "config": {}},
                    "moving_mean_initializer": ZEROS,
                    "moving_variance_initializer": {"class_name": "Ones", "config": {}},
                    "beta_regularizer": None, "gamma_regularizer": None,
                    "beta_constraint": None, "gamma_constraint": None}},
                {"class_name": "MaxPooling2D", "config": {
                    "name": "max_pooling2d_1", "trainable": True, "pool_size": [2, 2],
                    "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}},
                {"class_name": "Flatten", "config": {
                    "name": "flatten_1", "trainable": True, "data_format": "channels_last"}},
                dense("dense_9", 1, "sigmoid"),
            ],
        },
    }  # fmt: skip
    weights = {
        "conv2d_1": [("kernel", (3, 3, 1, 2)), ("bias", (2,))],
        "bn_1": [("gamma", (2,)), ("beta", (2,)), ("moving_mean", (2,)),
                 ("moving_variance", (2,))],
        "max_pooling2d_1": [],
        "flatten_1": [],
        "dense_9": [("kernel", (8, 1)), ("bias", (1,))],
    }  # fmt: skip
    layers = [
        (name, [(f"{name}/{w}:0", np.abs(rng.standard_normal(s)).astype("float32")) for w, s in ws])
        for name, ws in weights.items()
    ]
    sgd = {"lr": 0.01, "momentum": 0.9, "decay": 0.0, "nesterov": False}
    trainable = [v for name, ws in layers for w, v in ws if "moving" not in w]  # Keras 2 order
    moments = [np.full(v.shape, 0.5, "float32") for v in trainable]
    path = tmp_path / "conv.h5"
    write_keras2_h5(
        path,
        conv,
        layers,
        training_config("sgd", sgd, loss="binary_crossentropy", metrics=["accuracy"]),
        [("SGD/iterations:0", np.asarray(9, "int64"))]
        + [(f"training/SGD/Variable_{i}:0", m) for i, m in enumerate(moments)],
    )
    model = load_model(path)
    bn = model.get_layer("bn_1")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(bn.moving_variance), layers[1][1][3][1]
    )
    assert len(model.trainable_variables) == 6  # the moving statistics are not trainable
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 9
    for variable in model.trainable_variables:
        (moment,) = model.optimizer._slots(variable)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(moment), 0.5)
    assert model.predict(np.ones((1, 6, 6, 1), "float32"), verbose=0).shape == (1, 1)


def test_compile_false_loads_weights_only_and_custom_metric(tmp_path):
    rng = np.random.default_rng(4)
    values = sequential_weights(rng, "float32")
    path = tmp_path / "m.h5"
    config = training_config("sgd", CONFIGS["sgd"], metrics=["acc", "mean_pred"])
    write_keras2_h5(path, sequential_config(), sequential_layers(values), config)
    model = load_model(path, compile=False)
    assert not model.compiled
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.weights[0]), values[0])
    with pytest.raises(ValueError, match=r"m\.h5.*'mean_pred'.*custom_objects"):
        load_model(path)

    def mean_pred(y_true, y_pred):
        return keras_ref.backend.mean(y_pred)

    model = load_model(path, custom_objects={"mean_pred": mean_pred})
    names = [m.name for m in model._compile_metrics._user_metrics]
    assert names == ["acc", "mean_pred"]
    assert model.optimizer.get_config()["decay"] == 0.01


def test_chunked_layer_names_and_no_training_config(tmp_path):
    values = sequential_weights(np.random.default_rng(0), "float32")
    path = tmp_path / "chunked.h5"
    write_keras2_h5(path, sequential_config(), sequential_layers(values))
    with h5py.File(path, "a") as f:
        group = f["model_weights"]
        names = group.attrs["layer_names"]
        del group.attrs["layer_names"]
        group.attrs["layer_names0"], group.attrs["layer_names1"] = names[:2], names[2:]
    with pytest.warns(UserWarning, match="no training_config"):
        model = load_model(path)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.weights[2]), values[2])


def test_bad_files_name_the_path_and_what_is_missing(tmp_path):
    values = sequential_weights(np.random.default_rng(0), "float32")
    with pytest.raises(FileNotFoundError, match=r"nowhere\.h5"):
        load_model(tmp_path / "nowhere.h5")
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    with pytest.raises(ValueError, match=r"notes\.h5 is not an HDF5 file"):
        load_model(text)
    weights_only = tmp_path / "weights.h5"
    with h5py.File(weights_only, "w") as f:
        f.attrs["layer_names"] = [b"dense_1"]
    with pytest.raises(
        ValueError, match=r"weights\.h5 is a weights-only file.*no `model_config`.*load_weights"
    ):
        load_model(weights_only)
    missing = tmp_path / "missing_layer.h5"
    write_keras2_h5(missing, sequential_config(), sequential_layers(values)[:2])
    with pytest.raises(ValueError, match=r"missing_layer\.h5 holds no weights for .*dense_2"):
        load_model(missing, compile=False)
    wrong = tmp_path / "wrong_shape.h5"
    write_keras2_h5(wrong, sequential_config(), sequential_layers([values[0].T, *values[1:]]))
    with pytest.raises(ValueError, match=r"wrong_shape\.h5.*'dense_1/kernel:0'.*\(3, 4\)"):
        load_model(wrong, compile=False)
    state = tmp_path / "state.h5"
    adam = training_config("adam", CONFIGS["adam"])
    write_keras2_h5(
        state, sequential_config(), sequential_layers(values), adam,
        [("Adam/iterations:0", np.asarray(1, "int64"))] + [(f"v{i}", v) for i, v in
                                                          enumerate(values)],
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"state\.h5: optimizer_weights holds 5 arrays.*13"):
        load_model(state)
    unknown = tmp_path / "unknown_layer.h5"
    config = sequential_config()
    config["config"]["layers"][1]["class_name"] = "MyDropout"
    write_keras2_h5(unknown, config, sequential_layers(values))
    with pytest.raises(ValueError, match=r"unknown_layer\.h5: cannot rebuild.*custom_objects"):
        load_model(unknown)
    keras1 = tmp_path / "keras1.h5"
    write_keras2_h5(keras1, sequential_config(), sequential_layers(values), keras_version="1.2.2")
    with pytest.raises(ValueError, match=r"keras1\.h5 was written by Keras 1"):
        load_model(keras1)
    other = tmp_path / "tfoptimizer.h5"
    write_keras2_h5(
        other, sequential_config(), sequential_layers(values),
        {"optimizer_config": {"class_name": "TFOptimizer", "config": {}}, "loss": "mse"},
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"tfoptimizer\.h5.*'TFOptimizer'.*compile=False"):
        load_model(other)


# -- genuine tf.keras 2.x files -------------------------------------------------------------------
@needs_tf_keras
@pytest.mark.parametrize(
    "optimizer_name, kwargs",
    [
        ("Adam", {"learning_rate": 0.01, "decay": 0.01, "amsgrad": True}),
        ("Nadam", {"learning_rate": 0.01}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
        ("RMSprop", {"learning_rate": 0.01}),
    ],
)
def test_genuine_tf_keras_file_continues_its_run(tmp_path, optimizer_name, kwargs):
    path = tmp_path / "tfk.h5"
    source = tf_keras_run(path, optimizer_name, steps=3, **kwargs)
    model = load_model(path)
    assert type(model.optimizer).__name__ == optimizer_name
    for variable, value in zip(model.weights, source.get_weights()):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable), value)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 3
    metrics = model._compile_metrics._user_metrics
    assert [m.name for m in metrics] == ["acc", "mean_absolute_error"]
    assert isinstance(model.loss, keras_ref.losses.BinaryCrossentropy)
    # One more step from both optimizers with the same explicit gradients: within 2 ulp of the
    # step's operands (the weight before it): tf.keras 2 runs SGD (and Adam) through fused TF
    # kernels in another operation order, and `p - update` can cancel; measured 8 ulp of an
    # element of -0.00617 (1 ulp of its operands), else 0-1 ulp.
    worst = one_more_step_ulps(source, model, model.weights, seed=1)
    assert worst <= 2, worst


@needs_tf_keras
def test_genuine_tf_keras_new_optimizer_warns(tmp_path):
    import tf_keras

    model = tf_keras.Sequential([tf_keras.layers.Dense(1, input_shape=(2,), name="d")])
    model.compile(tf_keras.optimizers.Adam(clipnorm=1.0), "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    path = tmp_path / "new.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)
    with pytest.warns(UserWarning, match=r"tf\.keras >= 2\.11 Adam.*not restored"):
        loaded = load_model(path)
    assert int(keras.ops.convert_to_numpy(loaded.optimizer.iterations)) == 0
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.weights[0]), model.get_weights()[0]
    )
