"""Real Keras 2-era `.h5` files made by others (the shared real-world folder, see its SOURCES.md):
each loads and predicts what genuine `tf_keras` predicts from the same file, or gets an error that
says what the file is and what to call instead."""

from __future__ import annotations

import importlib.util
import pathlib
import warnings

import keras
import numpy as np
import pytest

from keras_ref.legacy_h5 import load_model

FOLDER = pathlib.Path(__file__).resolve().parents[2] / "shared" / "realworld-h5"  # next to the repo
pytestmark = pytest.mark.skipif(
    not FOLDER.is_dir(), reason=f"the real-world .h5 files are not present ({FOLDER})"
)
HAVE_TF_KERAS = importlib.util.find_spec("tf_keras") is not None

#: Files whose model tf_keras (Keras 2 code) loads: ours must predict the same.
MODELS = [
    "cryptoann_model.h5",
    "fml_keras_1layer.h5",
    "fml_keras_3layer.h5",
    "fml_keras_3layer_batch_norm.h5",
    "fml_keras_conv1d_small.h5",
    "fml_keras_conv2d_model.h5",
    "fml_keras_jetTagger_Conv2D_Small_NoBatchNorm.h5",
    "fml_keras_jetTagger_Conv2D_small.h5",
    "louafi_katakana_seq2seq_model.h5",
    "lstm_multi_model.h5",
]
#: Files that hold no model (model.save_weights): a clear error naming the file.
WEIGHTS_ONLY = ["daksh_credit_card_fraud_model.h5", "fml_KERAS_3layer_weights.h5"]
#: Saved steps of the optimizer state, read from the files' `optimizer_weights`.
SAVED_STEPS = {"cryptoann_model.h5": 14000, "lstm_multi_model.h5": 12780}


def sample_inputs(model, rng) -> list[np.ndarray]:
    """Inputs for `model`: batch 3, unknown lengths 7, token ids below every Embedding's size."""
    vocabulary = [layer.input_dim for layer in model.layers if hasattr(layer, "input_dim")]
    inputs = []
    for tensor in model.inputs:
        shape = [3] + [7 if d is None else d for d in tensor.shape[1:]]
        if vocabulary:
            inputs.append(rng.integers(0, min(vocabulary), shape).astype("float32"))
        else:
            inputs.append(rng.standard_normal(shape).astype("float32"))
    return inputs


def genuine_predictions(path: pathlib.Path, inputs: list[np.ndarray]) -> list[np.ndarray]:
    import tf_keras

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = tf_keras.models.load_model(path, compile=False)
    outputs = model.predict(inputs, verbose=0)
    return outputs if isinstance(outputs, list) else [outputs]


@pytest.mark.skipif(not HAVE_TF_KERAS, reason="tf_keras (genuine Keras 2 code) is not installed")
@pytest.mark.parametrize("name", MODELS)
def test_real_file_predicts_what_tf_keras_predicts(name):
    path = FOLDER / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # files saved without a training_config say so
        model = load_model(path)
    inputs = sample_inputs(model, np.random.default_rng(0))
    expected = genuine_predictions(path, inputs)
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    assert len(outputs) == len(expected)
    for ours, theirs in zip(outputs, expected):
        assert ours.shape == theirs.shape
        # Same float32 weights, other kernels (Keras 3 vs tf_keras, oneDNN): the error is a
        # few rounding steps of the activations' scale; measured <= 1.2e-7 x max|output|.
        scale = np.max(np.abs(theirs)) + np.finfo(np.float32).tiny
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=64 * np.finfo(np.float32).eps * scale)
    if name in SAVED_STEPS:
        assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == SAVED_STEPS[name]


@pytest.mark.parametrize("name", WEIGHTS_ONLY)
def test_weights_only_real_file_says_what_to_call(name):
    with pytest.raises(ValueError, match=rf"{name} is a weights-only file.*model\.load_weights"):
        load_model(FOLDER / name)


def test_keras3_h5_file_loads_with_keras3s_own_loader():
    path = FOLDER / "tanishk_ann_churn_model.h5"
    model = load_model(path)
    expected = keras.saving.load_model(path)
    x = np.random.default_rng(0).standard_normal((5, 12)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), expected.predict(x, verbose=0))
    assert isinstance(model.optimizer, keras.optimizers.Adam)  # the Keras 3 run continues
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == int(
        keras.ops.convert_to_numpy(expected.optimizer.iterations)
    )
