"""What changed between Keras 2.2.4 and Keras 3 (measured with keras 3.15.1), as data.

The magnitudes are those of docs/legacy-formulas.md and the audit; the migrate command quotes them.
No Keras import here: `keras-ref migrate` runs without a backend.
"""

from __future__ import annotations

from keras_ref.legacy_facts import (  # noqa: F401  (re-exported: the rules read them as K.*)
    KERAS3_BACKEND,
    KERAS_OPS,
    KERAS_REF_BACKEND,
    KERAS_REF_LOSSES,
    OPTIMIZER_NAMES,
    OPTIMIZERS,
    REMOVED_LOSS_ATTRIBUTES,
    REMOVED_LOSSES,
    STOCK_OPS,
    Optimizer,
)

# -- effect kinds, most serious first -------------------------------------------------------------
ERROR = "error"  # Keras 3 raises
IGNORED = "ignored"  # Keras 3 accepts it and does nothing
NUMBERS = "numbers"  # Keras 3 computes something else
RENAMED = "renamed"  # same numbers under another name (history keys)
ROUNDING = "rounding"  # float32 rounding only
NOTE = "note"  # differs only in edge cases
#: Kinds that need attention (they set exit status 1 when left as they are).
SERIOUS = frozenset({ERROR, IGNORED, NUMBERS, RENAMED})


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
TF2_DECAY = (
    "Keras 3 warns and ignores `decay=`: the rate stays lr (tf.keras 2.x: lr / (1 + decay * k) "
    "after k steps)"
)
TF2_EPSILON = "tf.keras 2.x used 1e-7 for epsilon=0 or None; Keras 3 uses 0 or fails"
TF2_FTRL_LR = "tf.keras 2.x Ftrl ignored `lr=` (it trained with learning_rate); Keras 3 rejects it"
TF2_RMSPROP = (
    "Keras 3 RMSprop puts epsilon inside the sqrt; tf.keras 2.x put it outside when momentum=0 "
    "(step 0.71x at |g|=1e-3, 0.10x at |g|=1e-4)"
)
TF2_ADAGRAD = (
    "Keras 3 Adagrad puts epsilon inside the sqrt (tf.keras 2.x: outside): ~2e-7 relative with "
    "the default accumulator 0.1, more with a smaller one"
)
TF2_ADADELTA = "Keras 3 computes 1 - rho in Python (tf.keras 2.x from float32 rho): ~3 ulp"
POSITIONAL = "positional argument {index} is `{legacy}` in Keras 2 but `{stock}` in Keras 3"

# -- losses ---------------------------------------------------------------------------------------
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

# -- Keras 1 and 2 APIs Keras 3 renamed or removed ----------------------------------------------
GENERATOR_METHOD = "Keras 3 models have no `{legacy}` (AttributeError): `{stock}` takes generators"
WORKER_ARGUMENTS = (
    "Keras 3 {stock}() takes no max_queue_size/workers/use_multiprocessing (TypeError): "
    "dropped (give them to a keras.utils.PyDataset to keep parallel loading)"
)
TRAINING_KEYWORD = "Keras 3 {method}() has no `{legacy}=` (TypeError): it is `{stock}=`"
SAMPLES_KEYWORD = "Keras 3 {method}() has no `{legacy}=` (TypeError) and counts steps, not samples"
MODEL_KEYWORDS = "Keras 3 Model takes `inputs=`/`outputs=`, not the Keras 1 `input=`/`output=`"
KERAS1_KEYWORD = "Keras 3 layers have no Keras 1 `{legacy}=` (TypeError): it is `{stock}=`"
KERAS1_BY_HAND = "Keras 3 layers have no Keras 1 `{legacy}=` (TypeError)"
CONV_KERNEL = (
    "Keras 2 read `{name}(filters, rows, cols)` as kernel_size=(rows, cols); Keras 3 reads the "
    "third argument as strides"
)
MODULE_MOVED = "Keras 3 has no `{module}` module (ModuleNotFoundError): the names are in `{target}`"
API_REMOVED = "Keras 3 has no `{name}` (ImportError / AttributeError)"
MODULE_NAME_GONE = "Keras 3 has no `{name}` (in `{module}` in Keras 2)"
BACKEND_TF = (
    "Keras 3 keras.backend has no `{name}` (AttributeError); it was TensorFlow itself (the "
    "rewrite runs on the tensorflow backend only; keras.ops is backend-neutral)"
)

# -- the K idiom ----------------------------------------------------------------------------------
BACKEND_REMOVED = "Keras 3 removed `K.{name}` from keras.backend (AttributeError)"
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
