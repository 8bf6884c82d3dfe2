"""torch: the foreach executor computes exactly the generic executor's numbers, from one rule.

Every configuration of the audit's grid (Keras 2.2.4) and of the tf.keras 2.x parity grid,
float32 and float64, 60 (2.2.4) or 40 (tf2) steps: bit-identical trajectories (and therefore the
same audit rows, which run the fast path on torch). Also with blocks of 8
elements in pieces of 4, so that the audit's small tensors are cut, packed and updated by
several threads as large ones are on CPU (`_blocks`, `_in_threads`).
"""

from __future__ import annotations

import os
import warnings

import keras
import numpy as np
import pytest
from parity_support import BACKEND, dtype_params
from test_tf2_optimizers import CASES as TF2_CASES
from test_tf2_optimizers import GRADS as TF2_GRADS
from test_tf2_optimizers import GRID as TF2_GRID
from test_tf2_optimizers import INIT as TF2_INIT
from test_tf2_optimizers import _build as build_tf2
from test_tf2_optimizers import _case_id as tf2_case_id

import keras_ref.tf2 as tf2
from keras_ref import optimizers
from keras_ref.audit import run_optimizer
from keras_ref.audit.grid import OPTIMIZER_GRID

pytestmark = pytest.mark.skipif(BACKEND != "torch", reason="the multi-tensor path is torch-only")


BLOCKS = pytest.mark.parametrize("block", [None, 8], ids=["default blocks", "blocks of 8"])


@BLOCKS
@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize(
    ("name", "label"), [(n, la) for n, grid in OPTIMIZER_GRID.items() for la in grid]
)
def test_multi_tensor_path_is_bit_identical_to_the_generic_path(
    name, label, dtype, block, params, grads, monkeypatch
):
    def build():
        return optimizers.get({"class_name": name, "config": OPTIMIZER_GRID[name][label]})

    _check_bit_identical(build, block, params, grads, dtype, monkeypatch)


@BLOCKS
@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize("case", TF2_CASES, ids=[tf2_case_id(c) for c in TF2_CASES])
def test_tf2_multi_tensor_path_is_bit_identical_to_the_generic_path(
    case, dtype, block, monkeypatch
):
    name, index = case

    def build():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (`lr=`'s deprecation)
            return build_tf2(tf2, keras.optimizers.schedules, name, TF2_GRID[name][index])

    _check_bit_identical(build, block, TF2_INIT, TF2_GRADS, dtype, monkeypatch)


def _check_bit_identical(build, block, params, grads, dtype, monkeypatch) -> None:
    from keras_ref.optimizers import _torch_multi_tensor

    if block is not None:
        monkeypatch.setattr(_torch_multi_tensor, "_BLOCK", block)
        monkeypatch.setattr(_torch_multi_tensor, "_PIECE", block // 2)
    fast, generic = build(), build()
    generic._multi_tensor = False
    ran = []
    original = _torch_multi_tensor.step

    def counted(*args):
        ran.append(original(*args))
        return ran[-1]

    monkeypatch.setattr(_torch_multi_tensor, "step", counted)
    ours = run_optimizer(fast, params, grads, dtype)
    monkeypatch.setattr(_torch_multi_tensor, "step", original)
    assert ran == [True] * len(grads)  # the fast path really ran
    theirs = run_optimizer(generic, params, grads, dtype)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_steps_with_threads_of_its_own(monkeypatch):
    """The threads that update blocks do not survive a fork: a child that steps after its parent
    did gets threads of its own (instead of waiting forever for its parent's)."""
    import multiprocessing

    from keras_ref.optimizers import _torch_multi_tensor

    monkeypatch.setattr(_torch_multi_tensor, "_BLOCK", 8)
    monkeypatch.setattr(_torch_multi_tensor, "_PIECE", 4)
    values = np.arange(64, dtype="float32")
    variable = keras.Variable(values)
    opt = optimizers.get("sgd")
    grad = keras.ops.ones((64,))
    opt.apply([grad], [variable])  # the parent's threads exist now

    def child() -> None:
        opt.apply([grad], [variable])
        lr = np.float32(0.01)
        expected = (values - lr) - lr  # two steps of p - lr * 1, each rounded to float32
        os._exit(0 if np.array_equal(keras.ops.convert_to_numpy(variable), expected) else 1)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(timeout=300)  # a bound against a hang, not a measure
    if process.is_alive():
        process.kill()
    assert process.exitcode == 0
