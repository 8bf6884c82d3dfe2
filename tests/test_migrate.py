"""`keras-ref migrate`: findings, both rewrite routes, the CLI contract and the examples."""

from __future__ import annotations

import importlib.util
import inspect
import runpy
import shutil
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.migrate import knowledge
from keras_ref.migrate import migrate_source as migrate
from keras_ref.migrate.command import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def kinds(result) -> list[list[str]]:
    return [[e.kind for e in f.effects] for f in result.findings]


# -- keras_ref route ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, expected",
    [
        (  # the seed's idiom
            "from keras import optimizers\nsgd = optimizers.SGD(lr=0.01, clipvalue=0.5)\n",
            "import keras_ref\n\nsgd = keras_ref.SGD(lr=0.01, clipvalue=0.5)\n",
        ),
        (
            "from keras.optimizers import Adam\nopt = Adam(lr=1e-3, decay=1e-6)\n",
            "import keras_ref\n\nopt = keras_ref.Adam(lr=1e-3, decay=1e-6)\n",
        ),
        (  # `import keras` stays: it is still used
            "import keras\n\nlayer = keras.layers.Dense(2)\n"
            "opt = keras.optimizers.RMSprop(lr=0.01, epsilon=None)\n",
            "import keras\n\nimport keras_ref\n\nlayer = keras.layers.Dense(2)\n"
            "opt = keras_ref.RMSprop(lr=0.01, epsilon=None)\n",
        ),
        (  # TF2-era tf.keras code: the tf.keras 2.x family
            "from tensorflow.keras.optimizers import SGD\nopt = SGD(lr=0.1, momentum=0.9)\n",
            "import keras_ref.tf2\n\nopt = keras_ref.tf2.SGD(lr=0.1, momentum=0.9)\n",
        ),
        (
            "import keras\nopt = keras.optimizers.get('nadam')\n",
            "import keras_ref\n\nopt = keras_ref.optimizers.get('nadam')\n",
        ),
        (
            "import keras.backend as K\n\n\ndef f(y, p):\n    return K.mean(K.square(p - y))\n",
            "import keras_ref.backend as K\n\n\ndef f(y, p):\n    return K.mean(K.square(p - y))\n",
        ),
        (
            "import numpy as np\nfrom keras.losses import logcosh, mse\n\nvalue = logcosh\n",
            "import numpy as np\n\nfrom keras_ref.losses import logcosh, mse\n\nvalue = logcosh\n",
        ),
        (
            "import keras\n\nloss = keras.losses.cosine_proximity\nmodel = keras.Sequential()\n",
            "import keras\n\nimport keras_ref\n\nloss = keras_ref.losses.cosine_proximity\n"
            "model = keras.Sequential()\n",
        ),
        (
            "import keras\n\nmodel.compile(optimizer='adagrad', loss='logcosh', metrics=['acc'])\n",
            "import keras\n\nimport keras_ref\n\n"
            "keras_ref.compile(model, optimizer='adagrad', loss='logcosh', metrics=['acc'])\n",
        ),
    ],
)
def test_keras_ref_route_rewrites(source, expected):
    result = migrate(source, to="keras_ref")
    assert result.code == expected
    assert result.findings and all(f.status == "rewrite" for f in result.findings)
    assert migrate(result.code, to="keras_ref").findings == []  # idempotent


def test_findings_say_what_keras3_does_with_the_spec_magnitudes():
    source = (
        "from keras import optimizers\n"
        "a = optimizers.RMSprop(lr=0.001, decay=1e-4, epsilon=None)\n"
        "b = optimizers.Nadam(schedule_decay=0.004)\n"
        "c = optimizers.Adagrad()\n"
        "d = optimizers.SGD(0.01, 0.9, 1e-6)\n"
        "e = optimizers.Adam(clipnorm=1.0, clipvalue=0.5)\n"
    )
    result = migrate(source)
    text = "\n".join(f.format("x.py") for f in result.findings)
    assert [f.line for f in result.findings] == [2, 3, 4, 5, 6]
    assert kinds(result)[0] == ["error", "ignored", "error", "numbers"]
    assert "step 0.71x at |g|=1e-3, 0.10x at |g|=1e-4" in text
    assert "mu_100 is 0.892 against 0.457" in text
    assert "10-300x smaller" in text
    assert "positional argument 3 is `decay` in Keras 2 but `nesterov` in Keras 3" in text
    assert "only one of clipnorm, clipvalue and global_clipnorm" in text
    assert "x.py:2:5: optimizers.RMSprop(lr=0.001, decay=1e-4, epsilon=None)" in text


