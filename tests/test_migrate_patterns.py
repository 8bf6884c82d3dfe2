# ruff: noqa: E501  (PATTERNS holds whole programs, one string each)
"""Each legacy pattern `keras-ref migrate` knows, on a small synthetic program: the rewrite it
makes (exact text) and whether it rewrites or only reports (issue 16); the facts table checked
against the installed Keras; encodings kept on --write."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
from pathlib import Path

import pytest

from keras_ref import legacy_facts as facts
from keras_ref.migrate import migrate_source
from keras_ref.migrate.command import main
from keras_ref.migrate.table import page

ROOT = Path(__file__).resolve().parents[1]

REWRITE, FLAG = "rewrite", "flag"

PATTERNS = [
    pytest.param(
        "keras_ref",
        "from keras.optimizers import *\nopt = Adam(lr=0.1)\n",
        "from keras.optimizers import *\n\nimport keras_ref\n\nopt = keras_ref.Adam(lr=0.1)\n",
        ["rewrite"],
        id="star_import",
    ),
    pytest.param(
        "stock",
        "from keras.optimizers import *\nopt = Adam(lr=0.1, decay=0.01)\n",
        "import keras\nfrom keras.optimizers import *\nopt = Adam(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.01))\n",
        ["rewrite"],
        id="star_import_stock",
    ),
    pytest.param(
        "stock",
        "import keras.backend as K\ny = K.tf.reduce_sum(K.tf.ones(3))\n",
        "import tensorflow as tf\ny = tf.reduce_sum(tf.ones(3))\n",
        ["rewrite", "rewrite"],
        id="backend_tf",
    ),
    pytest.param(
        "keras_ref",
        "import tensorflow as tf\nfrom keras import backend as K\nz = K.control_flow_ops.cond(tf.constant(True), lambda: 1, lambda: 2)\n",
        "import tensorflow as tf\nz = tf.cond(tf.constant(True), lambda: 1, lambda: 2)\n",
        ["rewrite"],
        id="control_flow",
    ),
    pytest.param(
        "stock",
        "from keras import backend as K\nz = K.control_flow_ops.with_dependencies([a], b)\n",
        "from keras import backend as K\nz = K.control_flow_ops.with_dependencies([a], b)\n",
        ["flag"],
        id="control_flow_other",
    ),
    pytest.param(
        "stock",
        "from keras import backend as keras\n\n\ndef f(a):\n    return keras.sum(keras.flatten(a)) + keras.epsilon()\n",
        "import keras as keras3\nfrom keras import backend as keras\n\n\ndef f(a):\n    return keras3.ops.sum(keras3.ops.reshape(a, (-1,))) + keras.epsilon()\n",
        ["rewrite", "rewrite"],
        id="rebound_keras",
    ),
    pytest.param(
        "stock",
        "from keras import backend as K\na = K.variable([[1.0, 2.0]])\nb = K.logsumexp(a, axis=1)\nc = K.permute_dimensions(a, (1, 0))\nd = K.gather(a, [0])\ne = K.random_normal((2,), 0.0, 1.0, seed=1)\nf = K.random_uniform(shape=(2,), minval=-1)\ng = K.dtype(a)\nh = K.image_dim_ordering()\ni = K.concatenate([a, a])\n",
        'import keras\na = keras.Variable([[1.0, 2.0]], dtype=keras.config.floatx())\nb = keras.ops.logsumexp(a, axis=1)\nc = keras.ops.transpose(a, (1, 0))\nd = keras.ops.take(a, [0], axis=0)\ne = keras.random.normal((2,), 0.0, 1.0, seed=1)\nf = keras.random.uniform(shape=(2,), minval=-1)\ng = keras.backend.standardize_dtype(a.dtype)\nh = ("th" if keras.config.image_data_format() == "channels_first" else "tf")\ni = keras.ops.concatenate([a, a], axis=-1)\n',
        [
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
            "rewrite",
        ],
        id="counterparts",
    ),
    pytest.param(
        "keras_ref",
        "from keras import backend as K\n\n\ndef loss(y, p):\n    return K.mean(K.logsumexp(p, axis=-1))\n",
        "import keras\nfrom keras_ref import backend as K\n\n\ndef loss(y, p):\n    return K.mean(keras.ops.logsumexp(p, axis=-1))\n",
        ["rewrite", "rewrite"],
        id="counterpart_keras_ref",
    ),
    pytest.param(
        "stock",
        "from keras import backend as K\nf = K.function([x], [y])\nb = K.random_binomial((2,), p=0.5)\n",
        "from keras import backend as K\nf = K.function([x], [y])\nb = K.random_binomial((2,), p=0.5)\n",
        ["flag", "flag"],
        id="by_hand",
    ),
    pytest.param(
        "stock",
        "def run(model, gen):\n    import keras\n    model.fit_generator(gen, 10, epochs=2, workers=4, use_multiprocessing=True)\n    model.evaluate_generator(gen, steps=3)\n    return model.predict_generator(gen, 3)\n",
        "def run(model, gen):\n    import keras\n    model.fit(gen, steps_per_epoch=10, epochs=2)\n    model.evaluate(gen, steps=3, verbose=0)\n    return model.predict(gen, steps=3, verbose=0)\n",
        ["rewrite", "rewrite", "rewrite"],
        id="generators",
    ),
    pytest.param(
        "stock",
        "import keras\nmodel = keras.Sequential()\nmodel.fit(x, y, nb_epoch=3, batch_size=2)\n",
        "import keras\nmodel = keras.Sequential()\nmodel.fit(x, y, epochs=3, batch_size=2)\n",
        ["rewrite"],
        id="nb_epoch",
    ),
    pytest.param(
        "stock",
        "import keras\nmodel = keras.Sequential()\nmodel.fit_generator(g, samples_per_epoch=100, nb_epoch=2)\n",
        "import keras\nmodel = keras.Sequential()\nmodel.fit_generator(g, samples_per_epoch=100, nb_epoch=2)\n",
        ["flag"],
        id="samples_per_epoch",
    ),
    pytest.param(
        "stock",
        "from keras.models import Model\nm = Model(input=a, output=b)\n",
        "from keras.models import Model\nm = Model(inputs=a, outputs=b)\n",
        ["rewrite"],
        id="model_keywords",
    ),
    pytest.param(
        "stock",
        "from keras.layers.core import Dense, Dropout\nfrom keras.layers.convolutional import Conv2D\nfrom keras.layers.recurrent import LSTM\nfrom keras.layers.normalization import BatchNormalization\nfrom keras.utils.np_utils import to_categorical\n",
        "from keras.layers import Dense, Dropout\nfrom keras.layers import Conv2D\nfrom keras.layers import LSTM\nfrom keras.layers import BatchNormalization\nfrom keras.utils import to_categorical\n",
        ["rewrite", "rewrite", "rewrite", "rewrite", "rewrite"],
        id="submodules",
    ),
    pytest.param(
        "keras_ref",
        "from keras.engine import Layer, InputSpec\nfrom keras.preprocessing.image import ImageDataGenerator\nimport keras\n\ng = keras.preprocessing.text.Tokenizer()\n",
        "from keras.layers import Layer, InputSpec\nfrom keras.preprocessing.image import ImageDataGenerator\nimport keras\n\ng = keras.preprocessing.text.Tokenizer()\n",
        ["rewrite", "flag", "flag"],
        id="removed_apis",
    ),
    pytest.param(
        "stock",
        "from keras.layers.core import Dense, MaxoutDense\n",
        "from keras.layers.core import Dense, MaxoutDense\n",
        ["flag"],
        id="submodule_gone",
    ),
    pytest.param(
        "stock",
        "from keras.utils import np_utils\ny = np_utils.to_categorical([0, 1], 2)\n",
        "import keras\ny = keras.utils.to_categorical([0, 1], 2)\n",
        ["rewrite"],
        id="np_utils",
    ),
    pytest.param(
        "stock",
        "from keras.layers import Dense, Conv2D\nd = Dense(output_dim=3, init='zeros', W_regularizer=None, b_regularizer=None, bias=True)\nc = Conv2D(8, 3, 3, border_mode='same', subsample=(2, 2), dim_ordering='tf')\n",
        "from keras.layers import Dense, Conv2D\nd = Dense(units=3, kernel_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, use_bias=True)\nc = Conv2D(8, (3, 3), padding='same', strides=(2, 2), data_format='channels_last')\n",
        ["rewrite", "rewrite"],
        id="keras1_args",
    ),
    pytest.param(
        "stock",
        "from keras.layers import Convolution2D\nc = Convolution2D(8, nb_row=3, nb_col=3)\n",
        "from keras.layers import Convolution2D\nc = Convolution2D(8, nb_row=3, nb_col=3)\n",
        ["flag"],
        id="keras1_by_hand",
    ),
    pytest.param(
        "stock",
        "from keras.layers import Conv2D\nc = Conv2D(8, k, k)\n",
        "from keras.layers import Conv2D\nc = Conv2D(8, k, k)\n",
        ["flag"],
        id="conv_unknown",
    ),
    pytest.param(
        "stock",
        "from keras.layers import Conv2D\nc = Conv2D(8, (3, 3), (1, 1))\n",
        "from keras.layers import Conv2D\nc = Conv2D(8, (3, 3), (1, 1))\n",
        [],
        id="conv_tuples",
    ),
    pytest.param(
        "keras_ref",
        "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.Adam(learning_rate=0.01)\n",
        "import keras_ref.tf2\n\nopt = keras_ref.tf2.Adam(learning_rate=0.01)\n",
        ["rewrite"],
        id="tf2_legacy",
    ),
    pytest.param(
        "keras_ref",
        "from tensorflow.keras.optimizers import RMSprop\nopt = RMSprop(lr=0.01, decay=1e-4)\n",
        "import keras_ref.tf2\n\nopt = keras_ref.tf2.RMSprop(lr=0.01, decay=1e-4)\n",
        ["rewrite"],
        id="tf2_decay",
    ),
    pytest.param(
        "keras_ref",
        "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(0.01)\n",
        "import tensorflow as tf\nopt = tf.keras.optimizers.Adam(0.01)\n",
        [],
        id="tf2_plain",
    ),
    pytest.param(
        "stock",
        "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.SGD(lr=0.1, decay=0.01, momentum=0.9)\n",
        "import keras\nopt = keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.01), momentum=0.9)\n",
        ["rewrite"],
        id="tf2_stock",
    ),
    pytest.param(
        "stock",
        "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.Nadam(lr=0.1)\n",
        "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.Nadam(lr=0.1)\n",
        ["flag"],
        id="tf2_stock_flag",
    ),
]


@pytest.mark.parametrize(("route", "source", "expected", "statuses"), PATTERNS)
def test_pattern(route: str, source: str, expected: str, statuses: list[str]) -> None:
    result = migrate_source(source, to=route)
    assert result.code == expected
    assert [f.status for f in result.findings] == statuses
    compile(result.code, "<migrated>", "exec")
    again = migrate_source(result.code, to=route)
    assert again.code == result.code  # idempotent


def test_every_finding_names_its_line_and_a_fix() -> None:
    source = "from keras import backend as K\n\nf = K.function([x], [y])\n"
    (finding,) = migrate_source(source, to="stock").findings
    assert (finding.line, finding.column) == (3, 5)
    assert finding.status == FLAG and "keras.Model" in finding.fix


def test_star_import_rewrites_to_keras_ref_keep_the_import() -> None:
    result = migrate_source("from keras.optimizers import *\nopt = Adamax()\n")
    assert "opt = keras_ref.Adamax()" in result.code
    assert "from keras.optimizers import *" in result.code


def test_a_name_the_module_defines_is_not_taken_for_a_star_import() -> None:
    source = "from keras.optimizers import *\n\n\ndef Adam(lr):\n    return lr\n\n\nAdam(lr=1)\n"
    assert migrate_source(source).code == source


def test_keras_ref_route_keeps_keras_rebinding_apart() -> None:
    source = "from keras import backend as keras\n\nz = keras.logsumexp(keras.mean(x))\n"
    code = migrate_source(source, to="keras_ref").code
    assert "keras3.ops.logsumexp(" in code and "import keras as keras3" in code


def test_bom_is_kept_on_write(tmp_path, capsys) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbffrom keras.optimizers import *\r\nopt = Adam(lr=0.1)\r\n")
    assert main([str(path), "--write"]) == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"keras_ref.Adam(lr=0.1)\r\n" in data
    assert data.count(b"\xef\xbb\xbf") == 1


def test_latin1_file_with_coding_line_is_read_and_written_back(tmp_path, capsys) -> None:
    path = tmp_path / "latin.py"
    text = "# -*- coding: latin-1 -*-\n# caf\xe9\nfrom keras import optimizers\n"
    path.write_bytes((text + "opt = optimizers.SGD(lr=0.1)\n").encode("latin-1"))
    assert main([str(path), "--write"]) == 0
    assert "cannot parse" not in capsys.readouterr().out
    written = path.read_bytes().decode("latin-1")
    assert written.startswith("# -*- coding: latin-1 -*-\n# caf\xe9\n")
    assert "keras_ref.SGD(lr=0.1)" in written


def test_undecodable_file_is_reported_not_raised(tmp_path, capsys) -> None:
    path = tmp_path / "bad.py"
    path.write_bytes(b"x = '\xff\xfe'\n")
    assert main([str(path)]) == 1
    assert f"{path}: cannot parse" in capsys.readouterr().out


def test_docs_table_is_the_facts_table() -> None:
    """docs/migration.md is generated from keras_ref/legacy_facts.py (keras_ref.migrate.table)."""
    assert (ROOT / "docs" / "migration.md").read_text(encoding="utf-8") == page()


def test_migrate_imports_no_backend() -> None:
    code = (
        "import sys, keras_ref.migrate.command, keras_ref.migrate.table\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'keras', 'tensorflow', 'jax', 'torch'})\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


# -- the facts table against the installed Keras ---------------------------------------------------
keras = pytest.importorskip("keras")


def _resolve(path: str):
    obj = keras
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", sorted(facts.BACKEND_COUNTERPARTS))
def test_backend_counterparts_name_real_parameters(name: str) -> None:
    counterpart = facts.BACKEND_COUNTERPARTS[name]
    assert not hasattr(keras.backend, name)  # Keras 3 removed it
    if counterpart.template:
        return
    parameters = inspect.signature(_resolve(counterpart.target)).parameters
    for _, target in counterpart.params:
        assert target is None or target in parameters, (name, target)
    assert (
        list(counterpart.positional)
        == [p for p in parameters if p != "self"][: len(counterpart.positional)]
    )


def test_moved_module_names_exist_in_keras() -> None:
    for module, names in facts.KERAS3_MODULE_NAMES.items():
        missing = [n for n in names if not hasattr(_resolve(module), n)]
        assert not missing, (module, missing)


def test_generator_methods_map_to_keras3_methods() -> None:
    for method in facts.GENERATOR_METHODS.values():
        assert not hasattr(keras.Model, method.legacy)
        parameters = inspect.signature(getattr(keras.Model, method.stock)).parameters
        kept = [p for p in method.positional[1:] if p not in facts.WORKER_ARGUMENTS]
        assert all(p in parameters for p in kept), method.legacy


def test_keras1_keywords_are_keras3_layer_keywords() -> None:
    dense = inspect.signature(keras.layers.Dense).parameters
    conv = inspect.signature(keras.layers.Conv2D).parameters
    lstm = inspect.signature(keras.layers.LSTM).parameters
    every = (
        set(dense) | set(conv) | set(lstm) | set(inspect.signature(keras.layers.Conv1D).parameters)
    )
    every |= set(inspect.signature(keras.layers.MaxPooling1D).parameters)
    assert set(facts.KERAS1_KEYWORDS.values()) <= every


def test_tf2_positional_orders_are_keras3_orders() -> None:
    for name, order in facts.TF2_OPTIMIZERS.items():
        parameters = list(inspect.signature(getattr(keras.optimizers, name)).parameters)
        assert (
            parameters[: len(order) - (name == "Ftrl") * 2 - 1]
            == [p for p in order if p != "name"][: len(order) - (name == "Ftrl") * 2 - 1]
        ), name


def test_migrating_prints_only_the_report(tmp_path) -> None:
    path = tmp_path / "m.py"
    path.write_text("from keras import backend as K\ny = K.gather(x, [0])\n")
    out = io.StringIO()
    import argparse

    from keras_ref.migrate.command import add_arguments, run

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args([str(path)]), out=out) == 1
    assert out.getvalue().startswith(f"{path}:2:5: K.gather(x, [0])")
