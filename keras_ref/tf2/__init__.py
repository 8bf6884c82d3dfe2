"""The tf.keras 2.x legacy family (TensorFlow 2.0-2.15 ``tf.keras``), exactly, on every backend."""

from __future__ import annotations

from keras_ref.tf2 import optimizers as optimizers
from keras_ref.tf2.optimizers import SGD as SGD
from keras_ref.tf2.optimizers import Adadelta as Adadelta
from keras_ref.tf2.optimizers import Adagrad as Adagrad
from keras_ref.tf2.optimizers import Adam as Adam
from keras_ref.tf2.optimizers import Adamax as Adamax
from keras_ref.tf2.optimizers import Ftrl as Ftrl
from keras_ref.tf2.optimizers import Nadam as Nadam
from keras_ref.tf2.optimizers import RMSprop as RMSprop

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "Ftrl",
    "Nadam",
    "RMSprop",
    "optimizers",
]