def test_compile_positional_order_sample_weights_and_metrics():
    source = (
        "import keras\n\n\ndef mean_pred(y_true, y_pred):\n    return y_pred\n\n\n"
        "model.compile('sgd', 'hinge', ['accuracy', mean_pred], sample_weight_mode=None)\n"
        "model.fit(x, y, sample_weight=w)\n"
    )
    result = migrate(source)
    (finding,) = result.findings
    texts = [e.text for e in finding.effects]
    assert any("3rd positional argument of Keras 3 compile is `loss_weights`" in t for t in texts)
    assert any("maps {0,1} labels to {-1,1}" in t and "0.51" in t for t in texts)
    assert any("divides the weighted loss sum by N" in t for t in texts)
    assert any("key is `accuracy` in Keras 3" in t for t in texts)
    assert any("averages a scalar-valued metric function" in t for t in texts)
    assert "keras_ref.compile(model, 'sgd', 'hinge', ['accuracy', mean_pred]" in result.code
    untouched = "import re\npattern = re.compile('a+')\nimport keras\n"
    assert migrate(untouched).findings == []


# -- stock route ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, expected",
    [
        (
            "optimizers.SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)",
            "optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, 1, "
            "1e-6), momentum=0.9, nesterov=True)",
        ),
        ("optimizers.SGD(0.1, 0.9, 0.01)", "optimizers.SGD(learning_rate=keras.optimizers."
         "schedules.InverseTimeDecay(0.1, 1, 0.01), momentum=0.9)"),
        ("optimizers.Adamax()", "optimizers.Adamax(learning_rate=0.002)"),
        ("optimizers.Adadelta(decay=0.01)", "optimizers.Adadelta(learning_rate=keras.optimizers."
         "schedules.InverseTimeDecay(1.0, 1, 0.01))"),
        ("optimizers.Adam(lr=0.001, clipnorm=1.0, epsilon=None)",
         "optimizers.Adam(learning_rate=0.001, global_clipnorm=1.0)"),
        ("optimizers.RMSprop(lr=0.01, epsilon=0)", "optimizers.RMSprop(learning_rate=0.01, "
         "epsilon=0)"),
        ("optimizers.Adagrad(epsilon=0.0)", "optimizers.Adagrad(learning_rate=0.01, epsilon=0.0, "
         "initial_accumulator_value=0.0)"),
        ("optimizers.Nadam(schedule_decay=1.0)", "optimizers.Nadam(learning_rate=0.002)"),
        ("optimizers.sgd(lr=0.1)", "optimizers.SGD(learning_rate=0.1)"),
    ],
)  # fmt: skip
def test_stock_route_exact_equivalents(call, expected):
    source = f"import keras\nfrom keras import optimizers\n\nopt = {call}\n"
    result = migrate(source, to="stock")
    assert result.code == f"import keras\nfrom keras import optimizers\n\nopt = {expected}\n"
    assert [f.status for f in result.findings] == ["rewrite"]
    again = [f for f in migrate(result.code, to="stock").findings if f.needs_attention]
    if "Nadam" in call:  # Keras 3 Nadam code reads as a Keras 2 Nadam with schedule_decay=0.004
        assert [f.status for f in again] == ["flag"]
    else:
        assert again == []


