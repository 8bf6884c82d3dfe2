"""Error measures between a result and its reference: relative error and ULP distance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def max_relative_error(result: Sequence[np.ndarray], reference: Sequence[np.ndarray]) -> float:
    """Normwise relative error ``max|x - r| / max|r|``, worst over the arrays (0 when equal).

    Normwise, not elementwise: an element that passes near zero would otherwise turn one
    rounding of its neighbours into an arbitrarily large "relative" error.
    """
    worst = 0.0
    for x, r in zip(result, reference):
        x, r = np.asarray(x, np.float64), np.asarray(r, np.float64)
        if x.shape != r.shape:
            raise ValueError(f"shape mismatch: {x.shape} vs {r.shape}")
        same = (x == r) | (np.isnan(x) & np.isnan(r))
        if same.all():
            continue
        err = np.max(np.abs(np.where(same, 0.0, x - r)))
        scale = np.max(np.abs(np.where(np.isfinite(r), r, 0.0)))
        worst = max(worst, float(err / scale) if scale > 0 else float("inf"))
    return worst


def _ordered_ints(x: np.ndarray) -> np.ndarray:
    """Map floats to integers whose difference counts the representable values between them."""
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[x.dtype.itemsize]
    i = x.view(bits).astype(np.int64)
    return np.where(i < 0, np.iinfo(bits).min - i, i)


def max_ulp_distance(result: Sequence[np.ndarray], reference: Sequence[np.ndarray], dtype) -> int:
    """Largest number of `dtype` steps between result and reference (both rounded to `dtype`)."""
    worst = 0
    for x, r in zip(result, reference):
        x, r = np.asarray(x).astype(dtype), np.asarray(r).astype(dtype)
        both_nan = np.isnan(x) & np.isnan(r)
        d = np.abs(_ordered_ints(x) - _ordered_ints(r))
        d = np.where(both_nan, 0, d)
        if d.size:
            worst = max(worst, int(np.max(d)))
    return worst


def trajectory_relative_error(
    result: Sequence[Sequence[np.ndarray]], reference: Sequence[Sequence[np.ndarray]]
) -> float:
    """Normwise relative error of whole trajectories, one parameter at a time.

    Each parameter's steps are stacked before `max_relative_error`, so the scale is the
    parameter's largest magnitude over the run: a scalar that crosses zero on some step does
    not turn that step's rounding into a huge relative error.
    """
    if len(result) != len(reference):
        raise ValueError(f"trajectory lengths differ: {len(result)} vs {len(reference)}")
    stacked = [np.stack([step[i] for step in result]) for i in range(len(result[0]))]
    stacked_ref = [np.stack([step[i] for step in reference]) for i in range(len(reference[0]))]
    return max_relative_error(stacked, stacked_ref)


def displacement_drift(
    result: Sequence[np.ndarray], reference: Sequence[np.ndarray], start: Sequence[np.ndarray]
) -> float:
    """How far `result` moved differently from `reference`, relative to the reference's move.

    ``max|(x - p0) - (r - p0)| / max|r - p0|`` per parameter, worst over parameters: 0 for the
    same training, about 0.5 for a learning rate half as large, 1 or more for another direction.
    """
    worst = 0.0
    for x, r, p0 in zip(result, reference, start):
        moved = np.asarray(r, np.float64) - np.asarray(p0, np.float64)
        scale = float(np.max(np.abs(moved))) if moved.size else 0.0
        diff = float(np.max(np.abs(np.asarray(x, np.float64) - np.asarray(r, np.float64))))
        if diff == 0.0:
            continue
        worst = max(worst, diff / scale if scale > 0 else float("inf"))
    return worst


def scaled_error(actual, expected, scale) -> tuple[float, int, bool]:
    """Worst ``|a - e| / max(|e|, scale)``, its ulp count, and whether NaNs sit in the same places.

    `scale` is the size of the terms that cancel in `e` (`loss_inputs.term_scale`); the ulp count
    (in `actual`'s dtype) only covers elements without cancellation, where it means something.
    """
    dtype = np.asarray(actual).dtype
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if actual.shape != expected.shape:
        raise ValueError(f"shape mismatch: {actual.shape} vs {expected.shape}")
    nan = np.isnan(expected)
    same_nans = bool(np.array_equal(np.isnan(actual), nan))
    error = np.where(nan | (actual == expected), 0.0, np.abs(actual - expected))
    magnitude = np.maximum(np.abs(expected), scale)
    ratio = np.divide(error, magnitude, out=error.copy(), where=magnitude > 0)
    scaled = float(np.max(ratio, initial=0))
    spacing = np.spacing(np.abs(expected).astype(dtype)).astype(np.float64)
    no_cancellation = ~nan & (np.abs(expected) >= scale) & np.isfinite(expected)
    ulp = int(np.max(np.round(error / spacing)[no_cancellation], initial=0))
    return scaled, ulp, same_nans
