"""Hostile inputs: NaN/inf gradients propagate as in the legacy formulas; bad variables and flags.

Legacy clipping on non-finite gradients: a NaN global norm never clips (``n >= c`` is False), an
infinite one scales every gradient by ``c / inf = 0`` (so the infinite entry becomes NaN), and
``clip(g, -v, v)`` keeps NaN and maps +-inf to +-v.
"""

from __future__ import annotations

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from keras import ops
from support import BACKEND, requires_float64

import keras_ref
from keras_ref.audit import run_optimizer
from keras_ref.cli import main as cli_main
from keras_ref.reference import optimizers as reference

CLIPPING = {
    "none": {},
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "both": {"clipnorm": 0.5, "clipvalue": 0.3},
}
EXTRA = {"sgd": {"momentum": 0.9, "nesterov": True}, "adam": {"amsgrad": True}}
SHAPES = [(3,), (2, 2)]
# Elementwise relative error of the finite entries against the NumPy reference, measured over
# this grid: float32 <= 9.6e-8 (torch; 0 on tensorflow and jax), float64 <= 1.3e-16 (jax).
RTOL = {"float32": 1e-6, "float64": 1e-13}


def hostile_gradients(kind: str) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Parameters and 4 steps of gradients; step 2 carries the non-finite entry `kind`."""
    rng = np.random.default_rng(0)
    params = [rng.uniform(-1, 1, s) for s in SHAPES]
    grads = [[rng.normal(size=s) for s in SHAPES] for _ in range(4)]
    if kind == "nan":
        grads[1][0][1] = np.nan
    elif kind == "inf":
        grads[1][1][0, 1] = np.inf
    elif kind == "-inf":
        grads[1][0][2] = -np.inf
    if kind == "nan+inf":
        grads[1][0][1], grads[1][1][1, 0] = np.nan, np.inf
    return params, grads


def assert_same_non_finite_pattern(ours, expected, dtype: str) -> None:
    for k, (step_ours, step_expected) in enumerate(zip(ours, expected, strict=True)):
        for i, (a, b) in enumerate(zip(step_ours, step_expected, strict=True)):
            where = f"step {k + 1}, parameter {i}"
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=f"NaN at {where}")
            np.testing.assert_array_equal(np.isposinf(a), np.isposinf(b), err_msg=where)
            np.testing.assert_array_equal(np.isneginf(a), np.isneginf(b), err_msg=where)
            finite = np.isfinite(b)
            np.testing.assert_allclose(a[finite], b[finite], rtol=RTOL[dtype], err_msg=where)


DTYPES = ["float32", pytest.param("float64", marks=requires_float64)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["nan", "inf", "-inf", "nan+inf"])
@pytest.mark.parametrize("clipping", CLIPPING)
@pytest.mark.parametrize("name", list(keras_ref.optimizers.ALL_OPTIMIZERS))
def test_non_finite_gradients_propagate_as_in_the_legacy_formula(name, clipping, kind, dtype):
    params, grads = hostile_gradients(kind)
    config = {**EXTRA.get(name, {}), **CLIPPING[clipping]}
    opt = keras_ref.optimizers.get({"class_name": name, "config": config})
    ours = run_optimizer(opt, params, grads, dtype)
    with np.errstate(all="ignore"):  # the reference computes inf - inf, 0 * inf, ... on purpose
        expected = reference.simulate(name, params, grads, dtype=np.dtype(dtype).type, **config)
    assert_same_non_finite_pattern(ours, expected, dtype)
    assert int(ops.convert_to_numpy(opt.iterations)) == len(grads)
    assert any(not np.isfinite(p).all() for p in ours[-1]) or clipping in ("clipvalue", "both")


@pytest.mark.parametrize("kind", ["nan", "inf", "-inf", "nan+inf"])
def test_sgd_without_momentum_differs_from_legacy_only_after_an_infinite_update(kind):
    """`SGD(momentum=0)` steps ``p - lr*g`` without its moment slot (see `SGD`): NaN as legacy;
    an infinite parameter stays infinite, where legacy's ``0 * m`` makes it NaN one step later."""
    params, grads = hostile_gradients(kind)
    opt = keras_ref.SGD()
    ours = run_optimizer(opt, params, grads, "float32")
    with np.errstate(all="ignore"):
        legacy = reference.simulate("sgd", params, grads, dtype=np.float32)
        stock_rule = [[p.astype("float32") for p in params]]
        for step in grads:
            lr_g = [np.float32(0.01) * g.astype("float32") for g in step]
            stock_rule.append([p - x for p, x in zip(stock_rule[-1], lr_g)])
    assert_same_non_finite_pattern(ours, stock_rule[1:], "float32")
    for a, b in zip(ours[-1], legacy[-1], strict=True):
        finite = np.isfinite(b)
        np.testing.assert_array_equal(a[finite], b[finite])  # bit for bit where legacy is finite
        np.testing.assert_array_equal(np.isnan(b), np.isnan(a) | np.isinf(a))  # NaN or still inf
    assert len(opt.variables) == 2  # iterations and learning_rate: no moments, as stock


