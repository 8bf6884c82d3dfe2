"""Which Keras wrote an HDF5 model file, from its ``keras_version`` and ``backend`` attributes.

=====================================  =======================  ==================================
``keras_version``                      family                   optimizers the loader compiles
=====================================  =======================  ==================================
``1.x``                                ``"keras1"``             (refused)
``2.0`` - ``2.3.x`` (multi-backend)    ``"keras2"``             `keras_ref` (the Keras 2.2.4 rules)
``2.x.y-tf`` or ``2.4`` - ``2.x``      ``"tf2"``                `keras_ref.tf2` (tf.keras 2.x)
``3.x``                                ``"keras3"``             Keras 3's own loader
=====================================  =======================  ==================================

Keras 2.3.x is the last multi-backend release; its optimizers compute exactly the Keras 2.2.4
updates (same formulas and operation order) and differ only in the saved state (``iterations``
also for RMSprop/Adagrad/Adadelta, Nadam's ``m_schedule``) and the ``learning_rate`` key, so
it belongs to the Keras 2.2.4 family. Keras 2.4 only re-exported tf.keras, and tf.keras writes
its own version (``"2.2.4-tf"`` in TF 1.x-2.3, then the TF release's Keras, 2.4-2.15), so
those are tf.keras 2.x. See docs/legacy-h5.md.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["Family", "detect_family"]

Family = Literal["keras1", "keras2", "tf2", "keras3"]

_VERSION = re.compile(r"^\s*(\d+)(?:\.(\d+))?")


def detect_family(keras_version: str | None, backend: str | None, *, path: str) -> Family:
    """The family of the Keras that wrote the file `path` (see the module doc).

    A tf.keras version with a backend other than TensorFlow is contradictory and raises a
    ValueError naming the file; so does a version that is not a version.
    """
    text = (keras_version or "1").strip()
    match = _VERSION.match(text)
    if match is None:
        raise ValueError(f"load_model: {path}: keras_version {text!r} is not a version number.")
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    if major <= 1:
        return "keras1"
    if major >= 3:
        return "keras3"
    if text.endswith("-tf") or minor >= 4:
        if backend not in (None, "tensorflow"):
            raise ValueError(
                f"load_model: {path}: keras_version {text!r} is tf.keras, which only runs on "
                f"TensorFlow, but the file says backend {backend!r}."
            )
        return "tf2"
    return "keras2"
