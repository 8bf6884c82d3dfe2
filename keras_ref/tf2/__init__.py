"""The tf.keras 2.x legacy family (TensorFlow 2.0-2.15 ``tf.keras``), exactly, on every backend.

Optimizers: docs/tf2-optimizers.md; losses, metrics and compile: docs/tf2-losses-metrics.md.
"""

from __future__ import annotations

from keras_ref.tf2 import losses as losses
from keras_ref.tf2 import metrics as metrics
from keras_ref.tf2 import optimizers as optimizers
from keras_ref.tf2.optimizers import SGD as SGD
from keras_ref.tf2.optimizers import Adadelta as Adadelta
from keras_ref.tf2.optimizers import Adagrad as Adagrad
from keras_ref.tf2.optimizers import Adam as Adam
from keras_ref.tf2.optimizers import Adamax as Adamax
from keras_ref.tf2.optimizers import Ftrl as Ftrl
from keras_ref.tf2.optimizers import Nadam as Nadam
from keras_ref.tf2.optimizers import RMSprop as RMSprop
from keras_ref.tf2.training import compile as compile  # tf.keras 2.x model.compile semantics

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "Ftrl",
    "Nadam",
    "RMSprop",
    "compile",
    "losses",
    "metrics",
    "optimizers",
]
