"""Argument checks shared by every public constructor: fail early, name argument and range."""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable


def real_number(name: str, value, *, owner: str) -> float:
    """`value` as a Python float; TypeError unless it is a real number (bool is not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: `{name}` must be a real number, got {value!r} ({type(value).__name__})."
        )
    return float(value)


def non_negative(name: str, value, *, owner: str) -> float:
    """A finite float >= 0."""
    value = real_number(name, value, owner=owner)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{owner}: `{name}` must be a finite float >= 0, got {value!r}.")
    return value


def in_range(name: str, value, low: float, high: float, *, owner: str, closed_high: bool) -> float:
    """A finite float in [low, high] (or [low, high) when `closed_high` is False)."""
    value = real_number(name, value, owner=owner)
    upper_ok = value <= high if closed_high else value < high
    if not (math.isfinite(value) and value >= low and upper_ok):
        bracket = "]" if closed_high else ")"
        raise ValueError(
            f"{owner}: `{name}` must be a finite float in [{low:g}, {high:g}{bracket}, "
            f"got {value!r}."
        )
    return value


def optional_non_negative(name: str, value, *, owner: str) -> float | None:
    """None, or a finite float >= 0."""
    return None if value is None else non_negative(name, value, owner=owner)


def boolean(name: str, value, *, owner: str) -> bool:
    """A real bool (NumPy's included); TypeError for 0/1, strings and the rest."""
    if type(value).__name__ == "bool_" or isinstance(value, bool):
        return bool(value)
    raise TypeError(f"{owner}: `{name}` must be a bool (True or False), got {value!r}.")


def unknown_keywords(owner: str, given: Iterable[str], allowed: Iterable[str]) -> None:
    """TypeError naming the first unknown keyword, with a 'did you mean' hint."""
    allowed = sorted(allowed)
    for key in given:
        if key not in allowed:
            raise TypeError(
                f"{owner} got an unexpected keyword argument `{key}`.{did_you_mean(key, allowed)}"
                f" Allowed: {', '.join(allowed)}."
            )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean "x"?' for the closest choice, or an empty string."""
    hint = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' Did you mean "{hint[0]}"?' if hint else ""


class UnknownIdentifierError(ValueError, TypeError):
    """An identifier that `get` cannot resolve (a number, an unknown object).

    Both a ValueError (what Keras 2.2.4's `get` functions raised) and a TypeError (what Keras 3
    raises), so code written against either keeps catching it. See docs/legacy-api.md.
    """


def unknown_identifier(owner: str, expected: str, identifier) -> UnknownIdentifierError:
    """The error `get` raises for an identifier of the wrong kind."""
    return UnknownIdentifierError(
        f"{owner}: `identifier` must be {expected}, got {identifier!r} "
        f"({type(identifier).__name__})."
    )
