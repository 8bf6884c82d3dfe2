"""A full sum in the order TensorFlow's CPU kernel adds, so norms match it bit for bit.

TensorFlow's `reduce_sum` (and `l2_loss`) on CPU hands a full reduction to Eigen, whose order,
measured against `tf.reduce_sum` on random arrays of 1 to 1,000,000 elements (see
docs/tf2-optimizers.md, "Norms"), is:

- lanes of one SIMD packet: 8 for float32, 4 for float64 (AVX);
- arrays longer than 1024 packets split in two at a packet boundary at or after the middle,
  recursively, and the two halves' sums are added (left + right);
- a leaf of ``n`` values: with at least 4 packets, 4 packet accumulators take packets ``4r..4r+3``
  in turn (``r`` over whole groups of 4) and are then folded ``((a0 + a1) + a2) + a3``; the
  remaining whole packets are added to that one by one; the last ``n mod lanes`` values are summed
  one by one, left to right, as scalars; the result is ``scalars + lanes(acc)``, where
  ``lanes`` halves the packet repeatedly (``p[:h] + p[h:]``) down to one value.

Above ~300,000 elements TensorFlow also splits the sum across its threads, as many as the
machine has; that split is not reproduced (the order here is its single-thread one).
On the tensorflow backend the sum is TensorFlow's own.
"""

from __future__ import annotations

import keras
from keras import ops

LEAF_PACKETS = 1024
ACCUMULATORS = 4


def _lanes(dtype: str) -> int:
    """Values per AVX packet: 8 float32, 4 float64 (other dtypes: float32's)."""
    return 4 if "float64" in str(dtype) else 8


def tf_cpu_sum(x):
    """``sum(x)`` over all elements, added in TensorFlow's CPU order (a scalar of x's dtype)."""
    if keras.backend.backend() == "tensorflow":
        return ops.sum(x)
    flat = ops.reshape(x, (-1,))
    n = int(flat.shape[0])
    if n == 0:
        return ops.sum(flat)
    lanes = _lanes(flat.dtype)
    leaves: list[tuple[int, int]] = []
    _split(0, n, lanes, leaves)
    sums = _leaf_sums(flat, leaves, lanes)
    return _combine(0, n, lanes, sums)


def _split(first: int, n: int, lanes: int, leaves: list) -> None:
    """Eigen's tree: halves at a packet boundary while longer than `LEAF_PACKETS` packets."""
    if n > lanes * LEAF_PACKETS:
        split = lanes * -(-(first + -(-n // 2)) // lanes)
        left = min(split - first, n)
        _split(first, left, lanes, leaves)
        if left < n:
            _split(split, n - left, lanes, leaves)
    else:
        leaves.append((first, n))


def _combine(first: int, n: int, lanes: int, sums: dict):
    if n > lanes * LEAF_PACKETS:
        split = lanes * -(-(first + -(-n // 2)) // lanes)
        left = min(split - first, n)
        total = _combine(first, left, lanes, sums)
        if left < n:
            total = total + _combine(split, n - left, lanes, sums)
        return total
    return sums[(first, n)]


def _leaf_sums(flat, leaves: list, lanes: int) -> dict:
    """Each leaf's sum; leaves of one length are summed together, one row each."""
    by_length: dict[int, list[int]] = {}
    for first, n in leaves:
        by_length.setdefault(n, []).append(first)
    sums = {}
    for n, firsts in by_length.items():
        rows = ops.stack([flat[f : f + n] for f in firsts])
        totals = _rows_leaf_sum(rows, n, lanes)
        for i, f in enumerate(firsts):
            sums[(f, n)] = totals[i]
    return sums


def _rows_leaf_sum(rows, n: int, lanes: int):
    """One Eigen leaf per row of `rows` (shape ``(leaves, n)``): a vector of the leaves' sums."""
    count = rows.shape[0]
    packet = None
    start = 0
    group = ACCUMULATORS * lanes
    if n >= group:
        whole = n // group * group
        blocks = ops.reshape(rows[:, :whole], (count, whole // group, ACCUMULATORS, lanes))
        acc = blocks[:, 0]
        for r in range(1, whole // group):
            acc = acc + blocks[:, r]
        packet = acc[:, 0]
        for i in range(1, ACCUMULATORS):
            packet = packet + acc[:, i]
        start = whole
    vectorized = n // lanes * lanes
    for j in range(start, vectorized, lanes):
        chunk = rows[:, j : j + lanes]
        packet = chunk if packet is None else packet + chunk
    start = max(start, vectorized)
    scalars = None
    for j in range(start, n):
        scalars = rows[:, j] if scalars is None else scalars + rows[:, j]
    if packet is None:
        return scalars
    while packet.shape[-1] > 1:
        half = packet.shape[-1] // 2
        packet = packet[:, :half] + packet[:, half:]
    packet = packet[:, 0]
    return packet if scalars is None else scalars + packet
