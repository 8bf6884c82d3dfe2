"""keras_ref.tf2: the tf.keras 2.x family (TensorFlow 2.2-2.15), on every Keras 3 backend."""

from keras_ref.tf2 import losses as losses
from keras_ref.tf2 import metrics as metrics
from keras_ref.tf2.training import compile as compile  # tf.keras 2.x model.compile semantics

__all__ = ["compile", "losses", "metrics"]
