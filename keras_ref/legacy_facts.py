"""The legacy Keras APIs and their Keras 3 counterparts, as plain data (no Keras import).

One place per fact: `keras-ref migrate` reads these tables (and so can the library), and
docs/migration.md is generated from them (`python -m keras_ref.migrate.table`). Keras 3 names
are those of keras 3.15; a test checks every table against the installed Keras.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# -- Keras 2.2.4 optimizers -----------------------------------------------------------------------
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


# -- Keras 2.2.4 losses ---------------------------------------------------------------------------
#: The Keras 2.2.4 loss functions, in the order of its `keras.losses`.
LOSS_NAMES = (
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "kullback_leibler_divergence", "poisson", "cosine_proximity",
)  # fmt: skip
#: The Keras 2.2.4 loss aliases, with the loss each one names.
LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "MSE": "mean_squared_error",
    "mae": "mean_absolute_error",
    "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "MSLE": "mean_squared_logarithmic_error",
    "kld": "kullback_leibler_divergence",
    "KLD": "kullback_leibler_divergence",
    "cosine": "cosine_proximity",
}
#: Every loss name keras_ref.losses exports (the Keras 2.2.4 names and aliases).
KERAS_REF_LOSSES = frozenset((*LOSS_NAMES, *LOSS_ALIASES))
#: Keras 2 loss names Keras 3 no longer resolves, with the stock Keras 3 function.
REMOVED_LOSSES = {
    "logcosh": "log_cosh",
    "cosine_proximity": "cosine_similarity",
    "cosine": "cosine_similarity",
    "kullback_leibler_divergence": "kl_divergence",
}
#: `keras.losses.<name>` attributes Keras 3 lacks (the removed names and the aliases), with the
#: stock Keras 3 function.
REMOVED_LOSS_ATTRIBUTES = {
    **REMOVED_LOSSES,
    **{
        alias: REMOVED_LOSSES.get(loss, loss)
        for alias, loss in LOSS_ALIASES.items()
        if alias not in REMOVED_LOSSES
    },
}

#: The legacy `K` functions keras_ref.backend exports (its `__all__` reads this).
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

# -- tf.keras 2.x optimizers (OptimizerV2, `tf.keras.optimizers.legacy`) --------------------------
#: Their constructor order: the Keras 3 order, so the arguments pass through unchanged.
TF2_OPTIMIZERS: dict[str, tuple[str, ...]] = {
    "SGD": ("learning_rate", "momentum", "nesterov", "name"),
    "RMSprop": ("learning_rate", "rho", "momentum", "epsilon", "centered", "name"),
    "Adagrad": ("learning_rate", "initial_accumulator_value", "epsilon", "name"),
    "Adadelta": ("learning_rate", "rho", "epsilon", "name"),
    "Adam": ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", "name"),
    "Adamax": ("learning_rate", "beta_1", "beta_2", "epsilon", "name"),
    "Nadam": ("learning_rate", "beta_1", "beta_2", "epsilon", "name"),
    "Ftrl": (
        "learning_rate", "learning_rate_power", "initial_accumulator_value",
        "l1_regularization_strength", "l2_regularization_strength", "name",
        "l2_shrinkage_regularization_strength", "beta",
    ),
}  # fmt: skip
#: tf.keras 2.x classes whose update rule stock Keras 3 does not reproduce (the rest: same rule).
TF2_NO_STOCK = frozenset({"RMSprop", "Adagrad", "Nadam"})

# -- the K idiom: Keras 2 backend functions with a Keras 3 counterpart -----------------------------


@dataclass(frozen=True)
class Counterpart:
    """``K.<name>(...)`` in Keras 3: `target` called with the arguments renamed.

    `params` maps each Keras 2 parameter (in its positional order) to the target's parameter
    (None: the target has none, so the call is reported, not rewritten); `positional` is the
    target's positional order; `defaults` are keywords added when the call does not pass them
    (where the Keras 2 default differs from the target's). `template`, when set, replaces the
    call by an expression of the arguments (``{x}``).
    """

    target: str
    params: tuple[tuple[str, str | None], ...]
    positional: tuple[str, ...] = ()
    defaults: tuple[tuple[str, str], ...] = ()
    template: str = ""


def _same(target: str, *params: str, defaults: tuple = ()) -> Counterpart:
    return Counterpart(target, tuple((p, p) for p in params), params, defaults)


BACKEND_COUNTERPARTS: dict[str, Counterpart] = {
    "logsumexp": _same("keras.ops.logsumexp", "x", "axis", "keepdims"),
    "permute_dimensions": Counterpart(
        "keras.ops.transpose", (("x", "x"), ("pattern", "axes")), ("x", "axes")
    ),
    "gather": Counterpart(
        "keras.ops.take",
        (("reference", "x"), ("indices", "indices")),
        ("x", "indices", "axis"),
        (("axis", "0"),),
    ),
    "variable": Counterpart(
        "keras.Variable",
        (("value", "initializer"), ("dtype", "dtype"), ("name", "name"), ("constraint", None)),
        ("initializer", "shape", "dtype"),
        (("dtype", "keras.config.floatx()"),),
    ),
    "random_normal": _same("keras.random.normal", "shape", "mean", "stddev", "dtype", "seed"),
    "random_uniform": _same("keras.random.uniform", "shape", "minval", "maxval", "dtype", "seed"),
    "truncated_normal": _same(
        "keras.random.truncated_normal", "shape", "mean", "stddev", "dtype", "seed"
    ),
    "concatenate": Counterpart(
        "keras.ops.concatenate", (("tensors", "xs"), ("axis", "axis")), ("xs", "axis"),
        (("axis", "-1"),),
    ),
    "expand_dims": _same("keras.ops.expand_dims", "x", "axis", defaults=(("axis", "-1"),)),
    "squeeze": _same("keras.ops.squeeze", "x", "axis"),
    "stack": _same("keras.ops.stack", "x", "axis"),
    "reshape": Counterpart(
        "keras.ops.reshape", (("x", "x"), ("shape", "newshape")), ("x", "newshape")
    ),
    "tile": Counterpart("keras.ops.tile", (("x", "x"), ("n", "repeats")), ("x", "repeats")),
    "transpose": _same("keras.ops.transpose", "x"),
    "softmax": _same("keras.ops.softmax", "x", "axis"),
    "relu": Counterpart(
        "keras.ops.relu",
        (("x", "x"), ("alpha", None), ("max_value", None), ("threshold", None)),
        ("x",),
    ),
    "sigmoid": _same("keras.ops.sigmoid", "x"),
    "tanh": _same("keras.ops.tanh", "x"),
    "sign": _same("keras.ops.sign", "x"),
    "cos": _same("keras.ops.cos", "x"),
    "sin": _same("keras.ops.sin", "x"),
    "dtype": Counterpart("", (("x", "x"),), template="keras.backend.standardize_dtype({x}.dtype)"),
    "get_value": Counterpart("", (("x", "x"),), template="keras.ops.convert_to_numpy({x})"),
    "eval": Counterpart("", (("x", "x"),), template="keras.ops.convert_to_numpy({x})"),
    "set_value": Counterpart("", (("x", "x"), ("value", "value")), template="{x}.assign({value})"),
    "image_dim_ordering": Counterpart(
        "", (), template='("th" if keras.config.image_data_format() == "channels_first" else "tf")'
    ),
    "set_image_dim_ordering": Counterpart(
        "",
        (("dim_ordering", "dim_ordering"),),
        template='keras.config.set_image_data_format({{"th": "channels_first", "tf": '
        '"channels_last"}}[{dim_ordering}])',
    ),
}  # fmt: skip
#: K functions migrate reports with the fix to apply by hand (no exact rewrite).
BACKEND_BY_HAND: dict[str, str] = {
    "random_binomial": "keras.ops.cast(keras.random.uniform(shape, seed=seed) <= p, dtype)",
    "placeholder": "a keras.Input(shape=...) or a plain array: Keras 3 has no placeholders",
    "function": "call the model or a keras.Model(inputs, outputs) built on the tensors",
    "gradients": "the backend's own gradient API (tf.GradientTape, jax.grad, torch.autograd)",
    "batch_dot": "keras.ops.einsum with the axes spelled out",
    "dot": "keras.ops.matmul (K.dot of N-d tensors contracts the last and second-to-last axes)",
    "update": "x.assign(new_x)",
    "update_add": "x.assign_add(increment)",
    "update_sub": "x.assign_sub(decrement)",
    "count_params": "model.count_params() or keras.ops.size(x)",
    "shape": "keras.ops.shape(x) (a tuple in Keras 3; K.shape was a tensor)",
    "batch_flatten": "keras.ops.reshape(x, (-1, math.prod(x.shape[1:])))",
    "learning_phase": "pass training=True/False to the layer call",
    "set_learning_phase": "pass training=True/False to the layer call",
    "get_session": "Keras 3 has no session (TensorFlow 2 runs eagerly)",
    "set_session": "Keras 3 has no session (TensorFlow 2 runs eagerly)",
}
#: ``K.tf`` was the tensorflow module; ``K.control_flow_ops.<name>`` these TensorFlow functions.
CONTROL_FLOW_OPS = {
    "cond": "tf.cond",
    "while_loop": "tf.while_loop",
    "case": "tf.case",
    "group": "tf.group",
    "tuple": "tf.tuple",
}

# -- modules and arguments Keras 3 renamed ---------------------------------------------------------
#: Keras 2 submodules whose public names Keras 3 exports from the parent package.
LEGACY_MODULES: dict[str, str] = {
    **{
        f"keras.layers.{name}": "keras.layers"
        for name in (
            "core", "convolutional", "recurrent", "normalization", "pooling", "embeddings",
            "merge", "advanced_activations", "wrappers", "noise", "local",
            "convolutional_recurrent", "cudnn_recurrent",
        )
    },
    **{
        f"keras.utils.{name}": "keras.utils"
        for name in ("np_utils", "generic_utils", "data_utils", "vis_utils", "layer_utils")
    },
    "keras.engine": "keras.layers",
    "keras.engine.topology": "keras.layers",
    "keras.engine.base_layer": "keras.layers",
    "keras.engine.input_layer": "keras.layers",
    "keras.engine.training": "keras.models",
}  # fmt: skip
#: Keras 2 APIs (modules or names) Keras 3 dropped, and what to use instead (reported).
REMOVED_APIS: dict[str, str] = {
    "keras.preprocessing.image.ImageDataGenerator": (
        "keras.utils.image_dataset_from_directory with augmentation layers (keras.layers.Random*)"
    ),
    "keras.preprocessing.text": "keras.layers.TextVectorization",
    "keras.preprocessing.sequence.TimeseriesGenerator": (
        "keras.utils.timeseries_dataset_from_array"
    ),
    "keras.preprocessing.sequence.skipgrams": "write the pairs with NumPy",
    "keras.wrappers.scikit_learn": "the scikeras package (KerasClassifier, KerasRegressor)",
    "keras.utils.io_utils.HDF5Matrix": "h5py datasets read in a keras.utils.PyDataset",
    "keras.utils.multi_gpu_model": "a tf.distribute / keras.distribution strategy",
    "keras.utils.generic_utils.CustomObjectScope": "keras.saving.CustomObjectScope",
    "keras.layers.merge": "the Add/Concatenate/... layers of keras.layers (Keras 1 `merge`)",
    "keras.layers.Merge": "the Add/Concatenate/... layers of keras.layers",
}
#: The public names of `keras.layers` and `keras.utils` in Keras 3.
KERAS3_MODULE_NAMES: dict[str, frozenset[str]] = {
    "keras.layers": frozenset(
        {
        "Activation", "ActivityRegularization", "AdaptiveAveragePooling1D",
        "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
        "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "Add", "AdditiveAttention",
        "AlphaDropout", "Attention", "AugMix", "AutoContrast", "Average",
        "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D",
        "AvgPool2D", "AvgPool3D", "BatchNormalization", "Bidirectional", "CategoryEncoding",
        "CenterCrop", "Concatenate", "ContrastLimitedAdaptiveHistogramEqualization",
        "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
        "Conv3DTranspose", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Convolution1D",
        "Convolution1DTranspose", "Convolution2D", "Convolution2DTranspose",
        "Convolution3D", "Convolution3DTranspose", "Cropping1D", "Cropping2D", "Cropping3D",
        "CutMix", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "Discretization", "Dot",
        "Dropout", "ELU", "EinsumDense", "Embedding", "Equalization", "Flatten",
        "FlaxLayer", "GRU", "GRUCell", "GaussianDropout", "GaussianNoise",
        "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D",
        "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
        "GlobalMaxPooling3D", "GroupNormalization", "GroupQueryAttention", "HashedCrossing",
        "Hashing", "Identity", "Input", "InputLayer", "InputSpec", "IntegerLookup",
        "JaxLayer", "LSTM", "LSTMCell", "Lambda", "Layer", "LayerNormalization",
        "LeakyReLU", "Masking", "MaxNumBoundingBoxes", "MaxPool1D", "MaxPool2D",
        "MaxPool3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Maximum",
        "MelSpectrogram", "Minimum", "MixUp", "MultiHeadAttention", "Multiply",
        "Normalization", "PReLU", "Permute", "Pipeline", "RMSNormalization", "RNN",
        "RandAugment", "RandomBrightness", "RandomColorDegeneration", "RandomColorJitter",
        "RandomContrast", "RandomCrop", "RandomElasticTransform", "RandomErasing",
        "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
        "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
        "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "ReLU",
        "RepeatVector", "Rescaling", "Reshape", "Resizing", "ReversibleEmbedding",
        "STFTSpectrogram", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
        "SeparableConvolution2D", "SimpleRNN", "SimpleRNNCell", "Softmax", "Solarization",
        "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "SpectralNormalization",
        "StackedRNNCells", "StringLookup", "Subtract", "TFSMLayer", "TextVectorization",
        "TimeDistributed", "TorchModuleWrapper", "UnitNormalization", "UpSampling1D",
        "UpSampling2D", "UpSampling3D", "Wrapper", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "add", "average", "concatenate", "deserialize", "dot", "maximum",
        "minimum", "multiply", "serialize", "subtract"
        }
    ),
    "keras.utils": frozenset(
        {
        "Config", "CustomObjectScope", "FeatureSpace", "Progbar", "PyDataset", "Sequence",
        "array_to_img", "audio_dataset_from_directory", "bounding_boxes", "clear_session",
        "custom_object_scope", "deserialize_keras_object", "disable_interactive_logging",
        "enable_interactive_logging", "get_custom_objects", "get_file",
        "get_registered_name", "get_registered_object", "get_source_inputs",
        "image_dataset_from_directory", "img_to_array", "is_interactive_logging_enabled",
        "is_keras_tensor", "legacy", "load_img", "model_to_dot", "normalize",
        "pack_x_y_sample_weight", "pad_sequences", "plot_model",
        "register_keras_serializable", "save_img", "serialize_keras_object",
        "set_random_seed", "split_dataset", "standardize_dtype",
        "text_dataset_from_directory", "timeseries_dataset_from_array", "to_categorical",
        "unpack_x_y_sample_weight"
        }
    ),
    "keras.models": frozenset(
        {"Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"}
    ),
}  # fmt: skip

#: ``Model(input=..., output=...)`` (Keras 1 keywords that Keras 2 still took).
MODEL_KEYWORDS = {"input": "inputs", "output": "outputs"}
#: Keras 1 layer keywords with a same-valued Keras 3 keyword.
KERAS1_KEYWORDS = {
    "init": "kernel_initializer",
    "inner_init": "recurrent_initializer",
    "W_regularizer": "kernel_regularizer",
    "U_regularizer": "recurrent_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "U_constraint": "recurrent_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "output_dim": "units",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "pool_length": "pool_size",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
}
#: Keras 1 ``dim_ordering=`` values as ``data_format=`` values.
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last", "default": None}
#: Keras 1 layer keywords with no one-word Keras 3 form, and the fix.
KERAS1_BY_HAND = {
    "nb_row": "kernel_size=(nb_row, nb_col)",
    "nb_col": "kernel_size=(nb_row, nb_col)",
    "consume_less": "drop it (Keras 3 picks the implementation)",
}

# -- the generator training methods ---------------------------------------------------------------


@dataclass(frozen=True)
class GeneratorMethod:
    """``model.<legacy>(generator, ...)`` (Keras 2.2.4 order) as ``model.<stock>(x, ...)``."""

    legacy: str
    stock: str
    positional: tuple[str, ...]
    defaults: tuple[tuple[str, str], ...] = field(default=())


#: Arguments Keras 3's fit/evaluate/predict do not take (a keras.utils.PyDataset takes them).
WORKER_ARGUMENTS = frozenset({"max_queue_size", "workers", "use_multiprocessing", "pickle_safe"})
GENERATOR_METHODS: dict[str, GeneratorMethod] = {
    m.legacy: m
    for m in (
        GeneratorMethod(
            "fit_generator", "fit",
            ("generator", "steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data",
             "validation_steps", "class_weight", "max_queue_size", "workers",
             "use_multiprocessing", "shuffle", "initial_epoch"),
        ),
        GeneratorMethod(
            "evaluate_generator", "evaluate",
            ("generator", "steps", "max_queue_size", "workers", "use_multiprocessing", "verbose"),
            (("verbose", "0"),),
        ),
        GeneratorMethod(
            "predict_generator", "predict",
            ("generator", "steps", "max_queue_size", "workers", "use_multiprocessing", "verbose"),
            (("verbose", "0"),),
        ),
    )
}  # fmt: skip
#: Keras 1 training keywords with a same-valued Keras 3 keyword.
TRAINING_KEYWORDS = {"nb_epoch": "epochs", "generator": "x", "val_samples": "steps"}
#: Keras 1 training keywords counted in samples (Keras 3 counts steps), and the fix.
TRAINING_BY_HAND = {
    "samples_per_epoch": "steps_per_epoch=samples_per_epoch // batch_size",
    "nb_val_samples": "validation_steps=nb_val_samples // batch_size",
}
