"""Audit rows for the 14 legacy losses: keras_ref vs the NumPy reference vs stock Keras 3.

Every loss sees its `INPUT_SETS` (edge values included). Against the reference the error is the
cancellation-aware `scaled_error`; in float32 the reference replays legacy's float32 arithmetic.
The stock Keras 3 function of the same name is run on the same inputs: "= stock" says whether it
is bit-identical there, and its distance from the legacy value is the drift a naive migration gets.
"""

from __future__ import annotations

from collections.abc import Iterator

import keras
import numpy as np
from keras import ops

from keras_ref import losses
from keras_ref.audit import tolerances
from keras_ref.audit.errors import scaled_error
from keras_ref.audit.loss_inputs import INPUT_SETS, SPARSE, labels, loss_inputs, term_scale
from keras_ref.audit.row import Case, Row
from keras_ref.reference import losses as reference

STOCK_FUNCTIONS = {
    "mean_squared_error": "mean_squared_error",
    "mean_absolute_error": "mean_absolute_error",
    "mean_absolute_percentage_error": "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error": "mean_squared_logarithmic_error",
    "squared_hinge": "squared_hinge",
    "hinge": "hinge",
    "categorical_hinge": "categorical_hinge",
    "logcosh": "log_cosh",
    "categorical_crossentropy": "categorical_crossentropy",
    SPARSE: "sparse_categorical_crossentropy",
    "binary_crossentropy": "binary_crossentropy",
    "kullback_leibler_divergence": "kl_divergence",
    "poisson": "poisson",
    "cosine_proximity": "cosine_similarity",  # stock returns -cos too, with another norm floor
}


def stock_value(fn, *args, **kwargs) -> tuple[np.ndarray | None, str]:
    """Stock Keras 3's value as NumPy, or None and why it raised (some reject float64 input)."""
    try:
        return ops.convert_to_numpy(fn(*args, **kwargs)), ""
    except Exception as error:  # a stock failure is reported in the row, not raised
        return None, f"stock {fn.__name__} raised {type(error).__name__}"


def loss_row(name: str, dtype: str, *, device: str) -> Row:
    """Audit legacy loss `name` in `dtype` over all of its input sets."""
    sets = loss_inputs()
    worst, worst_ulp, nans_ok = 0.0, 0, True
    stock_worst, identical, notes = 0.0, True, set()
    stock_fn = getattr(keras.losses, STOCK_FUNCTIONS[name])
    for key in INPUT_SETS[name]:
        y, p = sets[key]
        y_in = labels(y) if name == SPARSE else y.astype(dtype)
        p_in = p.astype(dtype)
        with keras.device(f"{device}:0"):
            ours = ops.convert_to_numpy(getattr(losses, name)(y_in, p_in))
            stock, failure = stock_value(stock_fn, y_in, p_in)
        if failure:
            notes.add(failure)
            stock = np.full(np.shape(ours), np.nan)
        expected = reference.LOSSES[name](y_in, p_in, dtype=np.dtype(dtype).type)
        scale = term_scale(name, y, p)
        scaled, ulp, same_nans = scaled_error(ours, expected, scale)
        worst, worst_ulp, nans_ok = max(worst, scaled), max(worst_ulp, ulp), nans_ok and same_nans
        identical = identical and np.array_equal(ours, stock, equal_nan=True)
        finite = np.isfinite(ours) & np.isfinite(stock)
        if finite.any():
            drift, _, _ = scaled_error(stock[finite], ours[finite], scale[finite])
            stock_worst = max(stock_worst, drift)
    return Row(
        kind="loss",
        component=name,
        config=",".join(INPUT_SETS[name]),
        backend=keras.backend.backend(),
        device=device,
        dtype=dtype,
        rel=worst,
        ulp=worst_ulp,
        tolerance=tolerances.LOSS_REL[dtype],
        ulp_tolerance=None,
        stock=f"losses.{STOCK_FUNCTIONS[name]}",
        stock_identical="yes" if identical else "no",
        stock_rel=stock_worst,
        stock_default_drift=stock_worst,
        nan_match=nans_ok,
        note="; ".join(sorted(notes)),
    )


def loss_cases(*, dtypes: list[str], device: str, only: set[str] | None = None) -> Iterator[Case]:
    for name in INPUT_SETS:
        if only and name not in only:
            continue
        for dtype in dtypes:
            yield Case(f"{name} {dtype}", lambda n=name, d=dtype: loss_row(n, d, device=device))
