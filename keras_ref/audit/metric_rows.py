"""Audit rows for the 5 legacy metrics: keras_ref vs the NumPy reference vs stock Keras 3.

Inputs include exact halves for `binary_accuracy` (round half to even), ties at the k-th value,
non-finite scores and 1-D/3-D shapes. Drift is the fraction of per-sample values where the stock
Keras 3 function of the same name disagrees with the legacy one.
"""

from __future__ import annotations

from collections.abc import Iterator

import keras
import numpy as np
from keras import ops

from keras_ref import metrics
from keras_ref.audit import tolerances
from keras_ref.audit.errors import scaled_error
from keras_ref.audit.loss_rows import stock_value
from keras_ref.audit.row import Case, Row
from keras_ref.reference import metrics as reference

RANKED = np.array(
    [
        [0.1, 0.3, 0.3, 0.3, 0.0],  # three-way tie for first place
        [0.5, 0.2, 0.2, 0.2, 0.1],  # three-way tie for second place
        [0.4, 0.4, 0.4, 0.4, 0.4],  # all tied
        [np.nan, 0.3, 0.2, 0.1, 0.0],  # non-finite rows are never in the top k (TensorFlow)
        [np.inf, 0.3, 0.2, 0.1, 0.0],
        [0.5, 0.3, 0.2, 0.1, -np.inf],
        [0.1, 0.2, 0.3, 0.4, 0.5],
        [-1.0, -2.0, -3.0, -4.0, -5.0],
    ]
)
RANKED_TARGETS = np.array([3, 2, 4, 1, 1, 1, 0, 4])


def metric_inputs() -> dict[str, list[tuple[str, np.ndarray, np.ndarray, dict]]]:
    """Per metric: (label, y_true, y_pred, kwargs) cases, deterministic."""
    rng = np.random.default_rng(11)
    halves_y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]])
    halves_p = np.array([[0.5, 0.5, 1.5, -0.5, 2.5, -0.6, 0.5001, 1.0, 0.4999]])
    cases: dict[str, list] = {name: [] for name in reference.METRICS}
    cases["binary_accuracy"].append(("halves", halves_y, halves_p, {}))
    for shape in [(7,), (6, 5), (2, 3, 4)]:
        p = np.round(rng.uniform(-0.2, 1.2, size=shape), 1)  # ties, and values outside [0, 1]
        y_bits = (rng.uniform(size=shape) > 0.5).astype(float)
        onehot = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
        label = f"{len(shape)}-D"
        cases["binary_accuracy"].append((label, y_bits, p, {}))
        cases["categorical_accuracy"].append((label, onehot, p, {}))
        if len(shape) >= 2:
            cases["sparse_categorical_accuracy"].append(
                (label, np.argmax(onehot, -1)[..., None], p, {})
            )
    for k in (1, 2, 5):
        cases["top_k_categorical_accuracy"].append(
            (f"ties,k={k}", np.eye(5)[RANKED_TARGETS], RANKED, {"k": k})
        )
        cases["sparse_top_k_categorical_accuracy"].append(
            (f"ties,k={k}", RANKED_TARGETS[:, None], RANKED, {"k": k})
        )
    return cases


def metric_row(name: str, dtype: str, *, device: str) -> Row:
    """Audit legacy metric `name` in `dtype` over its input cases."""
    worst, worst_ulp, nans_ok = 0.0, 0, True
    identical, differing, total, notes = True, 0, 0, set()
    cases = metric_inputs()[name]
    for _, y, p, kwargs in cases:
        y_in = y.astype(dtype) if "sparse" not in name else y
        p_in = p.astype(dtype)
        with keras.device(f"{device}:0"):
            ours = ops.convert_to_numpy(getattr(metrics, name)(y_in, p_in, **kwargs))
            stock, failure = stock_value(getattr(keras.metrics, name), y_in, p_in, **kwargs)
        if failure:
            notes.add(failure)
            stock = np.full(np.shape(ours), np.nan)
        if np.ndim(stock) == np.ndim(ours) + 1:  # stock binary_accuracy keeps the last axis
            stock = np.mean(stock, axis=-1)
        expected = reference.METRICS[name](y_in, p_in, dtype=np.dtype(dtype).type, **kwargs)
        scaled, ulp, same_nans = scaled_error(ours, expected, 0.0)
        worst, worst_ulp, nans_ok = max(worst, scaled), max(worst_ulp, ulp), nans_ok and same_nans
        same = np.asarray(ours, np.float64) == np.asarray(stock, np.float64)
        identical = identical and bool(same.all())
        differing += int(np.size(same) - np.count_nonzero(same))
        total += int(np.size(same))
    return Row(
        kind="metric",
        component=name,
        config=",".join(label for label, *_ in cases),
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=worst,
        ulp=worst_ulp,
        tolerance=tolerances.METRIC_REL[dtype],
        ulp_tolerance=None,
        stock=f"metrics.{name}",
        stock_identical="yes" if identical else "no",
        stock_rel=None,
        stock_default_drift=differing / total,
        nan_match=nans_ok,
        note="; ".join(sorted(notes)),
    )


def metric_cases(*, dtypes: list[str], device: str, only: set[str] | None = None) -> Iterator[Case]:
    for name in reference.METRICS:
        if only and name not in only:
            continue
        for dtype in dtypes:
            yield Case(f"{name} {dtype}", lambda n=name, d=dtype: metric_row(n, d, device=device))
