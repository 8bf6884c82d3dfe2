"""Independent NumPy transcriptions of the legacy formulas (docs/legacy-formulas.md).

Nothing here imports Keras or the rest of keras_ref: these are the oracles that the parity suite
and `keras-ref audit` compare keras_ref (and stock Keras 3) against.
"""

from keras_ref.reference import losses as losses
from keras_ref.reference import metrics as metrics
from keras_ref.reference import optimizers as optimizers
from keras_ref.reference import tf2_losses as tf2_losses
from keras_ref.reference import tf2_optimizers as tf2_optimizers

__all__ = ["losses", "metrics", "optimizers", "tf2_losses", "tf2_optimizers"]
