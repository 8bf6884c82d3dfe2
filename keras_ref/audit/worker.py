"""One backend's share of `keras-ref audit`, run in its own process (KERAS_BACKEND is set).

Prints ``PROGRESS done total label`` lines for the parent's progress bar and writes its rows,
notes and versions as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys

import keras
import numpy as np

from keras_ref import _backend_specific
from keras_ref.audit import engine, tf2_rows


def versions() -> dict:
    return {
        "keras": keras.version(),
        "backend": keras.backend.backend(),
        "backend_version": _backend_specific.backend_version(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "float64": _backend_specific.float64_supported(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keras_ref.audit.worker")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--device", choices=["cpu", "gpu", "all"], required=True)
    parser.add_argument("--dtype", choices=["float32", "float64", "all"], required=True)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--family", choices=["keras2", "tf2", "all"], default="keras2")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    notes: list[str] = []
    backend = keras.backend.backend()
    devices = ["cpu", "gpu"] if args.device == "all" else [args.device]
    if "gpu" in devices and not _backend_specific.gpu_available():
        devices.remove("gpu")
        notes.append(f"{backend}: gpu skipped, no GPU is visible to {backend} on this machine")
    if "gpu" in devices:
        _backend_specific.disable_tf32()
    dtypes = ["float32", "float64"] if args.dtype == "all" else [args.dtype]
    if "float64" in dtypes and not _backend_specific.float64_supported():
        dtypes.remove("float64")
        notes.append(f"{backend}: float64 skipped, the backend holds no float64 (JAX_ENABLE_X64)")

    only = {name.lower() for name in args.only} or None
    cases = [
        case
        for device in devices
        for case in tf2_rows.cases_for_family(
            args.family, steps=args.steps, dtypes=dtypes, device=device, only=only
        )
    ]
    rows = []
    for done, case in enumerate(cases, start=1):
        rows.append(case.run().to_dict())
        print(f"PROGRESS {done} {len(cases)} {backend} {case.label}", flush=True)

    result = {
        "versions": versions(),
        "devices": {d: _backend_specific.device_name(d) for d in devices},
        "notes": notes,
        "rows": rows,
        "trajectories": engine.plot_trajectories(steps=args.steps, only=only)
        if args.family != "tf2"
        else {},
    }
    with open(args.out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
