"""The parity engine: fixed inputs, runs of keras_ref / stock Keras, and error measures.

Names load on first use, so the CLI can read `keras_ref.audit.grid` without importing Keras.
"""

from typing import TYPE_CHECKING

from keras_ref._lazy import lazy_attributes

if TYPE_CHECKING:
    from keras_ref.audit.errors import max_relative_error as max_relative_error
    from keras_ref.audit.errors import max_ulp_distance as max_ulp_distance
    from keras_ref.audit.errors import trajectory_relative_error as trajectory_relative_error
    from keras_ref.audit.inputs import SHAPES as SHAPES
    from keras_ref.audit.inputs import gradient_sequence as gradient_sequence
    from keras_ref.audit.inputs import initial_params as initial_params
    from keras_ref.audit.trajectory import run_optimizer as run_optimizer

_NAMES = {
    "SHAPES": ("keras_ref.audit.inputs", "SHAPES"),
    "gradient_sequence": ("keras_ref.audit.inputs", "gradient_sequence"),
    "initial_params": ("keras_ref.audit.inputs", "initial_params"),
    "max_relative_error": ("keras_ref.audit.errors", "max_relative_error"),
    "max_ulp_distance": ("keras_ref.audit.errors", "max_ulp_distance"),
    "run_optimizer": ("keras_ref.audit.trajectory", "run_optimizer"),
    "trajectory_relative_error": ("keras_ref.audit.errors", "trajectory_relative_error"),
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES)
__all__ = sorted(_NAMES)
