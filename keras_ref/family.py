"""The legacy families keras_ref reproduces, and the one function that names them.

=========  ====================================================================================
family     what it reproduces
=========  ====================================================================================
keras2     multi-backend Keras 2.2.4 (`keras_ref.optimizers`, `keras_ref.losses`, ...): default
tf2        tf.keras 2.x, TensorFlow 2.2-2.15 (`keras_ref.tf2`); see docs/tf2-losses-metrics.md
=========  ====================================================================================

>>> resolve_family("tf.keras")
'tf2'
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DEFAULT_FAMILY", "FAMILIES", "FAMILY_ALIASES", "Family", "resolve_family"]

Family = Literal["keras2", "tf2"]

#: The canonical family names, each with a one-line description.
FAMILIES: dict[str, str] = {
    "keras2": "multi-backend Keras 2.2.4",
    "tf2": "tf.keras 2.x (TensorFlow 2.2-2.15, the tf_keras package)",
}

DEFAULT_FAMILY: Family = "keras2"

#: Other spellings accepted for each family (compared case-insensitively).
FAMILY_ALIASES: dict[str, str] = {
    "keras2": "keras2",
    "2.2.4": "keras2",
    "keras-2.2.4": "keras2",
    "keras2.2.4": "keras2",
    "keras": "keras2",
    "tf2": "tf2",
    "tf.keras": "tf2",
    "tf_keras": "tf2",
    "tf-keras": "tf2",
    "tensorflow.keras": "tf2",
    "tf.keras2": "tf2",
}


def resolve_family(family: str | None) -> Family:
    """The canonical family name ("keras2" or "tf2") for `family` or one of its aliases.

    None gives the default, "keras2". Anything else raises ValueError naming the valid choices.
    """
    if family is None:
        return DEFAULT_FAMILY
    if not isinstance(family, str):
        raise TypeError(
            f"`family` must be a string ({_choices()}), got {family!r} ({type(family).__name__})."
        )
    canonical = FAMILY_ALIASES.get(family.strip().lower())
    if canonical is None:
        raise ValueError(f"Unknown `family` {family!r}. Valid choices: {_choices()}.")
    return canonical  # type: ignore[return-value]


def _choices() -> str:
    names = ", ".join(f"{name!r} ({text})" for name, text in FAMILIES.items())
    aliases = ", ".join(repr(a) for a in FAMILY_ALIASES if a not in FAMILIES)
    return f"{names}; aliases: {aliases}"
