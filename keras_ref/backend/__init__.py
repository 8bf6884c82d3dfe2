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

from keras_ref.backend.comparisons import (
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    not_equal,
    switch,
)
from keras_ref.backend.config import epsilon, floatx
from keras_ref.backend.crossentropy import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from keras_ref.backend.elementwise import (
    abs,
    clip,
    exp,
    log,
    maximum,
    minimum,
    pow,
    round,
    softplus,
    sqrt,
    square,
)
from keras_ref.backend.ranking import in_top_k
from keras_ref.backend.reductions import argmax, l2_normalize, max, mean, sum
from keras_ref.backend.shapes import cast, flatten, int_shape, ndim, ones_like, zeros_like

__all__ = [
    "abs",
    "argmax",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "clip",
    "epsilon",
    "equal",
    "exp",
    "flatten",
    "floatx",
    "greater",
    "greater_equal",
    "in_top_k",
    "int_shape",
    "l2_normalize",
    "less",
    "less_equal",
    "log",
    "max",
    "maximum",
    "mean",
    "minimum",
    "ndim",
    "not_equal",
    "ones_like",
    "pow",
    "round",
    "softplus",
    "sparse_categorical_crossentropy",
    "sqrt",
    "square",
    "sum",
    "switch",
    "zeros_like",
]
