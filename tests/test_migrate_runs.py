"""Synthetic Keras 2 programs with the legacy patterns of issue 16 must RUN under Keras 3 after
``keras-ref migrate --write`` (each on both routes where it applies), in a fresh interpreter on
the backend of this test run. Each program checks its own numbers against NumPy."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from keras_ref.migrate.command import main
from tests.support import BACKEND

ROOT = Path(__file__).resolve().parents[1]

TRAINING = """
import numpy as np
from keras.models import Model
from keras.layers.core import Dense
from keras.layers import Input
from keras.optimizers import *
from keras.utils import np_utils
from keras import backend as K

rng = np.random.RandomState(0)
x = rng.rand(8, 4).astype("float32")
y = np_utils.to_categorical(np.array([0, 1] * 4), 2)


def batches():
    while True:
        yield x[:4], y[:4]


inputs = Input((4,))
outputs = Dense(2, init="glorot_uniform", W_regularizer=None, activation="softmax")(inputs)
model = Model(input=inputs, output=outputs)
model.compile(optimizer=Adam(lr=0.01), loss="categorical_crossentropy", metrics=["acc"])
model.fit(x, y, nb_epoch=1, batch_size=4, verbose=0)
model.fit_generator(batches(), 2, epochs=1, verbose=0, workers=1, max_queue_size=2)
loss = model.evaluate_generator(batches(), steps=1)
assert np.all(np.isfinite(loss))
assert model.predict_generator(batches(), steps=1).shape == (4, 2)

v = K.variable(np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]]))
assert K.dtype(v) == "float32" and K.image_dim_ordering() in ("tf", "th")
row = K.eval(K.logsumexp(K.gather(v, [1]), axis=1))
np.testing.assert_allclose(row, np.log(np.exp([0.0, -1.0, 5.0]).sum()), rtol=1e-6)
swapped = K.get_value(K.permute_dimensions(v, (1, 0)))
np.testing.assert_array_equal(swapped, np.array([[1, 0], [2, -1], [3, 5]], "float32"))
joined = K.eval(K.concatenate([v, v]))
assert joined.shape == (2, 6)
assert K.eval(K.random_uniform((3,), minval=2.0, maxval=3.0)).min() >= 2.0
print("ok")
"""

UNET = """
import numpy as np
from keras import backend as keras
from keras.layers import Input, Conv2D
from keras.models import Model
from keras.optimizers import Adam


def dice_coef(y_true, y_pred):
    y_true_f = keras.flatten(y_true)
    y_pred_f = keras.flatten(y_pred)
    intersection = keras.sum(y_true_f * y_pred_f)
    return (2.0 * intersection + 1.0) / (keras.sum(y_true_f) + keras.sum(y_pred_f) + 1.0)


inputs = Input((8, 8, 1))
conv = Conv2D(1, 3, 3, border_mode="same", activation="sigmoid")(inputs)
model = Model(input=inputs, output=conv)
model.compile(optimizer=Adam(lr=1e-4), loss="binary_crossentropy", metrics=[dice_coef])
x = np.random.RandomState(0).rand(4, 8, 8, 1).astype("float32")
model.fit(x, (x > 0.5).astype("float32"), batch_size=2, nb_epoch=1, verbose=0)
assert tuple(model.layers[1].kernel.shape) == (3, 3, 1, 1)  # Keras 2: kernel 3x3, stride 1
assert tuple(model.output.shape) == (None, 8, 8, 1)
a = np.array([[1.0, 0.0], [1.0, 1.0]], "float32")
np.testing.assert_allclose(float(dice_coef(a, a)), 7.0 / 7.0, rtol=1e-6)
print("ok")
"""

TENSORFLOW_K = """
import numpy as np
from keras import backend as K


def f(x):
    one = lambda: K.tf.constant(1.0)
    two = lambda: K.tf.constant(2.0)
    return K.tf.reduce_sum(x) + K.control_flow_ops.cond(K.tf.constant(True), one, two)


assert float(f(np.ones(3, "float32"))) == 4.0
print("ok")
"""

TF2_OPTIMIZER = """
import numpy as np
import tensorflow as tf
import keras

opt = tf.keras.optimizers.legacy.SGD(learning_rate=0.1, decay=0.5)
w = keras.Variable(np.array([1.0], "float32"))
opt.apply_gradients([(keras.ops.convert_to_tensor(np.array([1.0], "float32")), w)])
opt.apply_gradients([(keras.ops.convert_to_tensor(np.array([1.0], "float32")), w)])
# tf.keras 2.x: lr / (1 + decay * k) at steps k = 0, 1
np.testing.assert_allclose(keras.ops.convert_to_numpy(w), [1.0 - 0.1 - 0.1 / 1.5], rtol=1e-6)
print("ok")
"""


def _migrate_and_run(tmp_path: Path, source: str, route: str) -> str:
    path = tmp_path / f"program_{route}.py"
    path.write_text(textwrap.dedent(source).lstrip())
    main([str(path), "--write", "--to", route])
    migrated = path.read_text()
    compile(migrated, str(path), "exec")
    env = {**os.environ, "KERAS_BACKEND": BACKEND, "PYTHONPATH": str(ROOT)}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, f"{migrated}\n--- stderr ---\n{done.stderr[-3000:]}"
    assert done.stdout.strip().endswith("ok")
    return migrated


@pytest.mark.parametrize("route", ["keras_ref", "stock"])
def test_training_script_runs_after_migration(tmp_path: Path, route: str) -> None:
    migrated = _migrate_and_run(tmp_path, TRAINING, route)
    assert "fit_generator" not in migrated and "np_utils" not in migrated


@pytest.mark.parametrize("route", ["keras_ref", "stock"])
def test_unet_style_script_runs_after_migration(tmp_path: Path, route: str) -> None:
    _migrate_and_run(tmp_path, UNET, route)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="K.tf is TensorFlow: tensorflow backend only")
def test_k_tf_and_control_flow_ops_run_after_migration(tmp_path: Path) -> None:
    migrated = _migrate_and_run(tmp_path, TENSORFLOW_K, "keras_ref")
    assert "tf.cond(" in migrated and "K.tf" not in migrated


def _has_tf2() -> bool:
    try:
        import keras_ref.tf2  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _has_tf2(), reason="keras_ref.tf2 (the tf.keras 2.x family) not built")
def test_tf2_optimizer_runs_after_migration(tmp_path: Path) -> None:
    migrated = _migrate_and_run(tmp_path, TF2_OPTIMIZER, "keras_ref")
    assert "keras_ref.tf2.SGD(learning_rate=0.1, decay=0.5)" in migrated
