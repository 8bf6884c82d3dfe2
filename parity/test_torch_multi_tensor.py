"""torch: the torch._foreach_* fast path computes exactly the generic update's numbers.

Every configuration of the grid, float32 and float64, 60 steps: bit-identical trajectories
(and therefore the same audit rows, which run the fast path on torch). Also with blocks of 8
elements in pieces of 4, so that the audit's small tensors are cut, packed and updated by
several threads as large ones are on CPU (`_blocks`, `_in_threads`).
"""

from __future__ import annotations

import numpy as np
import pytest
from parity_support import BACKEND, dtype_params

from keras_ref import optimizers
from keras_ref.audit import run_optimizer
from keras_ref.audit.grid import OPTIMIZER_GRID

pytestmark = pytest.mark.skipif(BACKEND != "torch", reason="the multi-tensor path is torch-only")


@pytest.mark.parametrize("block", [None, 8], ids=["default blocks", "blocks of 8"])
@pytest.mark.parametrize("dtype", dtype_params())
@pytest.mark.parametrize(
    ("name", "label"), [(n, la) for n, grid in OPTIMIZER_GRID.items() for la in grid]
)
def test_multi_tensor_path_is_bit_identical_to_the_generic_path(
    name, label, dtype, block, params, grads, monkeypatch
):
    from keras_ref.optimizers import _torch_multi_tensor

    if block is not None:
        monkeypatch.setattr(_torch_multi_tensor, "_BLOCK", block)
        monkeypatch.setattr(_torch_multi_tensor, "_PIECE", block // 2)
    config = OPTIMIZER_GRID[name][label]
    fast = optimizers.get({"class_name": name, "config": config})
    generic = optimizers.get({"class_name": name, "config": config})
    generic._multi_tensor = False
    ran = []
    original = _torch_multi_tensor.step

    def counted(*args):
        ran.append(original(*args))
        return ran[-1]

    _torch_multi_tensor.step = counted
    try:
        ours = run_optimizer(fast, params, grads, dtype)
    finally:
        _torch_multi_tensor.step = original
    assert ran == [True] * len(grads)  # the fast path really ran
    theirs = run_optimizer(generic, params, grads, dtype)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