@pytest.mark.parametrize(
    "call, reason",
    [
        ("optimizers.RMSprop(lr=0.001)", "RMSprop equals the Keras 2 one only with epsilon=0"),
        ("optimizers.Adagrad(lr=0.01, epsilon=1e-7)", "only with epsilon=0"),
        ("optimizers.Nadam()", "Nadam is the Keras 2 one with schedule_decay=1"),
        ("optimizers.Adam(clipnorm=1.0, clipvalue=0.5)", "allows one clipping option"),
    ],
)
def test_stock_route_flags_where_no_equivalent_exists(call, reason):
    source = f"from keras import optimizers\n\nopt = {call}\n"
    result = migrate(source, to="stock")
    assert result.code == source  # flagged, not rewritten
    (finding,) = result.findings
    assert finding.status == "flag" and reason in finding.fix and finding.needs_attention


def test_stock_route_compile_losses_metrics_and_weights():
    source = (
        "import keras\n\n"
        "model.compile(optimizer='adamax', loss='logcosh', metrics=['accuracy'])\n"
        "other.compile('adagrad', loss='binary_crossentropy', metrics=['acc'])\n"
        "third.compile('sgd', loss='hinge')\n"
        "third.fit(x, y, sample_weight=w)\n"
    )
    result = migrate(source, to="stock")
    assert (
        "model.compile(optimizer=keras.optimizers.Adamax(learning_rate=0.002), loss='log_cosh', "
        "metrics=['acc'])" in result.code
    )
    assert (
        "other.compile('adagrad', loss='binary_crossentropy', "
        'metrics=[keras.metrics.BinaryAccuracy(name="acc")])' in result.code
    )
    assert "third.compile('sgd', loss='hinge')" in result.code
    flagged = [f for f in result.findings if f.status == "flag"]
    reasons = " ".join(f.fix for f in flagged)
    assert "no stock equivalent for `hinge`" in reasons
    assert "reduction of weighted losses has no stock equivalent" in reasons
    assert "Adagrad equals the Keras 2 one only with epsilon=0" in reasons


def test_stock_route_backend_functions():
    source = (
        "from keras import backend as K\n\n\n"
        "def f(y, p):\n"
        "    a = K.argmax(p)\n"
        "    b = K.sqrt(K.mean(p))\n"
        "    c = K.switch(a > 0, p, y)\n"
        "    return K.epsilon() + a + b + c\n"
    )
    result = migrate(source, to="stock")
    assert "import keras\nfrom keras import backend as K\n" in result.code  # K still used
    assert "a = keras.ops.argmax(p, axis=-1)" in result.code
    assert "b = keras.ops.sqrt(keras.ops.maximum(keras.ops.mean(p), 0.0))" in result.code
    assert "c = K.switch(a > 0, p, y)" in result.code
    assert "K.epsilon()" in result.code  # Keras 3 still has keras.backend.epsilon
    (flag,) = [f for f in result.findings if f.status == "flag"]
    assert "leading axes" in flag.fix
    with_epsilon = "import keras\n\nkeras.backend.set_epsilon(1e-4)\nopt = keras.optimizers.Adam(epsilon=None)\n"  # noqa: E501
    assert "Adam(epsilon=keras.config.epsilon())" in migrate(with_epsilon, to="stock").code


def test_stock_rewrites_compute_the_legacy_numbers():
    """The rewritten stock optimizers follow keras_ref's Keras 2 optimizers step for step."""
    cases = {
        "SGD(lr=0.05, decay=0.1, momentum=0.9)": "keras_ref.SGD(lr=0.05, decay=0.1, momentum=0.9)",
        "Adamax()": "keras_ref.Adamax()",
        "Adadelta(decay=0.01)": "keras_ref.Adadelta(decay=0.01)",
        "Adam(lr=0.01, clipnorm=0.5)": "keras_ref.Adam(lr=0.01, clipnorm=0.5)",
        "Nadam(schedule_decay=1)": "keras_ref.Nadam(schedule_decay=1)",
    }
    rng = np.random.default_rng(0)
    initial = [
        rng.standard_normal((3, 2)).astype("float32"),
        rng.standard_normal(2).astype("float32"),
    ]
    grads = [[rng.standard_normal(w.shape).astype("float32") for w in initial] for _ in range(5)]
    for legacy_call, keras_ref_call in cases.items():
        source = f"import keras\nfrom keras import optimizers\n\nopt = optimizers.{legacy_call}\n"
        rewritten = migrate(source, to="stock").code
        namespace: dict = {}
        exec(rewritten, namespace)  # the stock Keras 3 optimizer the route produced
        stock, legacy = namespace["opt"], eval(keras_ref_call)
        assert type(stock).__module__.startswith("keras.")
        results = []
        for optimizer in (stock, legacy):
            variables = [keras.Variable(w) for w in initial]
            for step in grads:
                optimizer.apply_gradients(
                    zip([keras.ops.convert_to_tensor(g) for g in step], variables)
                )
            results.append([keras.ops.convert_to_numpy(v) for v in variables])
        for a, b in zip(*results):
            # 3e-6: float32 rounding of the two formulations (SGD's decayed rate, Adam's 1 - beta);
            # measured <= 1.8e-6 relative on all three backends (0 for Adamax, Adadelta).
            np.testing.assert_allclose(a, b, rtol=3e-6, err_msg=legacy_call)


