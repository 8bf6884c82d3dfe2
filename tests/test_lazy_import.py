"""`import keras_ref` imports no backend; names load on use; saved models load without help."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from support import BACKEND

import keras_ref

HEAVY = ("keras", "tensorflow", "jax", "torch")


def python(code: str, **env: str) -> str:
    """Run `code` in a fresh interpreter from the repository root; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_package_migrate_and_cli_help_import_no_backend():
    out = python(
        f"""
        import contextlib, io, sys
        import keras_ref, keras_ref.migrate
        from keras_ref.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main(["--help"])
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


def test_names_load_on_first_use_and_are_listed():
    assert keras_ref.Nadam is keras_ref.optimizers.Nadam
    assert keras_ref.load_legacy_h5 is keras_ref.legacy_h5.load_model
    assert {"Nadam", "losses", "compile", "load_model"} <= set(dir(keras_ref))
    assert set(keras_ref.__all__) <= set(dir(keras_ref))
    try:
        keras_ref.Nadamm  # noqa: B018
    except AttributeError as error:
        assert "Nadamm" in str(error)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_import_on_jax_never_imports_tensorflow():
    out = python(
        """
        import sys
        import keras_ref
        keras_ref.Nadam, keras_ref.losses, keras_ref.metrics, keras_ref.compile
        print("tensorflow" in sys.modules)
        """,
        KERAS_BACKEND="jax",
    )
    assert out.strip() == "False"


@pytest.mark.parametrize("family", ["keras2", "tf2"])
def test_saved_model_loads_in_a_fresh_process_without_custom_objects(tmp_path, family):
    """Both import orders: keras_ref before Keras (import hook) and after (registered at once);
    both families' optimizers (`keras_ref>Nadam`, `keras_ref.tf2>Nadam`)."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    optimizer = keras_ref.Nadam(lr=0.01) if family == "keras2" else keras_ref.tf2.Nadam(0.01)
    keras_ref.compile(model, optimizer, "logcosh", metrics=["mae"])
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.fit(x, y, epochs=1, verbose=0)  # builds the optimizer, so its state is saved
    path = tmp_path / "m.keras"
    model.save(path)
    for imports in ("import keras_ref; import keras", "import keras; import keras_ref"):
        out = python(
            f"""
            {imports}
            model = keras.models.load_model({str(path)!r})
            print(type(model.optimizer).__module__, type(model.loss).__module__)
            """,
            KERAS_BACKEND=BACKEND,
        )
        module = (
            "keras_ref.optimizers.nadam" if family == "keras2" else "keras_ref.tf2.optimizers.nadam"
        )
        assert out.split() == [module, "keras_ref.losses.classes"], out
