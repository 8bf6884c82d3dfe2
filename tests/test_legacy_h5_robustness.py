"""`keras_ref.load_legacy_h5` on the files people actually have: genuine tf_keras LSTM, seq2seq with
``initial_state`` and Lambda files predict what tf_keras predicts; truncated files, configs that
declare huge layers, Keras 3 ``.h5`` files and Lambda bytecode get a clear answer."""

from __future__ import annotations

import base64
import importlib.util
import json
import warnings

import h5py
import keras
import numpy as np
import pytest

from keras_ref.legacy_h5 import load_legacy_h5, load_model

needs_tf_keras = pytest.mark.skipif(
    importlib.util.find_spec("tf_keras") is None,
    reason="tf_keras (genuine Keras 2 code) is not installed; `pip install tf_keras`",
)


def save_quietly(model, path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "HDF5 is legacy"
        model.save(path)


def assert_same_predictions(ours, theirs) -> None:
    """Equal up to float32 rounding of the outputs' scale (other kernels, other op order)."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape
    # measured <= 12 eps x max|output| (the seq2seq softmax) on tensorflow, jax and torch
    scale = np.max(np.abs(theirs)) + np.finfo(np.float32).tiny
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=64 * np.finfo(np.float32).eps * scale)


def rewrite_model_config(path, edit) -> None:
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        edit(config)
        f.attrs["model_config"] = json.dumps(config).encode("utf8")


def lstm_config(model_config: dict) -> dict:
    return next(e for e in model_config["config"]["layers"] if e["class_name"] == "LSTM")["config"]


# -- genuine tf_keras files -----------------------------------------------------------------------
@needs_tf_keras
def test_tf_keras_lstm_with_time_major_loads_and_predicts(tmp_path):
    import tf_keras

    tf_keras.utils.set_random_seed(0)
    source = tf_keras.Sequential(
        [
            tf_keras.layers.LSTM(5, return_sequences=True, input_shape=(None, 3)),
            tf_keras.layers.GRU(4),
            tf_keras.layers.Dense(2),
        ]
    )
    source.compile("adam", "mse")
    path = tmp_path / "lstm.h5"
    save_quietly(source, path)
    with h5py.File(path) as f:
        assert lstm_config(json.loads(f.attrs["model_config"]))["time_major"] is False
    model = load_legacy_h5(path)
    x = np.random.default_rng(0).standard_normal((4, 6, 3)).astype("float32")
    assert_same_predictions(model.predict(x, verbose=0), source.predict(x, verbose=0))

    def time_major(config):
        lstm_config(config)["time_major"] = True

    rewrite_model_config(path, time_major)
    with pytest.raises(ValueError, match=r"lstm\.h5: .*'lstm'.*time_major=True"):
        load_model(path)


@needs_tf_keras
def test_tf_keras_seq2seq_with_initial_state_and_mask_predicts_like_tf_keras(tmp_path):
    import tf_keras

    layers = tf_keras.layers
    tf_keras.utils.set_random_seed(1)
    encoder_in = layers.Input((None,))
    encoded = layers.Embedding(20, 8, mask_zero=True)(encoder_in)
    _, h, c = layers.LSTM(6, return_state=True)(encoded)
    decoder_in = layers.Input((None,))
    decoded = layers.Embedding(30, 8, mask_zero=True)(decoder_in)
    decoded = layers.LSTM(6, return_sequences=True)(decoded, initial_state=[h, c])
    outputs = layers.Dense(30, activation="softmax")(decoded)
    source = tf_keras.Model([encoder_in, decoder_in], outputs)
    source.compile("adam", "sparse_categorical_crossentropy")
    path = tmp_path / "seq2seq.h5"
    save_quietly(source, path)
    model = load_model(path)
    rng = np.random.default_rng(0)
    encoder_x = rng.integers(1, 20, (4, 9)).astype("float32")
    decoder_x = rng.integers(1, 30, (4, 7)).astype("float32")
    encoder_x[:, 6:] = 0  # padding, and a masked step inside the decoder input
    decoder_x[:, 5:] = 0
    decoder_x[1, 2] = 0
    inputs = [encoder_x, decoder_x]
    assert_same_predictions(model.predict(inputs, verbose=0), source.predict(inputs, verbose=0))


def lambda_file(tmp_path):
    import tf_keras

    tf_keras.utils.set_random_seed(2)
    source = tf_keras.Sequential(
        [
            tf_keras.layers.Lambda(lambda x: x * 2.0 + 1.0, input_shape=(3,), name="affine"),
            tf_keras.layers.Dense(2),
        ]
    )
    source.compile("sgd", "mse")
    path = tmp_path / "lambda.h5"
    save_quietly(source, path)
    return source, path


@needs_tf_keras
def test_lambda_needs_safe_mode_false_and_then_predicts_like_tf_keras(tmp_path):
    source, path = lambda_file(tmp_path)
    with pytest.raises(ValueError, match=r"lambda\.h5: .*'affine'.*bytecode.*safe_mode=False"):
        load_model(path)
    x = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    model = load_model(path, safe_mode=False)
    assert_same_predictions(model.predict(x, verbose=0), source.predict(x, verbose=0))
    given = load_model(path, custom_objects={"affine": lambda t: t * 2.0 + 1.0})  # no bytecode
    assert_same_predictions(given.predict(x, verbose=0), source.predict(x, verbose=0))
    with pytest.raises(TypeError, match="safe_mode"):
        load_model(path, safe_mode="no")


@needs_tf_keras
def test_lambda_bytecode_of_another_python_says_what_to_do(tmp_path):
    _, path = lambda_file(tmp_path)

    def older_bytecode(config):  # bytecode this Python cannot unmarshal, like 3.6's
        lambda_layer = next(e for e in config["config"]["layers"] if e["class_name"] == "Lambda")
        function = lambda_layer["config"]["function"]
        raw = base64.b64decode(function[0])
        function[0] = base64.b64encode(raw[: len(raw) // 2]).decode("ascii")

    rewrite_model_config(path, older_bytecode)
    with pytest.raises(ValueError, match=r"lambda\.h5: .*'affine'.*another Python version") as info:
        load_model(path, safe_mode=False)
    assert "custom_objects={'affine'" in str(info.value)
    assert isinstance(info.value.__cause__, (EOFError, ValueError))  # the raw error, chained


# -- Keras 3 files --------------------------------------------------------------------------------
def test_keras3_h5_file_is_loaded_by_keras3(tmp_path):
    source = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
    source.compile(keras.optimizers.Adam(), "binary_crossentropy")
    source.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    path = tmp_path / "k3.h5"
    save_quietly(source, path)
    model = load_model(path)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 1
    x = np.random.default_rng(0).standard_normal((2, 4)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), source.predict(x, verbose=0))
    source.compile(keras.optimizers.Adam(), "mse")  # Keras 3 cannot compile its own "mse" file
    save_quietly(source, path)
    with pytest.warns(UserWarning, match=r"k3\.h5 was written by Keras 3.*returned uncompiled"):
        uncompiled = load_model(path)
    np.testing.assert_array_equal(uncompiled.predict(x, verbose=0), source.predict(x, verbose=0))
    renamed = tmp_path / "k3.model"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(ValueError, match=r"k3\.model was written by Keras 3.*keras\.saving"):
        load_model(renamed)


# -- damaged and hostile files --------------------------------------------------------------------
def small_keras2_file(path) -> None:
    """A Keras 2.2.4 Sequential Dense(3) file written with h5py."""
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential_1",
            "layers": [
                {
                    "class_name": "Dense",
                    "config": {"name": "dense_1", "units": 3, "batch_input_shape": [None, 4]},
                }
            ],
        },
    }
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"dense_1"]
        layer = weights.create_group("dense_1")
        layer.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
        layer.create_dataset("dense_1/kernel:0", data=rng.standard_normal((4, 3)))
        layer.create_dataset("dense_1/bias:0", data=np.zeros(3))


def test_truncated_file_is_a_value_error_naming_it(tmp_path):
    path = tmp_path / "whole.h5"
    small_keras2_file(path)
    assert load_model(path, compile=False).layers[-1].units == 3
    truncated = tmp_path / "cut.h5"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ValueError, match=r"cut\.h5.*truncated"):
        load_model(truncated)


def test_dataset_declaring_more_than_it_stores_is_refused_before_reading(tmp_path):
    path = tmp_path / "sparse.h5"
    small_keras2_file(path)
    with h5py.File(path, "r+") as f:
        layer = f["model_weights/dense_1"]
        del layer["dense_1/kernel:0"]
        layer.create_dataset("dense_1/kernel:0", shape=(4, 3), dtype="float64")  # never written
    with pytest.raises(ValueError, match=r"sparse\.h5.*'dense_1/kernel:0'.*stores only 0 bytes"):
        load_model(path)


@pytest.mark.parametrize("units", [3 * 10**9, 10**12])
def test_config_declaring_a_huge_layer_fails_before_allocating(tmp_path, units):
    path = tmp_path / "huge.h5"
    small_keras2_file(path)

    def huge(config):
        config["config"]["layers"][0]["config"]["units"] = units

    rewrite_model_config(path, huge)
    # 4 x 10**12 float32 values would be 16 TB: only a check before allocating can answer.
    with pytest.raises(ValueError, match=rf"huge\.h5: layer 'dense_1'.*\(4, {units}\).*\(4, 3\)"):
        load_model(path)
    x = keras.ops.ones((1, 4))  # the deferred variables were never allocated, nor queued
    assert keras.ops.convert_to_numpy(keras.layers.Dense(2)(x)).shape == (1, 2)
    with keras.StatelessScope():
        pass  # leaving a scope initializes the queued variables: none of the huge ones
