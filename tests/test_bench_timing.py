"""`keras_ref.bench.timing`: the turns two `fit` calls take, on a fake clock and in a real fit."""

from __future__ import annotations

import threading

import pytest
from support import BACKEND

from keras_ref.bench import timing, worker


class FakeClock:
    """`time.perf_counter` that moves only when a fake step says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def fake_fit(clock: FakeClock, seconds: float, steps: int, log: list, name: str):
    """A `fit` that takes `steps` steps of `seconds` each, logging who stepped when."""

    def fit(callback):
        callback.on_train_begin()
        for batch in range(steps):
            callback.on_train_batch_begin(batch)
            log.append(name)
            clock.now += seconds
            callback.on_train_batch_end(batch)
        callback.on_train_end()

    return fit


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(timing.time, "perf_counter", fake)
    return fake


def test_lockstep_alternates_whole_steps_and_starts_each_run_with_the_other(clock):
    log: list[str] = []
    ours, stock = fake_fit(clock, 2.0, 5, log, "o"), fake_fit(clock, 1.0, 5, log, "s")
    result = timing.lockstep(ours, stock, runs=2, warmup=1)
    assert "".join(log) == "os" * 5 + "os" * 5 + "so" * 5  # warm-up, then who starts alternates
    assert (result.ours_s, result.stock_s, result.ratio) == (2.0, 1.0, 2.0)
    assert (result.ratio_low, result.ratio_high) == (2.0, 2.0)


def test_lockstep_lets_the_other_fit_finish_when_one_is_shorter(clock):
    log: list[str] = []
    ours, stock = fake_fit(clock, 1.0, 3, log, "o"), fake_fit(clock, 1.0, 6, log, "s")
    timing.lockstep(ours, stock, runs=1, warmup=0)
    assert "".join(log) == "os" * 3 + "sss"


def test_lockstep_raises_a_fits_error_without_hanging(clock):
    def broken(callback):
        callback.on_train_batch_begin(0)
        raise ValueError("broken fit")

    done = []

    def time_it():
        with pytest.raises(ValueError, match="broken fit"):
            timing.lockstep(broken, fake_fit(clock, 1.0, 4, [], "s"), runs=1, warmup=0)
        done.append(True)

    thread = threading.Thread(target=time_it)
    thread.start()
    thread.join(timeout=30)
    assert done == [True]


def test_in_sequence_times_each_run_from_batch_end_to_batch_end(clock):
    log: list[str] = []
    result = timing.in_sequence(
        fake_fit(clock, 3.0, 4, log, "o"), fake_fit(clock, 1.5, 4, log, "s"), runs=3
    )
    assert (result.ours_s, result.stock_s, result.ratio) == (3.0, 1.5, 2.0)
    assert "".join(log) == "oooossss" * 2 + "oooossss" + "ssssoooo" + "oooossss"


def test_paired_times_its_reference_once_after_each_pair(clock):
    log: list[str] = []

    def run(name: str, seconds: list[float]):
        """A run taking `seconds` in turn, the last one from then on."""

        def go():
            log.append(name)
            clock.now += seconds.pop(0) if len(seconds) > 1 else seconds[0]

        return go

    copies = [1.0, 3.0, 2.0, 10.0]  # median 2.5
    result = timing.paired(
        run("o", [2.0]), run("s", [4.0]), pairs=4, warmup=1, reference=run("c", copies)
    )
    assert "".join(log) == "os" + "oscsocoscsoc"
    assert (result.ours_s, result.stock_s, result.ratio, result.reference_s) == (2, 4, 0.5, 2.5)
    assert timing.paired(run("o", [1.0]), run("s", [1.0]), pairs=2).reference_s is None


@pytest.mark.skipif(BACKEND != "tensorflow", reason="only TensorFlow's fits take turns")
def test_a_real_fit_case_takes_turns_on_tensorflow():
    row = worker.fit_case("adam", "mlp", steps=6, runs=2, noise=True)
    assert row["component"] == "stock adam vs itself (noise)"
    assert 0.2 < row["ratio"] < 5 and row["ours_ms"] > 0 and row["stock_ms"] > 0
