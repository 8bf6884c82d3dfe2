"""`keras-ref bench`: keras_ref against stock Keras 3, timed in the same process."""
