"""What changed between Keras 2.2.4 and Keras 3 (measured with keras 3.15.1), as data.

The magnitudes are those of docs/legacy-formulas.md and the audit; the migrate command quotes them.
No Keras import here: `keras-ref migrate` runs without a backend.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- effect kinds, most serious first -------------------------------------------------------------
ERROR = "error"  # Keras 3 raises
IGNORED = "ignored"  # Keras 3 accepts it and does nothing
NUMBERS = "numbers"  # Keras 3 computes something else
RENAMED = "renamed"  # same numbers under another name (history keys)
ROUNDING = "rounding"  # float32 rounding only
NOTE = "note"  # differs only in edge cases
#: Kinds that need attention (they set exit status 1 when left as they are).
SERIOUS = frozenset({ERROR, IGNORED, NUMBERS, RENAMED})


@dataclass(frozen=True)
class Optimizer:
    """One Keras 2.2.4 optimizer: positional order, defaults, the Keras 3 positional order."""

    name: str
    positional: tuple[str, ...]
    default_lr: float
    stock_default_lr: float
    stock_positional: tuple[str, ...]


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("SGD", ("lr", "momentum", "decay", "nesterov"), 0.01, 0.01,
                  ("learning_rate", "momentum", "nesterov", "weight_decay")),
        Optimizer("RMSprop", ("lr", "rho", "epsilon", "decay"), 0.001, 0.001,
                  ("learning_rate", "rho", "momentum", "epsilon")),
        Optimizer("Adagrad", ("lr", "epsilon", "decay"), 0.01, 0.001,
                  ("learning_rate", "initial_accumulator_value", "epsilon")),
        Optimizer("Adadelta", ("lr", "rho", "epsilon", "decay"), 1.0, 0.001,
                  ("learning_rate", "rho", "epsilon", "weight_decay")),
        Optimizer("Adam", ("lr", "beta_1", "beta_2", "epsilon", "decay", "amsgrad"), 0.001, 0.001,
                  ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay")),
        Optimizer("Adamax", ("lr", "beta_1", "beta_2", "epsilon", "decay"), 0.002, 0.001,
                  ("learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay")),
        Optimizer("Nadam", ("lr", "beta_1", "beta_2", "epsilon", "schedule_decay"), 0.002, 0.001,
                  ("learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay")),
    )
}  # fmt: skip

#: Keras 2.2.4 lower-case aliases (``keras.optimizers.sgd``) and ``optimizers.get`` names.
OPTIMIZER_NAMES = {name.lower(): name for name in OPTIMIZERS}

LR_REJECTED = (
    "Keras 3 rejects `lr=` (ValueError: Argument(s) not recognized); it is `learning_rate`"
)
DECAY_IGNORED = (
    "Keras 3 warns and ignores `decay=`: the rate stays lr (Keras 2: lr / (1 + decay * k) after k "
    "steps)"
)
EPSILON_NONE = (
    "Keras 3 fails at the first step with `epsilon=None` (Keras 2 read keras.config.epsilon(), "
    "1e-7)"
)
SCHEDULE_DECAY = "Keras 3 Nadam has no `schedule_decay=` (ValueError: Argument(s) not recognized)"
CLIPNORM = (
    "Keras 3 `clipnorm=` clips each variable's gradient by its own norm; Keras 2 clipped by the "
    "global norm over all gradients"
)
CLIP_BOTH = (
    "Keras 3 raises ValueError: only one of clipnorm, clipvalue and global_clipnorm can be set"
)
LEGACY_NAMESPACE = "Keras 3 has no `keras.optimizers.legacy` (AttributeError)"
LOWERCASE_ALIAS = "Keras 3 has no lower-case optimizer aliases such as `{alias}` (AttributeError)"
RMSPROP = "Keras 3 RMSprop puts epsilon inside the sqrt: step 0.71x at |g|=1e-3, 0.10x at |g|=1e-4"
ADAGRAD = (
    "Keras 3 Adagrad starts the accumulator at 0.1, puts epsilon inside the sqrt and defaults to "
    "lr 0.001: the first default step is 10-300x smaller"
)
NADAM = (
    "Keras 3 Nadam's momentum schedule is 0.96**t, not 0.96**(t * schedule_decay): mu_100 is "
    "0.892 against 0.457"
)
ADAM = "Keras 3 Adam computes 1 - beta in Python: float32 steps ~6.5e-6 (relative) smaller"
DEFAULT_LR = (
    "Keras 3 {name} defaults to learning_rate={stock!r} (Keras 2: {legacy!r}): steps {ratio}"
)
GET_NON_LITERAL = (
    "Keras 3 optimizers.get builds stock Keras 3 optimizers (other defaults and update rules; "
    "Keras 2 config keys such as `lr` raise)"
)
POSITIONAL = "positional argument {index} is `{legacy}` in Keras 2 but `{stock}` in Keras 3"

# -- losses ---------------------------------------------------------------------------------------
#: Keras 2 loss names Keras 3 no longer resolves, with the stock Keras 3 function.
REMOVED_LOSSES = {
    "logcosh": "log_cosh",
    "cosine_proximity": "cosine_similarity",
    "cosine": "cosine_similarity",
    "kullback_leibler_divergence": "kl_divergence",
}
#: `keras.losses.<name>` attributes Keras 3 lacks, with the stock Keras 3 function.
REMOVED_LOSS_ATTRIBUTES = {
    **REMOVED_LOSSES,
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence",
    "KLD": "kl_divergence",
}
#: Every loss name keras_ref.losses exports (the Keras 2.2.4 names and aliases).
KERAS_REF_LOSSES = frozenset(
    {
        "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge",
        "logcosh", "categorical_crossentropy", "sparse_categorical_crossentropy",
        "binary_crossentropy", "kullback_leibler_divergence", "poisson", "cosine_proximity",
        "cosine", "mse", "mae", "mape", "msle", "kld", "MSE", "MAE", "MAPE", "MSLE", "KLD",
    }
)  # fmt: skip
LOSS_REMOVED = "Keras 3 no longer resolves the loss `{name}` (ValueError / AttributeError)"
HINGE = (
    "Keras 3 maps {{0,1}} labels to {{-1,1}} first: with {{0,1}} labels `{name}` differs "
    "(audit: {drift} relative)"
)
HINGE_DRIFT = {"hinge": "0.51", "squared_hinge": "1.5"}
CROSSENTROPY = (
    "on TensorFlow Keras 3 uses the logits behind a softmax/sigmoid instead of clipping "
    "(40.0 vs 16.118 on a saturated prediction)"
)
SPARSE_RENORMALISATION = "; on JAX/torch it does not renormalise the clipped probabilities"
COSINE_FLOOR = "Keras 3 cosine_similarity floors the norm at eps**2, Keras 2 at 1e-12"
WEIGHTED_REDUCTION = (
    "this file passes sample weights: Keras 3 divides the weighted loss sum by N, Keras 2 by "
    "count(w != 0) (they differ whenever a weight is 0)"
)

# -- metrics and compile --------------------------------------------------------------------------
ACCURACY_KEY = "the log/history key is `accuracy` in Keras 3, `acc` in Keras 2"
ACCURACY_RULE = (
    "Keras 3 picks the accuracy by output shape only: a multi-unit output trained with "
    "binary_crossentropy gets categorical accuracy (Keras 2: binary)"
)
BINARY_ACCURACY = (
    "Keras 3 thresholds y_pred > 0.5, Keras 2 rounds (they differ outside [-0.5, 1.5))"
)
CE_METRIC = "Keras 3 does not resolve the metric `{name}` (ValueError)"
CUSTOM_METRIC = (
    "Keras 3 averages a scalar-valued metric function over batches unweighted (Keras 2: weighted "
    "by batch size): the epoch value differs when the last batch is smaller"
)
WEIGHTED_METRICS = (
    "Keras 3 weighted metrics accumulate sum(w*v)/sum(w) over the epoch, Keras 2 averaged "
    "per-batch sum(w*v)/count(w != 0) (7 samples in batches 3/3/1: 0.75 vs 1.285714)"
)
COMPILE_POSITIONAL = (
    "the {index} positional argument of Keras 3 compile is `{stock}` (Keras 2: `{legacy}`)"
)
SAMPLE_WEIGHT_MODE = "Keras 3 compile has no `sample_weight_mode=` (TypeError)"
TARGET_TENSORS = "Keras 3 compile has no `target_tensors=` (TypeError)"
LEGACY_COMPILE = ("optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode",
                  "weighted_metrics", "target_tensors")  # fmt: skip
STOCK_COMPILE = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics")
COMPILE_KEYWORDS = frozenset(LEGACY_COMPILE)

# -- the K idiom ----------------------------------------------------------------------------------
#: `keras_ref.backend.__all__` (a test keeps the two equal).
KERAS_REF_BACKEND = frozenset(
    {
        "abs", "argmax", "binary_crossentropy", "cast", "categorical_crossentropy", "clip",
        "epsilon", "equal", "exp", "flatten", "floatx", "greater", "greater_equal", "in_top_k",
        "int_shape", "l2_normalize", "less", "less_equal", "log", "max", "maximum", "mean",
        "minimum", "ndim", "not_equal", "ones_like", "pow", "round", "softplus",
        "sparse_categorical_crossentropy", "sqrt", "square", "sum", "switch", "zeros_like",
    }
)  # fmt: skip
#: The public names of Keras 3's own `keras.backend` (keras 3.15.1).
KERAS3_BACKEND = frozenset(
    {
        "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format",
        "is_float_dtype", "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon",
        "set_floatx", "set_image_data_format", "standardize_dtype",
    }
)  # fmt: skip
BACKEND_REMOVED = "Keras 3 removed `K.{name}` from keras.backend (AttributeError)"
#: Keras 2 K functions that keras.ops has under the same name (not all with the same semantics).
KERAS_OPS = frozenset(
    {
        "reshape", "concatenate", "expand_dims", "squeeze", "stack", "dot", "transpose", "tile",
        "sigmoid", "tanh", "relu", "softmax", "elu", "shape", "sign", "zeros", "ones", "arange",
        "cumsum", "cumprod", "min", "prod", "std", "var", "any", "all", "argmin", "log1p",
        "repeat", "sort", "one_hot", "cos", "sin", "abs", "square", "sqrt", "exp",
    }
)  # fmt: skip
#: K functions with an exact `keras.ops` equivalent for float tensors (stock route).
STOCK_OPS = {
    "abs": "abs", "square": "square", "exp": "exp", "log": "log", "sum": "sum", "max": "max",
    "equal": "equal", "not_equal": "not_equal", "greater": "greater",
    "greater_equal": "greater_equal", "less": "less", "less_equal": "less_equal",
    "cast": "cast", "round": "round", "ndim": "ndim", "pow": "power", "mean": "mean",
    "maximum": "maximum", "minimum": "minimum", "softplus": "softplus", "argmax": "argmax",
    "sqrt": "sqrt", "ones_like": "ones_like", "zeros_like": "zeros_like", "flatten": "reshape",
}  # fmt: skip
#: Caveats of those `keras.ops` functions (docs/legacy-formulas.md#numeric-traps).
STOCK_OPS_NOTES = {
    "mean": "keras.ops.mean of float64 runs at float32 precision on JAX and torch (~1e-7)",
    "maximum": "keras.ops.maximum returns float32 for float64 inputs on torch",
    "minimum": "keras.ops.minimum returns float32 for float64 inputs on torch",
    "softplus": "keras.ops.softplus returns x for x > 20 on torch (2e-9 off in float64)",
}
#: K functions without an exact stock equivalent, and why.
NO_STOCK_OPS = {
    "switch": "K.switch aligns a lower-rank condition with the leading axes; keras.ops.where "
    "broadcasts from the trailing axes",
    "clip": "K.clip treats max_value=None as +inf and lifts max_value to min_value",
    "l2_normalize": "K.l2_normalize floors the squared norm at 1e-12; keras.ops.normalize does not",
    "int_shape": "use `tuple(x.shape)`",
    "in_top_k": "keras.ops.in_top_k counts rows with NaN/inf as hits on JAX and torch",
    "categorical_crossentropy": CROSSENTROPY,
    "sparse_categorical_crossentropy": CROSSENTROPY,
    "binary_crossentropy": CROSSENTROPY,
}
