"""Deterministic inputs for optimizer parity: parameters and a hostile gradient sequence."""

from __future__ import annotations

import numpy as np

SHAPES: tuple[tuple[int, ...], ...] = ((), (7,), (5, 3), (3, 3, 2, 4))  # scalar .. 4-D kernel


def initial_params(shapes=SHAPES, seed: int = 0) -> list[np.ndarray]:
    """Float64 starting values in [-1, 1] for each shape."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, size=s) for s in shapes]


def gradient_sequence(shapes=SHAPES, steps: int = 60, seed: int = 1) -> list[list[np.ndarray]]:
    """`steps` lists of float64 gradients, one per shape.

    Magnitudes span 1e-4 ... 1e2 (log-uniform), about 15% exact zeros, random signs, and every
    fifth step flips the sign of the previous step's gradient, so momentum terms see reversals.
    Large steps (magnitude up to 1e2) make global-norm clipping engage on some steps only.
    """
    rng = np.random.default_rng(seed)
    sequence: list[list[np.ndarray]] = []
    for k in range(steps):
        if k % 5 == 4:
            sequence.append([-g for g in sequence[-1]])
            continue
        step = []
        for s in shapes:
            magnitude = 10.0 ** rng.uniform(-4.0, 2.0, size=s)
            sign = rng.choice([-1.0, 1.0], size=s)
            zero = rng.random(size=s) < 0.15
            step.append(np.where(zero, 0.0, sign * magnitude))
        sequence.append(step)
    return sequence
