"""How `keras-ref bench` times two things fairly on a noisy machine.

The two contenders run alternately in one process (ABBA order, so a slow drift of the machine
hits both alike) after a warm-up; each figure is a median, and the ratio is the median of the
ratios of adjacent runs. A `model.fit` step is timed from one batch end to the next
(`StepTimer`), so the fixed cost of starting `fit` (data adapter, callbacks) is left out.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import keras

Run = Callable[[], object]  # one run; a float it returns is its own measure of its seconds


@dataclass(frozen=True)
class Paired:
    ours_s: float  # median seconds
    stock_s: float
    ratio: float  # median of ours/stock over adjacent pairs
    ratio_low: float  # quartiles of those ratios: the run-to-run spread
    ratio_high: float


def _seconds(run: Run) -> float:
    start = time.perf_counter()
    measured = run()
    elapsed = time.perf_counter() - start
    return measured if isinstance(measured, float) else elapsed


def paired(run_ours: Run, run_stock: Run, pairs: int, warmup: int = 2) -> Paired:
    """Time `pairs` adjacent (ours, stock) runs in ABBA order, after `warmup` runs of each."""
    for _ in range(warmup):
        run_ours(), run_stock()
    ours, stock = [], []
    for i in range(pairs):
        if i % 2 == 0:
            ours.append(_seconds(run_ours))
            stock.append(_seconds(run_stock))
        else:
            stock.append(_seconds(run_stock))
            ours.append(_seconds(run_ours))
    ratios = [a / b for a, b in zip(ours, stock)]
    low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return Paired(
        statistics.median(ours), statistics.median(stock), statistics.median(ratios), low, high
    )


class StepTimer(keras.callbacks.Callback):
    """Seconds between consecutive `on_train_batch_end` calls of one `fit`; not async-safe on
    purpose, so Keras hands it the finished batch's logs (the step has completed)."""

    def __init__(self) -> None:
        super().__init__()
        self.ends: list[float] = []

    def on_train_begin(self, logs=None) -> None:
        self.ends = []

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.ends.append(time.perf_counter())

    def median_step(self) -> float:
        """Median seconds per step, the first step (which starts the epoch) left out."""
        return statistics.median(b - a for a, b in zip(self.ends, self.ends[1:]))
