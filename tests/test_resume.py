"""Save and resume bit-exact, in fresh processes: model.save, ModelCheckpoint, BackupAndRestore.

The parent trains each optimizer (representative config: decay > 0, AMSGrad, clipnorm with
clipvalue, Nadam's m_schedule) for K steps, or 2K uninterrupted; one child process per backend
(same KERAS_BACKEND) loads every saved state with `import keras_ref` and no custom_objects,
trains K more steps and writes weights and optimizer variables back for a bit-exact comparison.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

import keras_ref
from keras_ref.audit import gradient_sequence, initial_params, run_optimizer

CONFIGS = {
    "SGD": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2},
    "RMSprop": {"decay": 1e-3, "clipnorm": 0.5},
    "Adagrad": {"epsilon": 1e-3, "decay": 1e-2, "clipvalue": 0.05},
    "Adadelta": {"decay": 1e-2},
    "Adam": {"amsgrad": True, "decay": 1e-3, "clipnorm": 1.0, "clipvalue": 0.5},
    "Adamax": {"decay": 1e-2, "clipnorm": 0.1, "clipvalue": 0.02},
    "Nadam": {"lr": 0.01, "clipnorm": 0.5, "schedule_decay": 0.05},
}
EPOCH_STEPS = 4  # K: 64 samples in batches of 16, one epoch


def make_model(seed: int = 0) -> keras.Model:
    """Deterministic initial weights (the child process runs this same source)."""
    rng = np.random.default_rng(seed)
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(4, "tanh"), keras.layers.Dense(1)]
    )
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.weights])
    return model


CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    work = Path(sys.argv[1])
    data = np.load(work / "data.npz")
    x, y = data["x"], data["y"]

    for case in json.loads((work / "cases.json").read_text()):
        if case["kind"] == "load":
            model = keras.models.load_model(work / case["file"])  # no custom_objects
        else:  # a fresh model; BackupAndRestore restores weights, optimizer and epoch
            model = make_model(seed=1)
            model.compile(keras_ref.optimizers.get(case["optimizer"]), "mse")
        if case["epochs"]:
            callbacks = []
            if case["kind"] == "backup":
                callbacks.append(keras.callbacks.BackupAndRestore(str(work / case["dir"])))
            model.fit(x, y, batch_size=16, epochs=case["epochs"], shuffle=False, verbose=0,
                      callbacks=callbacks)
        np.savez(work / f"out_{case['id']}.npz", **state(model))
    """
)


def state(model) -> dict[str, np.ndarray]:
    """Weights, optimizer variables (values and names) and the optimizer class, as NumPy."""
    out = {f"w{i}": np.array(w) for i, w in enumerate(model.get_weights())}
    for i, v in enumerate(model.optimizer.variables):
        out[f"o{i}"] = keras.ops.convert_to_numpy(v)
    # slot names without their layer's prefix (layer names count up within a process)
    names = [re.sub(r"^.*_(kernel|bias)_", "", v.name) for v in model.optimizer.variables]
    out["names"] = np.array(names)
    out["class"] = np.array(type(model.optimizer).__name__)
    return out


CHILD = "\n".join(
    ["import re, numpy as np, keras, keras_ref", inspect.getsource(make_model),
     inspect.getsource(state), CHILD]
)  # fmt: skip


class _Interrupt(keras.callbacks.Callback):
    """Raises at the end of the first epoch (after BackupAndRestore, listed first, has saved)."""

    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("simulated interruption")


def optimizer(name: str) -> keras.optimizers.Optimizer:
    return getattr(keras_ref, name)(**CONFIGS[name])


