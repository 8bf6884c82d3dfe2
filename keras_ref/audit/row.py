"""An audit result row, and the lazy unit of work that produces one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from keras_ref.audit import tolerances


@dataclasses.dataclass
class Row:
    """One audited component, as printed and as written to JSON."""

    kind: str  # "optimizer", "loss" or "metric"
    component: str
    config: str
    backend: str
    device: str
    dtype: str
    rel: float  # normwise relative error against the exact legacy formula
    ulp: int  # worst ulp distance: first optimizer step, or elementwise loss/metric values
    tolerance: float
    ulp_tolerance: int | None
    stock: str  # the stock equivalent's name, or "none"
    stock_identical: str  # "yes", "no" or "none"
    stock_rel: float | None  # keras_ref vs the stock equivalent
    stock_default_drift: float | None  # stock-with-its-defaults vs legacy defaults
    rel_replay: float | None = None  # float32 optimizers: against a float32 replay of legacy
    nan_match: bool = True  # losses and metrics: NaN exactly where the legacy formula gives NaN
    note: str = ""

    @property
    def passed(self) -> bool:
        ok = self.nan_match and self.rel <= self.tolerance
        if self.ulp_tolerance is not None:
            ok = ok and self.ulp <= self.ulp_tolerance
        if self.rel_replay is not None:
            ok = ok and self.rel_replay <= tolerances.OPTIMIZER_REL_VS_FLOAT32_REPLAY
        return ok

    @property
    def status(self) -> str:
        return "PASS" if self.passed else "FAIL"

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "status": self.status}


@dataclasses.dataclass
class Case:
    """A unit of audit work: `run()` returns its row (lazy, so progress can be reported)."""

    label: str
    run: Callable[[], Row]
