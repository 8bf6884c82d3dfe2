"""`python -m keras_ref.bench.profile`: its counts, and what they guard."""

from __future__ import annotations

import pytest
from support import BACKEND

from keras_ref.bench import profile
from keras_ref.bench.worker import TRAFFIC


@pytest.mark.skipif(BACKEND != "tensorflow", reason="the plain-graph op count is TensorFlow's")
@pytest.mark.parametrize("name", list(TRAFFIC))
def test_a_fit_update_has_fewer_graph_ops_than_stock(name):
    # fit on a CPU runs a plain TensorFlow graph, op by op: per-variable ops cost time there.
    (_, _, n, ours, ours_io), (_, _, _, stock, stock_io) = profile.graph_rows(name)
    assert n == 102
    assert ours < stock and ours_io < stock_io


@pytest.mark.skipif(BACKEND != "jax", reason="the XLA kernels of jax's compiled fit update")
@pytest.mark.parametrize("name", list(TRAFFIC))
def test_a_fit_update_has_no_more_xla_kernels_than_stock(name):
    # jax compiles fit's update: with 102 small tensors, each kernel's launch costs time there.
    (_, _, n, ours, ours_bytes), (_, _, _, stock, stock_bytes) = profile.xla_fit_rows(name)
    assert n == 102
    assert ours <= stock
    assert ours_bytes <= stock_bytes + 512  # measured: Adam +404 B of 145 kB (per-step scalars)
