"""The legacy ``keras.backend as K`` idiom over `keras.ops` only.

See docs/legacy-formulas.md#backend-idiom. Keras 3 removed these functions from `keras.backend`.
Legacy custom losses and metrics run unchanged after ``import keras_ref.backend as K``::

    import keras_ref.backend as K

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

Each function keeps the Keras 2.2.4 (TensorFlow backend) signature and semantics: reductions take
``axis=None, keepdims=False``; `K.mean` of a bool tensor is taken in `floatx`; `K.sqrt` clips
negative inputs to 0; `K.clip` treats ``max_value=None`` as +inf and lifts ``max_value`` to
``min_value`` when it is smaller; `K.switch` aligns a lower-rank condition with the *leading* axes.

Numerics (docs/legacy-formulas.md#numeric-traps): Python-number operands are rounded once, directly,
to the tensor's dtype; `mean` is ``sum / n`` (Keras 3's `ops.mean` runs at float32 precision on JAX
and torch); `maximum`/`minimum` keep the dtype and propagate NaN (`ops.maximum` returns float32 on
torch); `softplus` is ``max(x, 0) + log1p(exp(-|x|))`` (torch's returns ``x`` for x > 20). The three
crossentropies compute the legacy clip-and-log themselves: stock `keras.ops` crossentropies on
TensorFlow silently use the logits behind a Keras softmax/sigmoid instead.

One concept per module: `config` (epsilon, floatx), `elementwise`, `comparisons` (and `switch`),
`shapes` (dtype, shape, constructors), `reductions`, `crossentropy`, `ranking` (`in_top_k`);
`_operands` holds how they take Python-number operands and axes."""

from __future__ import annotations

from keras_ref.backend.comparisons import equal as equal
from keras_ref.backend.comparisons import greater as greater
from keras_ref.backend.comparisons import greater_equal as greater_equal
from keras_ref.backend.comparisons import less as less
from keras_ref.backend.comparisons import less_equal as less_equal
from keras_ref.backend.comparisons import not_equal as not_equal
from keras_ref.backend.comparisons import switch as switch
from keras_ref.backend.config import epsilon as epsilon
from keras_ref.backend.config import floatx as floatx
from keras_ref.backend.crossentropy import binary_crossentropy as binary_crossentropy
from keras_ref.backend.crossentropy import categorical_crossentropy as categorical_crossentropy
from keras_ref.backend.crossentropy import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from keras_ref.backend.elementwise import abs as abs
from keras_ref.backend.elementwise import clip as clip
from keras_ref.backend.elementwise import exp as exp
from keras_ref.backend.elementwise import log as log
from keras_ref.backend.elementwise import maximum as maximum
from keras_ref.backend.elementwise import minimum as minimum
from keras_ref.backend.elementwise import pow as pow
from keras_ref.backend.elementwise import round as round
from keras_ref.backend.elementwise import softplus as softplus
from keras_ref.backend.elementwise import sqrt as sqrt
from keras_ref.backend.elementwise import square as square
from keras_ref.backend.ranking import in_top_k as in_top_k
from keras_ref.backend.reductions import argmax as argmax
from keras_ref.backend.reductions import l2_normalize as l2_normalize
from keras_ref.backend.reductions import max as max
from keras_ref.backend.reductions import mean as mean
from keras_ref.backend.reductions import sum as sum
from keras_ref.backend.shapes import cast as cast
from keras_ref.backend.shapes import flatten as flatten
from keras_ref.backend.shapes import int_shape as int_shape
from keras_ref.backend.shapes import ndim as ndim
from keras_ref.backend.shapes import ones_like as ones_like
from keras_ref.backend.shapes import zeros_like as zeros_like
from keras_ref.legacy_facts import KERAS_REF_BACKEND

#: The legacy names this module exports (written once, in keras_ref.legacy_facts).
__all__ = sorted(KERAS_REF_BACKEND)
