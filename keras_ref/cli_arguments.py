"""Argument types of the `keras-ref` commands: checked while parsing, before any work starts.

Each is an ``argparse`` ``type=``: a bad value exits with status 2 and a message that names the
flag and, for component names, the closest valid names ("did you mean nadam?"). Imports no
backend: the name catalogue comes from the NumPy reference and the audit grid.
"""

from __future__ import annotations

import argparse
import difflib
import os
from functools import cache
from pathlib import Path

BACKENDS = ("tensorflow", "jax", "torch")
FORMATS = ("table", "markdown", "json")

# legacy metric aliases: the 'acc' rule picks one of these by the output's loss and shape
_ACCURACY_METRICS = ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy")


def positive_int(text: str) -> int:
    """An integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


@cache
def optimizer_names() -> dict[str, tuple[str, ...]]:
    """Every accepted optimizer spelling (lower case) -> the canonical name(s)."""
    from keras_ref.audit.grid import OPTIMIZER_GRID

    return {name: (name,) for name in OPTIMIZER_GRID}


@cache
def component_names() -> dict[str, tuple[str, ...]]:
    """Every accepted optimizer, loss or metric spelling (lower case) -> canonical name(s)."""
    from keras_ref.legacy_facts import LOSS_ALIASES
    from keras_ref.reference.losses import LOSSES
    from keras_ref.reference.metrics import METRICS

    names = dict(optimizer_names())
    names |= {name: (name,) for name in (*LOSSES, *METRICS)}
    names |= {alias.lower(): (target,) for alias, target in LOSS_ALIASES.items()}
    names |= {"acc": _ACCURACY_METRICS, "accuracy": _ACCURACY_METRICS}
    return names


def _resolve(text: str, catalogue: dict[str, tuple[str, ...]], what: str) -> tuple[str, ...]:
    key = text.strip().lower()
    if key in catalogue:
        return catalogue[key]
    close = difflib.get_close_matches(key, list(catalogue), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise argparse.ArgumentTypeError(
        f"unknown {what} {text!r}{hint} (known: {', '.join(sorted(catalogue))})"
    )


def component(text: str) -> tuple[str, ...]:
    """An optimizer, loss or metric name or legacy alias (``mse``, ``acc``, ``Nadam``)."""
    return _resolve(text, component_names(), "component")


def optimizer(text: str) -> tuple[str, ...]:
    """An optimizer name, any case (``nadam``, ``Nadam``)."""
    return _resolve(text, optimizer_names(), "optimizer")


def flatten(groups: list[tuple[str, ...]] | None) -> list[str] | None:
    """The canonical names of an ``--only`` list, in order, each once (None stays None)."""
    if groups is None:
        return None
    return list(dict.fromkeys(name for group in groups for name in group))


def output_path(text: str) -> Path:
    """A file to write at the end of a run: its folder must exist and be writable now."""
    path = Path(text).expanduser()
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory; give a file name")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"{text!r} is not writable")
    return path


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format`` and ``--quiet``, shared by audit and bench."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="stdout: a table fitted to the terminal (default), Markdown, or JSON",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar or notes; only rows that fail and the summary line (for CI)",
    )


def add_backend_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--backend``: one backend, or 'all' (each in its own process)."""
    parser.add_argument(
        "--backend",
        choices=[*BACKENDS, "all"],
        default=os.environ.get("KERAS_BACKEND", "tensorflow"),
        help=f"backend to {verb}; 'all' runs each in its own process (default: KERAS_BACKEND)",
    )