# -- formatting, parse errors and the command line ------------------------------------------------
def test_comments_and_formatting_are_kept():
    source = (
        "# training setup\n"
        "from keras import optimizers  # Keras 2\n\n"
        "opt = optimizers.SGD(\n"
        "    lr=0.01,      # the learning rate\n"
        "    momentum=0.9,  # heavy ball\n"
        ")\n"
        "x = {'a':1}   # untouched spacing\n"
    )
    assert migrate(source).code == (
        "# training setup\n"
        "import keras_ref\n\n"
        "opt = keras_ref.SGD(\n"
        "    lr=0.01,      # the learning rate\n"
        "    momentum=0.9,  # heavy ball\n"
        ")\n"
        "x = {'a':1}   # untouched spacing\n"
    )
    stock = migrate(source, to="stock").code
    assert "    learning_rate=0.01,      # the learning rate\n" in stock
    assert "from keras import optimizers  # Keras 2\n" in stock


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_command_exit_status_diff_write_and_unparsable(tmp_path, capsys):
    legacy = write(
        tmp_path, "train.py", "from keras import optimizers\nopt = optimizers.SGD(lr=0.1)\n"
    )
    clean = write(tmp_path, "clean.py", "import keras\nopt = keras.optimizers.SGD(0.1)\n")
    broken = write(tmp_path, "broken.py", "def f(:\n    pass\n")
    broken_text = broken.read_text()

    assert main([str(clean)]) == 0
    assert "0 findings in 1 file" in capsys.readouterr().out

    assert main([str(legacy), "--diff"]) == 1
    out = capsys.readouterr().out
    assert f"{legacy}:2:7: optimizers.SGD(lr=0.1)" in out
    assert f"--- a/{legacy}\n+++ b/{legacy}\n" in out
    assert "-opt = optimizers.SGD(lr=0.1)\n" in out and "+opt = keras_ref.SGD(lr=0.1)\n" in out
    assert legacy.read_text().endswith("optimizers.SGD(lr=0.1)\n")  # --diff does not write

    assert main([str(tmp_path), "--write"]) == 1  # the broken file still needs attention
    out = capsys.readouterr().out
    assert f"{broken}: cannot parse, left untouched" in out
    assert "1 file could not be parsed" in out and "1 file written" in out
    assert broken.read_text() == broken_text
    assert legacy.read_text() == "import keras_ref\n\nopt = keras_ref.SGD(lr=0.1)\n"
    assert main([str(legacy)]) == 0

    assert main([str(tmp_path / "missing.py")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main([str(clean), "--to", "tensorflow"])
    assert usage.value.code == 2


def test_line_endings_are_kept(tmp_path, capsys):
    path = tmp_path / "crlf.py"
    path.write_bytes(b"from keras import optimizers\r\nopt = optimizers.Adam(lr=0.1)\r\n")
    assert main([str(path), "--write"]) == 0
    assert path.read_bytes() == b"import keras_ref\r\n\r\nopt = keras_ref.Adam(lr=0.1)\r\n"
    capsys.readouterr()


def test_stock_flags_keep_exit_status_one_after_write(tmp_path, capsys):
    path = write(
        tmp_path, "rms.py", "from keras import optimizers\nopt = optimizers.RMSprop(lr=0.01)\n"
    )
    assert main([str(path), "--to", "stock", "--write"]) == 1
    assert "1 to fix by hand" in capsys.readouterr().out
    assert "RMSprop(lr=0.01)" in path.read_text()


# -- the examples ---------------------------------------------------------------------------------
def test_migrating_the_legacy_example_reproduces_migrated_training(tmp_path, capsys):
    copy = tmp_path / "migrated_training.py"
    shutil.copy(EXAMPLES / "legacy_keras2_training.py", copy)
    assert main([str(copy), "--write"]) == 0
    assert copy.read_text() == (EXAMPLES / "migrated_training.py").read_text()
    assert main([str(EXAMPLES / "migrated_training.py")]) == 0  # nothing left to do
    capsys.readouterr()


def test_the_migrated_example_trains_under_keras3():
    namespace = runpy.run_path(str(EXAMPLES / "migrated_training.py"), run_name="example")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Keras 3 on Dense(input_dim=...)
        history = namespace["main"](epochs=2, samples=70)
    logs = history.history
    assert set(logs) == {"loss", "acc", "mean_pred"} and len(logs["loss"]) == 2
    assert isinstance(history.model.optimizer, keras_ref.SGD)
    assert history.model.optimizer.clipvalue == 0.5


@pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None or importlib.util.find_spec("matplotlib") is None,
    reason="the digits example needs scikit-learn and matplotlib (pip install keras-ref[examples])",
)
def test_digits_comparison_example_writes_its_plot(tmp_path, capsys):
    namespace = runpy.run_path(str(EXAMPLES / "compare_legacy_vs_stock_digits.py"), run_name="ex")
    plot = tmp_path / "digits.png"
    namespace["main"]([str(plot), "--epochs", "1", "--only", "adamax"])
    out = capsys.readouterr().out
    assert plot.stat().st_size > 1000
    assert "adamax     stock equivalent" in out and f"plot written to {plot}" in out


# -- the facts the messages rely on, in this Keras ------------------------------------------------
def test_the_claims_hold_in_this_keras():
    assert set(keras_ref.backend.__all__) == knowledge.KERAS_REF_BACKEND
    public = {n for n in dir(keras.backend) if not n.startswith("_")}
    assert public == knowledge.KERAS3_BACKEND
    assert all(hasattr(keras.ops, n) for n in knowledge.KERAS_OPS)
    assert all(hasattr(keras.ops, n) for n in knowledge.STOCK_OPS.values())
    assert not any(hasattr(keras.losses, n) for n in knowledge.REMOVED_LOSS_ATTRIBUTES)
    assert all(hasattr(keras.losses, n) for n in knowledge.REMOVED_LOSS_ATTRIBUTES.values())
    for name in knowledge.REMOVED_LOSSES:
        with pytest.raises(ValueError):
            keras.losses.get(name)
    compile_parameters = list(inspect.signature(keras.Model.compile).parameters)[1:6]
    assert tuple(compile_parameters) == knowledge.STOCK_COMPILE
    for name, info in knowledge.OPTIMIZERS.items():
        stock = getattr(keras.optimizers, name)
        parameters = inspect.signature(stock.__init__).parameters
        assert tuple(list(parameters)[1 : 1 + len(info.stock_positional)]) == info.stock_positional
        assert parameters["learning_rate"].default == info.stock_default_lr
        legacy = getattr(keras_ref, name)
        assert tuple(list(inspect.signature(legacy.__init__).parameters)[1:-1]) == info.positional
        assert legacy.default_lr == info.default_lr
    with pytest.raises(ValueError, match="not recognized"):
        keras.optimizers.SGD(lr=0.01)
    with pytest.warns(UserWarning, match="decay"):
        keras.optimizers.Adam(decay=0.1)
    with pytest.raises(ValueError, match="Only one of"):
        keras.optimizers.Adam(clipnorm=1.0, clipvalue=0.5)