@pytest.fixture(scope="module")
def resumed(tmp_path_factory):
    """Parent runs (uninterrupted 2K steps, interrupted at K), then one child resumes them all."""
    work = tmp_path_factory.mktemp("resume")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 1)) + 0.1).astype("float32")
    np.savez(work / "data.npz", x=x, y=y)
    fit = {"batch_size": 16, "shuffle": False, "verbose": 0}

    uninterrupted, cases = {}, []
    for name in CONFIGS:
        reference = make_model()
        reference.compile(optimizer(name), "mse")
        checkpoint = keras.callbacks.ModelCheckpoint(
            str(work / f"ck_{name}_{{epoch}}.keras"), save_weights_only=False
        )
        reference.fit(x, y, epochs=2, callbacks=[checkpoint], **fit)
        assert int(reference.optimizer.iterations.numpy()) == 2 * EPOCH_STEPS
        uninterrupted[name] = state(reference)

        interrupted = make_model()
        interrupted.compile(optimizer(name), "mse")
        backup = keras.callbacks.BackupAndRestore(str(work / f"backup_{name}"))
        with pytest.raises(RuntimeError, match="simulated interruption"):
            interrupted.fit(x, y, epochs=2, callbacks=[backup, _Interrupt()], **fit)
        assert int(interrupted.optimizer.iterations.numpy()) == EPOCH_STEPS
        interrupted.save(work / f"m_{name}.keras")

        cases += [
            {"id": f"save_{name}", "kind": "load", "file": f"m_{name}.keras", "epochs": 1},
            {"id": f"ck1_{name}", "kind": "load", "file": f"ck_{name}_1.keras", "epochs": 1},
            {"id": f"ck2_{name}", "kind": "load", "file": f"ck_{name}_2.keras", "epochs": 0},
            {
                "id": f"backup_{name}",
                "kind": "backup",
                "dir": f"backup_{name}",
                "optimizer": {"class_name": name, "config": CONFIGS[name]},
                "epochs": 2,
            },
        ]
    (work / "cases.json").write_text(json.dumps(cases))
    env = {**os.environ, "KERAS_BACKEND": keras.backend.backend(), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(work)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return uninterrupted, work


def assert_same_state(got: Path, expected: dict[str, np.ndarray], name: str) -> None:
    with np.load(got) as loaded:
        got_state = {k: loaded[k] for k in loaded.files}
    assert set(got_state) == set(expected), "different weights or optimizer variables"
    for key, value in expected.items():
        np.testing.assert_array_equal(got_state[key], value, err_msg=key)


@pytest.mark.parametrize("name", CONFIGS)
def test_model_save_then_load_in_a_fresh_process_resumes_bit_exact(name, resumed):
    uninterrupted, work = resumed
    assert_same_state(work / f"out_save_{name}.npz", uninterrupted[name], name)


@pytest.mark.parametrize("name", CONFIGS)
def test_model_checkpoint_resumes_bit_exact(name, resumed):
    uninterrupted, work = resumed
    assert_same_state(work / f"out_ck1_{name}.npz", uninterrupted[name], name)
    assert_same_state(work / f"out_ck2_{name}.npz", uninterrupted[name], name)  # last epoch's


@pytest.mark.parametrize("name", CONFIGS)
def test_backup_and_restore_after_an_interruption_resumes_bit_exact(name, resumed):
    uninterrupted, work = resumed
    assert_same_state(work / f"out_backup_{name}.npz", uninterrupted[name], name)


def test_nadam_m_schedule_survives_the_round_trip(resumed):
    """The resumed m_schedule is the product of 2K momentum-cache values, not K (legacy restart)."""
    uninterrupted, work = resumed
    names = list(uninterrupted["Nadam"]["names"])
    (index,) = [i for i, n in enumerate(names) if "m_schedule" in n]
    with np.load(work / "out_save_Nadam.npz") as loaded:
        schedule = float(loaded[f"o{index}"])
    sd = CONFIGS["Nadam"]["schedule_decay"]
    mu = [0.9 * (1 - 0.5 * 0.96 ** (t * sd)) for t in range(1, 2 * EPOCH_STEPS + 1)]
    np.testing.assert_allclose(schedule, np.prod(mu), rtol=1e-6)  # float32 product of 8 factors


@pytest.mark.parametrize("name", CONFIGS)
@pytest.mark.parametrize("route", ["from_config", "keras.optimizers.deserialize"])
def test_config_round_trip_gives_the_identical_trajectory(name, route):
    original = optimizer(name)
    if route == "from_config":
        clone = type(original).from_config(original.get_config())
    else:
        clone = keras.optimizers.deserialize(keras.optimizers.serialize(original))
    assert type(clone) is type(original)
    assert clone.get_config() == original.get_config()
    params, grads = initial_params(), gradient_sequence(steps=12)
    for a, b in zip(
        run_optimizer(original, params, grads), run_optimizer(clone, params, grads), strict=True
    ):
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)
