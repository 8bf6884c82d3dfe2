"""keras_ref: the Keras 2.2.4 optimizers, losses and metrics, exactly, on Keras 3.

>>> import keras_ref
>>> model.compile(optimizer=keras_ref.Nadam(), loss=keras_ref.losses.get("mape"))  # doctest: +SKIP
>>> keras_ref.compile(model, "nadam", "logcosh", metrics=["acc"])  # doctest: +SKIP

Importing the package imports no backend: each name below is loaded on first use (PEP 562),
so ``keras-ref --help`` and ``keras-ref migrate`` never start TensorFlow, jax or torch. The
classes a saved ``.keras`` file may name are registered as soon as Keras itself is imported
(`keras_ref._registration`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keras_ref import _registration
from keras_ref._lazy import lazy_attributes
from keras_ref._version import __version__ as __version__

if TYPE_CHECKING:  # what type checkers and IDEs see; nothing of this runs at import time
    from keras_ref import backend as backend
    from keras_ref import legacy_h5 as legacy_h5
    from keras_ref import losses as losses
    from keras_ref import metrics as metrics
    from keras_ref import optimizers as optimizers
    from keras_ref import reference as reference
    from keras_ref import tf2 as tf2
    from keras_ref import training as training
    from keras_ref.legacy_h5 import load_model as load_legacy_h5
    from keras_ref.legacy_h5 import load_model as load_model
    from keras_ref.optimizers import SGD as SGD
    from keras_ref.optimizers import Adadelta as Adadelta
    from keras_ref.optimizers import Adagrad as Adagrad
    from keras_ref.optimizers import Adam as Adam
    from keras_ref.optimizers import Adamax as Adamax
    from keras_ref.optimizers import Nadam as Nadam
    from keras_ref.optimizers import RMSprop as RMSprop
    from keras_ref.training import compile as compile  # the legacy model.compile signature

_SUBMODULES = (
    "backend",
    "legacy_h5",
    "losses",
    "metrics",
    "optimizers",
    "reference",
    "tf2",
    "training",
)
_OPTIMIZERS = ("SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "RMSprop")

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        **{name: (f"keras_ref.{name}", None) for name in _SUBMODULES},
        **{name: ("keras_ref.optimizers", name) for name in _OPTIMIZERS},
        "compile": ("keras_ref.training", "compile"),
        "load_legacy_h5": ("keras_ref.legacy_h5", "load_model"),
        "load_model": ("keras_ref.legacy_h5", "load_model"),
    },
)

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Adamax",
    "Nadam",
    "RMSprop",
    "__version__",
    "backend",
    "compile",
    "legacy_h5",
    "load_legacy_h5",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "reference",
    "tf2",
    "training",
]

_registration.register_when_keras_is_imported()
