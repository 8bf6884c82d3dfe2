"""tensorflow, jax and torch agree with each other on the CPU (float32, every optimizer).

Runs once, in the tensorflow pass of the suite: each backend computes the same trajectories in
its own process, and every pair is compared. Measured: first steps <= 4 ulp apart (torch's
sqrt, see keras_ref.audit.tolerances), whole 60-step trajectories <= 2.3e-7 apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from itertools import combinations

import numpy as np
import pytest
from parity_support import BACKEND, record

from keras_ref.audit import max_ulp_distance, tolerances, trajectory_relative_error
from keras_ref.audit.grid import OPTIMIZER_GRID

FIRST_STEP_ULP = tolerances.OPTIMIZER_FIRST_STEP_ULP
TRAJECTORY_REL = tolerances.OPTIMIZER_REL_VS_FLOAT32_REPLAY  # each is that close to one replay

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from keras_ref import optimizers
    from keras_ref.audit import gradient_sequence, initial_params, run_optimizer
    from keras_ref.audit.grid import OPTIMIZER_GRID

    params, grads, out = initial_params(), gradient_sequence(steps=60), {}
    for name, grid in OPTIMIZER_GRID.items():
        for label, config in grid.items():
            opt = optimizers.get({"class_name": name, "config": config})
            trajectory = run_optimizer(opt, params, grads, "float32")
            for k, step in enumerate(trajectory):
                for i, p in enumerate(step):
                    out[f"{name}|{label}|{k}|{i}"] = p
    np.savez(sys.argv[1], **out)
    """
)


def load(path) -> dict[tuple[str, str], list[list[np.ndarray]]]:
    raw = np.load(path)
    runs: dict[tuple[str, str], dict[int, dict[int, np.ndarray]]] = {}
    for key in raw.files:
        name, label, k, i = key.split("|")
        runs.setdefault((name, label), {}).setdefault(int(k), {})[int(i)] = raw[key]
    return {
        case: [[steps[k][i] for i in sorted(steps[k])] for k in sorted(steps)]
        for case, steps in runs.items()
    }


@pytest.fixture(scope="module")
def trajectories(tmp_path_factory):
    results = {}
    for backend in ("tensorflow", "jax", "torch"):
        path = tmp_path_factory.mktemp(backend) / "runs.npz"
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(path)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{backend}: {done.stderr[-2000:]}"
        results[backend] = load(path)
    return results


@pytest.mark.skipif(BACKEND != "tensorflow", reason="runs once, in the tensorflow pass")
@pytest.mark.parametrize(
    ("name", "label"), [(n, la) for n, grid in OPTIMIZER_GRID.items() for la in grid]
)
def test_backends_agree(trajectories, name, label):
    for a, b in combinations(trajectories, 2):
        x, y = trajectories[a][(name, label)], trajectories[b][(name, label)]
        ulp = max_ulp_distance(x[0], y[0], "float32")
        rel = trajectory_relative_error(x, y)
        record("float32 cross-backend (rel, 1st-step ulp)", f"{a}~{b} {name}/{label}", rel, ulp)
        assert ulp <= FIRST_STEP_ULP, (a, b)
        assert rel <= TRAJECTORY_REL, (a, b)
