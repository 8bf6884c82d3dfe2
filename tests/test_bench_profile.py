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
