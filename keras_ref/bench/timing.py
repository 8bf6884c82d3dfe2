"""How `keras-ref bench` times two things fairly on a noisy machine.

The two contenders run alternately in one process (ABBA order, so a slow drift of the machine
hits both alike) after a warm-up; each figure is a median, and the ratio is the median of the
ratios of adjacent runs (`paired`). A `model.fit` step is timed from one batch end to the next
(`StepTimer`), so the fixed cost of starting `fit` (data adapter, callbacks) is left out.

On TensorFlow a `fit` call settles into a speed of its own for the whole call (measured: the
median step of one call against the next, same model, 2.2 to 4.5 ms), so there the two `fit`
calls run side by side in two threads that take turns one whole step at a time (`lockstep`):
step i of keras_ref and step i of stock are timed back to back, in the same state, and both
threads are pinned to one core (they never run at once; pinned, the per-run ratios of stock
against itself on the MLP scatter by ±3% instead of ±10%). jax and torch do not need it and
would pay for it: a hand-over costs about 0.1 ms, half a jax MLP step, and torch eager in two
threads runs its MLP step in 3.7 ms instead of 2.4 (its intra-op threads: with one of them the
two agree).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import keras

Run = Callable[[], object]  # one run; a float it returns is its own measure of its seconds
Fit = Callable[[keras.callbacks.Callback], object]  # one `model.fit` with this callback


@dataclass(frozen=True)
class Paired:
    ours_s: float  # median seconds
    stock_s: float
    ratio: float  # median of ours/stock over adjacent pairs
    ratio_low: float  # quartiles of the ratio over runs: the run-to-run spread
    ratio_high: float
    reference_s: float | None = None  # median seconds of `paired`'s reference, if any


def _quartiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return values[0], values[0]
    low, _, high = statistics.quantiles(values, n=4)
    return low, high


def seconds(run: Run) -> float:
    """Seconds one call of `run` takes, or the float it returns (its own measure)."""
    start = time.perf_counter()
    measured = run()
    elapsed = time.perf_counter() - start
    return measured if isinstance(measured, float) else elapsed


def paired(
    run_ours: Run, run_stock: Run, pairs: int, warmup: int = 2, reference: Run | None = None
) -> Paired:
    """Time `pairs` adjacent (ours, stock) runs in ABBA order, after `warmup` runs of each;
    `reference` (a yardstick such as a memory copy) is timed once after each pair, so that it
    meets the machine in the same states as the two it measures."""
    for _ in range(warmup):
        run_ours(), run_stock()
    ours, stock, references = [], [], []
    for i in range(pairs):
        if i % 2 == 0:
            ours.append(seconds(run_ours))
            stock.append(seconds(run_stock))
        else:
            stock.append(seconds(run_stock))
            ours.append(seconds(run_ours))
        if reference is not None:
            references.append(seconds(reference))
    ratios = [a / b for a, b in zip(ours, stock)]
    return Paired(
        statistics.median(ours), statistics.median(stock), statistics.median(ratios),
        *_quartiles(ratios), statistics.median(references) if references else None,
    )  # fmt: skip


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


def in_sequence(fit_ours: Fit, fit_stock: Fit, runs: int) -> Paired:
    """`paired` for two `fit` calls: each run's median seconds per step."""
    timers = StepTimer(), StepTimer()

    def timed(fit: Fit, timer: StepTimer) -> Run:
        def run() -> float:
            fit(timer)
            return timer.median_step()

        return run

    return paired(timed(fit_ours, timers[0]), timed(fit_stock, timers[1]), runs)


class _Turns:
    """Two threads, 0 and 1, that hold the turn one at a time; one that has finished no longer
    holds the other up."""

    def __init__(self, first: int) -> None:
        self._changed = threading.Condition()
        self._turn = first
        self._finished = [False, False]

    def take(self, who: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._turn == who or self._finished[1 - who])

    def hand_over(self, who: int, finished: bool = False) -> None:
        with self._changed:
            self._turn = 1 - who
            self._finished[who] = self._finished[who] or finished
            self._changed.notify_all()


class _TurnTaker(keras.callbacks.Callback):
    """Takes the turn at each batch's start and hands it over at the next one's, so each turn is
    one whole `fit` step: the step, the callbacks and the loop fetching the next batch. It
    defines `on_train_batch_end` so that Keras does not dispatch batch ends asynchronously: a
    step has completed when the next one begins."""

    def __init__(self, turns: _Turns, who: int) -> None:
        super().__init__()
        self.turns, self.who = turns, who
        self.seconds: list[float] = []  # each whole step but the last
        self._start: float | None = None

    def on_train_batch_begin(self, batch, logs=None) -> None:
        if self._start is not None:
            self.seconds.append(time.perf_counter() - self._start)
            self.turns.hand_over(self.who)
        self.turns.take(self.who)
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None) -> None:
        pass


def _pin_to_one_core() -> None:
    """Pin the calling thread to the first core this process may use (where Linux allows)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _in_turns(fit_ours: Fit, fit_stock: Fit, first: int) -> tuple[list[float], list[float]]:
    """Run both fits in threads taking turns, `first` (0: ours) starting; each one's seconds per
    step, the first step (which starts the epoch) and the last (which ends it) left out."""
    turns = _Turns(first)
    takers = [_TurnTaker(turns, 0), _TurnTaker(turns, 1)]
    errors: list[BaseException] = []

    def run(fit: Fit, taker: _TurnTaker) -> None:
        try:
            _pin_to_one_core()
            fit(taker)
        except BaseException as error:  # re-raised in the caller's thread
            errors.append(error)
        finally:
            turns.hand_over(taker.who, finished=True)

    threads = [
        threading.Thread(target=run, args=(fit, taker))
        for fit, taker in zip((fit_ours, fit_stock), takers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return takers[0].seconds[1:], takers[1].seconds[1:]


def lockstep(fit_ours: Fit, fit_stock: Fit, runs: int, warmup: int = 1) -> Paired:
    """Time `runs` pairs of `fit` calls taking turns step by step (who starts alternates),
    after `warmup` such pairs: medians per step, and the median ratio of steps taken in turn."""
    for i in range(warmup):
        _in_turns(fit_ours, fit_stock, first=i % 2)
    ours, stock, ratios, per_run = [], [], [], []
    for i in range(runs):
        a, b = _in_turns(fit_ours, fit_stock, first=i % 2)
        run_ratios = [x / y for x, y in zip(a, b)]
        ours += a
        stock += b
        ratios += run_ratios
        per_run.append(statistics.median(run_ratios))
    return Paired(
        statistics.median(ours), statistics.median(stock), statistics.median(ratios),
        *_quartiles(per_run),
    )  # fmt: skip