def clip(grads, clipnorm, clipvalue) -> list[np.ndarray]:
    out = keras_ref.optimizers.legacy_clip_gradients(grads, clipnorm, clipvalue)
    return [ops.convert_to_numpy(x) for x in out]


def test_legacy_clipnorm_with_a_nan_norm_does_not_clip():
    g = [np.array([np.nan, 3.0, -4.0], "float32"), np.array([[100.0]], "float32")]
    out = keras_ref.optimizers.legacy_clip_gradients(
        [ops.convert_to_tensor(x) for x in g], 1.0, None
    )
    out = [ops.convert_to_numpy(x) for x in out]
    np.testing.assert_array_equal(out[0], g[0])  # NaN stays in its place, the rest unclipped
    np.testing.assert_array_equal(out[1], g[1])


def test_legacy_clipnorm_with_an_infinite_norm_scales_by_zero():
    g = [np.array([np.inf, 3.0, -4.0], "float32"), np.array([[100.0]], "float32")]
    out = keras_ref.optimizers.legacy_clip_gradients(
        [ops.convert_to_tensor(x) for x in g], 1.0, None
    )
    out = [ops.convert_to_numpy(x) for x in out]
    np.testing.assert_array_equal(out[0], [np.nan, 0.0, -0.0])  # inf * (1 / inf) = inf * 0
    np.testing.assert_array_equal(out[1], [[0.0]])
    with np.errstate(all="ignore"):
        expected = reference.clip_gradients(g, 1.0, None, np.float32)
    for a, b in zip(out, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_legacy_clipvalue_keeps_nan_and_bounds_infinities():
    g = np.array([np.nan, np.inf, -np.inf, 0.25, -7.0], "float32")
    (out,) = clip([ops.convert_to_tensor(g)], None, 0.5)
    np.testing.assert_array_equal(out, [np.nan, 0.5, -0.5, 0.25, -0.5])


@pytest.mark.parametrize("name", list(keras_ref.optimizers.ALL_OPTIMIZERS))
def test_fit_on_data_with_a_nan_runs_through(name):
    """A NaN in the data: fit neither hangs nor raises; the loss and the weights become NaN."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    y[5, 0] = np.nan
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    opt = keras_ref.optimizers.get({"class_name": name, "config": {"clipnorm": 1.0}})
    model.compile(opt, "mse")
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert np.isnan(history.history["loss"]).all()
    assert int(ops.convert_to_numpy(opt.iterations)) == 2
    assert np.isnan(ops.convert_to_numpy(model.layers[0].kernel)).all()


# -- variables an optimizer cannot update ------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")  # JAX without x64
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("name", list(keras_ref.optimizers.ALL_OPTIMIZERS))
def test_non_float_variables_are_a_type_error_naming_the_variable(name, dtype):
    opt = keras_ref.optimizers.get(name)
    good = keras.Variable(np.ones(2, "float32"), name="weights_ok")
    bad = keras.Variable(np.zeros(2, dtype), dtype=dtype, trainable=False, name="step_counts")
    grads = [ops.ones(2), ops.ones(2)]
    with pytest.raises(TypeError, match=rf"step_counts.*{dtype}"):
        opt.apply(grads, [good, bad])
    assert not opt.built  # nothing half-built: no slot was created
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]
    opt.apply([ops.ones(2)], [good])  # and the optimizer is still usable
    assert int(ops.convert_to_numpy(opt.iterations)) == 1


# -- the command line --------------------------------------------------------------------------

BAD_FLAGS = [
    (["--steps", "0"], "--steps"),
    (["--steps", "-3"], "--steps"),
    (["--steps", "ten"], "--steps"),
    (["--backend", "foo"], "--backend"),
    (["--dtype", "float16"], "--dtype"),
    (["--device", "tpu"], "--device"),
    (["--bogus"], "--bogus"),
]


@pytest.mark.parametrize(("flags", "named"), BAD_FLAGS)
def test_cli_rejects_bad_flags_in_process(flags, named, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["audit", *flags])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert named in err and "error" in err, err


def test_cli_rejects_bad_flags_with_exit_status_2():
    """`python -m keras_ref audit ...` for real: exit status 2, the flag named on stderr."""
    env = {**os.environ, "KERAS_BACKEND": BACKEND, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cases = {"--steps": ["--steps", "0"], "--backend": ["--backend", "foo"]}
    procs = {
        flag: subprocess.Popen(
            [sys.executable, "-m", "keras_ref", "audit", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag, args in cases.items()
    }  # started together: each pays the interpreter and Keras start-up
    for flag, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (flag, out, err[-2000:])
        assert f"argument {flag}:" in err, err[-2000:]
        assert out == ""
