"""Deterministic loss inputs with edge values, and the cancellation scale of each loss.

`loss_inputs()` returns named ``(y_true, y_pred)`` sets: random values over 1e-4..1e2, exact zeros
and ones, values at and beyond the clip bounds, negatives, {0,1} and {-1,1} hinge labels, an
all-zero vector for cosine, 1-D and 3-D inputs. `INPUT_SETS` says which sets each loss sees.
`term_scale` gives, per sample, the size of the terms a loss adds and subtracts: the forward
error of a sum is bounded relative to that, not to the (possibly cancelled) result.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-7

SPARSE = "sparse_categorical_crossentropy"


# -- inputs -------------------------------------------------------------------------------------
def _regression(rng):
    scale = np.logspace(-4, 2, 5)
    y = rng.normal(size=(6, 5)) * scale
    p = rng.normal(size=(6, 5)) * scale
    edges_y = np.array(
        [
            [0.0, 0.0, 0.0, 0.0, 0.0],  # exact zeros (MAPE divides by eps)
            [1.0, 1.0, -1.0, 1e-7, 1e-9],  # ones, a negative, at and below eps
            [-2.0, -1e-3, 5.0, 1.0, 0.0],  # negatives (MSLE clips them to eps)
        ]
    )
    edges_p = np.array(
        [
            [0.0, 1e-3, -2.0, 0.5, 3.0],
            [1.0, 0.0, 1.0, 2e-7, -1e-9],
            [-1.0, 2.0, 5.0, 1.0, 1e-12],
        ]
    )
    return np.concatenate([y, edges_y]), np.concatenate([p, edges_p])


def _probabilities(rng):
    y = rng.dirichlet(np.ones(4), size=5)
    p = rng.dirichlet(np.ones(4), size=5)
    edges_y = np.eye(4)[[0, 1, 2, 3, 0, 1]]
    edges_p = np.array(
        [
            [1.0, 0.0, 0.0, 0.0],  # exact one-hot, right class
            [1.0, 0.0, 0.0, 0.0],  # exact one-hot, wrong class: -log(eps)
            [0.0, 1e-7, 1 - 1e-7, 0.0],  # at the clip bounds
            [1e-9, 1e-8, 0.5, 0.5],  # below the lower bound
            [2.0, 0.5, 0.5, 1.0],  # beyond 1 (categorical renormalises)
            [0.0, 0.0, 0.0, 0.0],  # all zero: categorical gives 0/0 = NaN, as legacy
        ]
    )
    return np.concatenate([y, edges_y]), np.concatenate([p, edges_p])


def _binary(rng):
    y = (rng.uniform(size=(5, 6)) > 0.5).astype(float)
    p = rng.uniform(size=(5, 6))
    edges_y = np.array([[0.0, 1.0, 0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0, 0.5, 0.5]])
    edges_p = np.array(
        [
            [0.0, 1.0, 1.0, 0.0, 1e-7, 1 - 1e-7],  # exact 0/1 and the clip bounds
            [1e-9, 1.2, -0.1, 0.5, 0.5, 1 - 1e-9],  # beyond the bounds, soft labels
        ]
    )
    return np.concatenate([y, edges_y]), np.concatenate([p, edges_p])


def _hinge(rng):
    p = rng.normal(size=(4, 5)) * 2
    signs = np.where(rng.uniform(size=(2, 5)) > 0.5, 1.0, -1.0)  # {-1, 1} labels
    bits = (rng.uniform(size=(2, 5)) > 0.5).astype(float)  # {0, 1} labels, used as given
    margin = np.array([[1.0, -1.0, 1.0, 0.0, 1.0]]), np.array([[1.0, -1.0, 0.5, 3.0, 0.0]])
    return np.concatenate([signs, bits, margin[0]]), np.concatenate([p, margin[1]])


def _uniform(rng, shape):
    return rng.uniform(0.01, 1.0, size=shape), rng.uniform(0.01, 1.0, size=shape)


def loss_inputs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Named (y_true, y_pred) float64 input sets, edge values included (deterministic)."""
    rng = np.random.default_rng(20240601)
    sets = {
        "regression": _regression(rng),
        "probabilities": _probabilities(rng),
        "binary": _binary(rng),
        "hinge": _hinge(rng),
        "1-D": _uniform(rng, (6,)),
        "3-D": _uniform(rng, (2, 3, 4)),
    }
    y, p = _regression(rng)
    y[0] = 0.0  # an all-zero vector: l2n(0) = 0, no NaN
    p[1] = 0.0
    sets["cosine"] = (y, p)
    # Only {0, 1} labels: stock Keras 3 converts these to {-1, 1}; legacy uses them as given.
    sets["hinge {0,1}"] = ((rng.uniform(size=(4, 5)) > 0.5).astype(float), rng.normal(size=(4, 5)))
    return sets


