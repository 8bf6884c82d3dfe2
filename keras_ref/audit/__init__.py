"""The parity engine: fixed inputs, runs of keras_ref / stock Keras, and error measures."""

from keras_ref.audit.errors import max_relative_error as max_relative_error
from keras_ref.audit.errors import max_ulp_distance as max_ulp_distance
from keras_ref.audit.errors import trajectory_relative_error as trajectory_relative_error
from keras_ref.audit.inputs import SHAPES as SHAPES
from keras_ref.audit.inputs import gradient_sequence as gradient_sequence
from keras_ref.audit.inputs import initial_params as initial_params
from keras_ref.audit.trajectory import run_optimizer as run_optimizer

__all__ = [
    "SHAPES",
    "gradient_sequence",
    "initial_params",
    "max_relative_error",
    "max_ulp_distance",
    "run_optimizer",
    "trajectory_relative_error",
]
