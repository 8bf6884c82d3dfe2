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
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
