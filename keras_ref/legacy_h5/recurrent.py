"""Recurrent layers that keep the sequence's mask when called with ``initial_state``.

Keras 3 fills a layer's ``mask`` argument from its input only when the call has a single tensor
argument, so ``LSTM(...)(x, initial_state=[h, c])`` ignores the mask of ``x`` (an Embedding's
``mask_zero``): masked steps are computed instead of carrying the previous output and state as
Keras 2 did. The loader rebuilds a Keras 2 recurrent layer called with ``initial_state`` as one
of these subclasses, which pass the sequence's mask explicitly. See docs/legacy-h5.md.
"""

from __future__ import annotations

import keras

from keras_ref._keras_compat import get_keras_mask

__all__ = ["STATEFUL_CALL_CLASSES", "LegacyGRU", "LegacyLSTM", "LegacySimpleRNN"]


class _MaskWithInitialState:
    def __call__(self, sequences, *args, initial_state=None, mask=None, **kwargs):
        if mask is None and initial_state is not None:
            mask = get_keras_mask(sequences)
        return super().__call__(sequences, *args, initial_state=initial_state, mask=mask, **kwargs)


@keras.saving.register_keras_serializable(package="keras_ref")
class LegacyLSTM(_MaskWithInitialState, keras.layers.LSTM):
    """`keras.layers.LSTM` that uses the sequence's mask also with ``initial_state``."""


@keras.saving.register_keras_serializable(package="keras_ref")
class LegacyGRU(_MaskWithInitialState, keras.layers.GRU):
    """`keras.layers.GRU` that uses the sequence's mask also with ``initial_state``."""


@keras.saving.register_keras_serializable(package="keras_ref")
class LegacySimpleRNN(_MaskWithInitialState, keras.layers.SimpleRNN):
    """`keras.layers.SimpleRNN` that uses the sequence's mask also with ``initial_state``."""


#: Keras 2 class name -> the class the loader uses for a call with ``initial_state``.
STATEFUL_CALL_CLASSES: dict[str, type] = {
    "LSTM": LegacyLSTM,
    "GRU": LegacyGRU,
    "SimpleRNN": LegacySimpleRNN,
}