INPUT_SETS = {
    "mean_squared_error": ["regression", "1-D", "3-D"],
    "mean_absolute_error": ["regression", "1-D", "3-D"],
    "mean_absolute_percentage_error": ["regression", "1-D", "3-D"],
    "mean_squared_logarithmic_error": ["regression", "1-D", "3-D"],
    "logcosh": ["regression", "1-D", "3-D"],
    "squared_hinge": ["hinge", "hinge {0,1}", "1-D", "3-D"],
    "hinge": ["hinge", "hinge {0,1}", "1-D", "3-D"],
    "categorical_hinge": ["hinge", "probabilities", "1-D", "3-D"],
    "categorical_crossentropy": ["probabilities", "1-D", "3-D"],
    SPARSE: ["probabilities", "3-D"],
    "binary_crossentropy": ["binary", "probabilities", "1-D", "3-D"],
    "kullback_leibler_divergence": ["probabilities", "regression", "1-D", "3-D"],
    "poisson": ["probabilities", "binary", "1-D", "3-D"],
    "cosine_proximity": ["cosine", "regression", "1-D", "3-D"],
}


def labels(y):
    """Integer class labels of one-hot (or soft) targets."""
    return np.argmax(y, axis=-1)


def term_scale(name: str, y, p, from_logits: bool = False) -> np.ndarray:
    """Per-sample magnitude of the terms the loss adds and subtracts (0: no cancellation)."""
    with np.errstate(all="ignore"):
        if name == "cosine_proximity":  # products of unit-vector entries, |.| <= 1
            return np.ones(np.shape(y)[:-1])
        if name == "categorical_hinge":
            return 1 + np.sum(np.abs(y * p), -1) + np.max(np.abs((1 - y) * p), -1)
        if name == "logcosh":
            x = p - y
            return np.mean(np.abs(x) + np.logaddexp(0, -2 * x) + np.log(2), -1)
        if name == "poisson":
            return np.mean(np.abs(p) + np.abs(y * np.log(np.abs(p) + EPS)), -1)
        if name == "kullback_leibler_divergence":
            t, q = np.clip(y, EPS, 1), np.clip(p, EPS, 1)
            return np.sum(np.abs(t * np.log(t / q)), -1)
        if name == "mean_squared_logarithmic_error":
            a, b = np.log(np.maximum(p, EPS) + 1), np.log(np.maximum(y, EPS) + 1)
            return np.mean((np.abs(a) + np.abs(b)) ** 2, -1)
        z = p if from_logits else np.log(np.clip(p, EPS, 1 - EPS))  # the logits the loss uses
        if name == "binary_crossentropy":  # max(z, 0) - z*y + log1p(exp(-|z|))
            z = p if from_logits else z - np.log1p(-np.clip(p, EPS, 1 - EPS))
            return np.mean(np.abs(z) * (1 + np.abs(y)) + np.log(2), -1)
        if name == SPARSE:  # log-sum-exp of (z - max z), minus the label's (z - max z)
            picked = np.take_along_axis(z, labels(y)[..., None], -1)[..., 0]
            return np.abs(picked) + 2 * np.max(np.abs(z), -1) + np.log(np.shape(p)[-1])
        if name == "categorical_crossentropy" and from_logits:
            return np.sum(np.abs(y), -1) * (2 * np.max(np.abs(p), -1) + np.log(np.shape(p)[-1]))
        if name == "categorical_crossentropy":  # -sum(y log p) cancels when a target is < 0
            q = np.clip(p / np.sum(p, -1, keepdims=True), EPS, 1 - EPS)
            return np.sum(np.abs(y * np.log(q)), -1)
    return np.zeros(np.shape(y)[:-1])
