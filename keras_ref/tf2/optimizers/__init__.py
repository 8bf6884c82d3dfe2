"""The eight tf.keras 2.x optimizers (``tf.keras.optimizers.legacy``), on every backend."""

from __future__ import annotations

from keras_ref.tf2.optimizers.adadelta import Adadelta as Adadelta
from keras_ref.tf2.optimizers.adagrad import Adagrad as Adagrad
from keras_ref.tf2.optimizers.adam import Adam as Adam
from keras_ref.tf2.optimizers.adamax import Adamax as Adamax
from keras_ref.tf2.optimizers.base import TF2Optimizer as TF2Optimizer
from keras_ref.tf2.optimizers.ftrl import Ftrl as Ftrl
from keras_ref.tf2.optimizers.nadam import Nadam as Nadam
from keras_ref.tf2.optimizers.rmsprop import RMSprop as RMSprop
from keras_ref.tf2.optimizers.sgd import SGD as SGD
from keras_ref.tf2.optimizers.state import restore_tf_keras_state as restore_tf_keras_state

ALL_OPTIMIZERS: dict[str, type[TF2Optimizer]] = {
    cls.__name__.lower(): cls
    for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam, Ftrl)
}

__all__ = [
    "ALL_OPTIMIZERS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "Ftrl",
    "Nadam",
    "RMSprop",
    "TF2Optimizer",
    "restore_tf_keras_state",
]
