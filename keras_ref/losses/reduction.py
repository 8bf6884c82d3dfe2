"""The legacy reduction of per-sample scores to one batch value (`weighted_masked_objective`).

docs/legacy-formulas.md#loss-reduction, for scores ``L`` (e.g. shape ``(N,)`` or ``(N, T)``):

1. mask ``M`` (shape of ``L``): ``L <- L * M / mean(M)``;
2. sample weights ``w`` (shape ``(N,)``, or ``(N, T)`` per timestep): ``L`` is averaged over its
   axes beyond ``w``'s rank, then ``L <- L * w / mean(w != 0)``;
3. the batch value is ``mean(L)``.

With weights this is ``sum(L*w) / count(w != 0)``. Stock Keras 3 divides by ``N`` instead (the two
differ whenever a weight is 0), and normalises a mask by its count of ones, after weighting.
Legacy arithmetic is kept: a batch whose weights are all 0 (or whose mask is all 0) gives NaN.
"""

from __future__ import annotations

import keras
from keras import ops

from keras_ref import backend as K
from keras_ref._numerics import tensor

__all__ = ["legacy_weighted_mean"]


def legacy_weighted_mean(scores, sample_weight=None, mask=None):
    """One scalar from per-sample `scores`, by the legacy mask-then-weight rule (module doc)."""
    scores = tensor(scores)
    if not keras.backend.is_float_dtype(scores.dtype):
        scores = ops.cast(scores, K.floatx())
    dtype = scores.dtype
    if mask is not None:
        mask = ops.cast(mask, dtype)
        scores = scores * mask
        scores = scores / K.mean(mask)
    if sample_weight is not None:
        weights = _weights_for(tensor(sample_weight), scores)
        weights = ops.cast(weights, dtype)
        score_rank, weight_rank = len(scores.shape), len(weights.shape)
        scores = K.mean(scores, axis=list(range(weight_rank, score_rank)))
        scores = scores * weights
        scores = scores / K.mean(ops.cast(ops.not_equal(weights, ops.zeros_like(weights)), dtype))
    return K.mean(scores)


def _weights_for(weights, scores):
    """`weights` with trailing size-1 axes beyond the scores' rank dropped, or a ValueError."""
    score_rank = len(scores.shape)
    while len(weights.shape) > max(score_rank, 1) and weights.shape[-1] == 1:
        weights = ops.squeeze(weights, axis=-1)
    if len(weights.shape) > max(score_rank, 1):
        raise ValueError(
            f"`sample_weight` has shape {tuple(weights.shape)}, with more axes than the per-sample "
            f"losses (shape {tuple(scores.shape)}). Use weights of shape (N,), or (N, T) for an "
            "output with a time axis."
        )
    return weights
