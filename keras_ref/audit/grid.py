"""The optimizer configurations every parity check runs: defaults and the corners that matter."""

from __future__ import annotations

CLIP = {"clipnorm": 5.0, "clipvalue": 3.0}  # engages on some steps of `gradient_sequence`

OPTIMIZER_GRID: dict[str, dict[str, dict]] = {
    "sgd": {
        "defaults": {},
        "momentum": {"lr": 0.05, "momentum": 0.9},
        "nesterov+decay": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "decay": 1e-2},
        "clip": {"momentum": 0.5, **CLIP},
    },
    "rmsprop": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3+decay": {"epsilon": 1e-3, "decay": 1e-2},
        "clip": {"rho": 0.8, **CLIP},
    },
    "adagrad": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3+decay": {"epsilon": 1e-3, "decay": 1e-2},
        "clip": CLIP,
    },
    "adadelta": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3+decay": {"epsilon": 1e-3, "decay": 5e-2, "rho": 0.9},
        "clip": CLIP,
    },
    "adam": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3+decay": {"epsilon": 1e-3, "decay": 1e-3},
        "amsgrad": {"amsgrad": True, "beta_1": 0.8, "beta_2": 0.99},
        "amsgrad+clip": {"amsgrad": True, **CLIP},
    },
    "adamax": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3+decay": {"epsilon": 1e-3, "decay": 1e-2},
        "clip": CLIP,
    },
    "nadam": {
        "defaults": {},
        "eps=1e-1": {"epsilon": 1e-1},
        "eps=1e-3": {"epsilon": 1e-3},
        "schedule_decay=1": {"schedule_decay": 1.0},
        "schedule_decay=0.1+clip": {"schedule_decay": 0.1, **CLIP},
    },
}
