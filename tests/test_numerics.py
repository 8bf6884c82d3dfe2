"""keras_ref._numerics: NaN-propagating extrema, eager and compiled, against NumPy's bits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from keras import ops
from support import BACKEND, requires_float64

from keras_ref._numerics import maximum, nonnegative_maximum

NONNEGATIVE = [0.0, 1e-40, 1.5e-38, 0.5, 1.0, 3.0e38, np.inf, np.nan]  # 1e-40: subnormal float32


def _compiled(fn):
    """`fn` as the backend runs it inside `fit`: a plain graph, XLA, jit; torch runs eagerly."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return {"graph": tf.function(fn), "xla": tf.function(fn, jit_compile=True), "eager": fn}
    if BACKEND == "jax":
        import jax

        return {"jit": jax.jit(fn), "eager": fn}
    return {"eager": fn}


def _bits(x: np.ndarray) -> np.ndarray:
    return x.view({4: np.uint32, 8: np.uint64}[x.itemsize])


@pytest.mark.parametrize("dtype", ["float32", pytest.param("float64", marks=requires_float64)])
def test_nonnegative_maximum_gives_the_bits_of_maximum(dtype):
    pairs = np.array(list(itertools.product(NONNEGATIVE, repeat=2)), dtype)
    a, b = ops.convert_to_tensor(pairs[:, 0]), ops.convert_to_tensor(pairs[:, 1])
    fast, exact = _compiled(nonnegative_maximum), _compiled(maximum)
    for mode in fast:
        got = ops.convert_to_numpy(fast[mode](a, b))
        want = ops.convert_to_numpy(exact[mode](a, b))
        nan = np.isnan(pairs).any(axis=1)
        np.testing.assert_array_equal(np.isnan(got), nan, err_msg=f"{mode}: NaN where either is")
        # A subnormal `a` may be flushed to 0 (TensorFlow and XLA on CPU flush subnormals).
        subnormal_a = (pairs[:, 0] > 0) & (pairs[:, 0] < np.finfo(dtype).tiny)
        same = ~nan & ~subnormal_a
        np.testing.assert_array_equal(_bits(got[same]), _bits(want[same]), err_msg=mode)
        flushed = got[subnormal_a & ~nan]
        assert np.isin(flushed, [0.0, *want[subnormal_a & ~nan]]).all(), mode
        assert got.dtype == np.dtype(dtype)


def test_maximum_propagates_nan_from_either_side_when_compiled():
    a = ops.convert_to_tensor(np.array([np.nan, 1.0, -0.0, 0.0], "float32"))
    b = ops.convert_to_tensor(np.array([1.0, np.nan, 0.0, -0.0], "float32"))
    for mode, fn in _compiled(maximum).items():
        got = ops.convert_to_numpy(fn(a, b))
        assert np.isnan(got[:2]).all(), mode
        np.testing.assert_array_equal(_bits(got[2:]), _bits(np.array([-0.0, 0.0], "float32")))
