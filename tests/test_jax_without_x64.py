"""JAX's default (no float64): keras_ref keeps its float32 numbers and trains.

The JAX run of the suite enables float64 to check exactness; users mostly run without it, so
this test replays the float32 path in a subprocess with JAX_ENABLE_X64 unset.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from support import BACKEND

SCRIPT = textwrap.dedent(
    """
    import numpy as np, keras, keras_ref
    from keras_ref.audit import gradient_sequence, initial_params, run_optimizer
    from keras_ref.audit.errors import trajectory_relative_error
    from keras_ref.reference import optimizers as reference
    from keras_ref._keras_compat import learning_rate_holder

    opt = keras_ref.Nadam(lr=0.01)
    held = learning_rate_holder(opt)
    assert held.dtype == "float32", held.dtype
    params, grads = initial_params(), gradient_sequence(steps=20)
    ours = run_optimizer(opt, params, grads, "float32")
    replay = reference.simulate("nadam", params, grads, dtype=np.float32, lr=0.01)
    print(trajectory_relative_error(ours, replay))
    """
)


@pytest.mark.skipif(BACKEND != "jax", reason="only the JAX backend has a float64 switch")
def test_float32_path_without_x64():
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    env["KERAS_BACKEND"] = "jax"
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert float(out.stdout.strip().splitlines()[-1]) < 1e-6  # the parity suite's float32 bound
