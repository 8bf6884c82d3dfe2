"""Keras 2 HDF5 models (Keras 2.x and tf.keras 2.x ``model.save("m.h5")``) on Keras 3.

>>> import keras_ref.legacy_h5
>>> model = keras_ref.legacy_h5.load_model("keras2_model.h5")  # doctest: +SKIP
>>> model.fit(x, y)  # doctest: +SKIP

`load_model` rebuilds the architecture, loads the weights by layer name, compiles with the
keras_ref optimizer, losses and metrics named in the file and restores the optimizer state, so
``fit`` continues the Keras 2 run. See docs/legacy-h5.md.
"""

from __future__ import annotations

from keras_ref.legacy_h5.architecture import legacy_hard_sigmoid as legacy_hard_sigmoid
from keras_ref.legacy_h5.family import detect_family as detect_family
from keras_ref.legacy_h5.loader import load_model as load_model

load_legacy_h5 = load_model  # also offered as keras_ref.load_legacy_h5 and keras_ref.load_model

__all__ = ["detect_family", "legacy_hard_sigmoid", "load_legacy_h5", "load_model"]
