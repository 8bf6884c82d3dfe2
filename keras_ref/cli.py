"""The `keras-ref` command line (also `python -m keras_ref`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from keras_ref._version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keras-ref",
        description=(
            "keras_ref: the Keras 2.2.4 optimizers, losses and metrics, exactly, on Keras 3 "
            "(tensorflow, jax or torch backend)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"keras-ref {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    audit = commands.add_parser(
        "audit",
        help="measure keras_ref against the legacy formulas and stock Keras 3",
        description=(
            "Run every legacy optimizer (over its configuration grid), loss and metric on the "
            "chosen backend(s) and device(s); compare with an independent NumPy reference of "
            "the legacy formula and with stock Keras 3. Exit status 1 if any row fails."
        ),
    )
    from keras_ref.audit import command as audit_command

    audit_command.add_arguments(audit)
    audit.set_defaults(run=audit_command.run)

    from keras_ref import migrate as migrate_command

    migrate = commands.add_parser(
        "migrate",
        help="find Keras 2 usages in Python sources and rewrite them (keras_ref or stock)",
        description=migrate_command.DESCRIPTION,
    )
    migrate_command.add_arguments(migrate)
    migrate.set_defaults(run=migrate_command.run)

    bench = commands.add_parser(
        "bench",
        help="time keras_ref against stock Keras 3 (optimizer steps, model.fit, losses)",
        description=(
            "Time each legacy optimizer in model.fit (a small MLP and a model with 102 weight "
            "tensors) and in one compiled step on 16M float32 parameters, against the closest "
            "stock Keras 3 configuration, alternating both in the same process; report medians, "
            "the ratio keras_ref/stock and the ratio to the step's memory-traffic bound. Also "
            "the losses on a large batch."
        ),
    )
    from keras_ref.bench import command as bench_command

    bench_command.add_arguments(bench)
    bench.set_defaults(run=bench_command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
