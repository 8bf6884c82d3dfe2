"""The `keras-ref` command line (also `python -m keras_ref`).

Starts in well under a second and imports no backend: a sub-command's module is imported only
when that sub-command is used, and `audit`/`bench` run the backends in worker processes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from keras_ref._version import __version__

# name -> (module with add_arguments/run/DESCRIPTION, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": (
        "keras_ref.audit.command",
        "measure keras_ref against the legacy formulas and stock Keras 3",
    ),
    "migrate": (
        "keras_ref.migrate.command",
        "find Keras 2 usages in Python sources and rewrite them (keras_ref or stock)",
    ),
    "bench": (
        "keras_ref.bench.command",
        "time keras_ref against stock Keras 3 (optimizer steps, model.fit, losses)",
    ),
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The sub-command `argv` names (its first word that is not an option), if any."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the sub-command it names gets its arguments (and import)."""
    parser = argparse.ArgumentParser(
        prog="keras-ref",
        description=(
            "keras_ref: the Keras 2.2.4 optimizers, losses and metrics, exactly, on Keras 3 "
            "(tensorflow, jax or torch backend)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"keras-ref {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = None if argv is None else _command_in(argv)
    for name, (module_name, help_text) in COMMANDS.items():
        if argv is not None and name != chosen:
            commands.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=help_text, description=module.DESCRIPTION)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # before anything can import a backend: no TensorFlow/XLA C++ start-up lines
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("keras-ref: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
