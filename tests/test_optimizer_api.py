"""Constructor surface of the legacy optimizers: signatures, defaults, synonyms, bad input."""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import pytest

import keras_ref
from keras_ref import optimizers
from keras_ref._keras_compat import learning_rate_holder

ALL = [
    keras_ref.SGD,
    keras_ref.RMSprop,
    keras_ref.Adagrad,
    keras_ref.Adadelta,
    keras_ref.Adam,
    keras_ref.Adamax,
    keras_ref.Nadam,
]

LEGACY_DEFAULTS = {
    keras_ref.SGD: {"lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    keras_ref.RMSprop: {"lr": 0.001, "rho": 0.9, "epsilon": 1e-7, "decay": 0.0},
    keras_ref.Adagrad: {"lr": 0.01, "epsilon": 1e-7, "decay": 0.0},
    keras_ref.Adadelta: {"lr": 1.0, "rho": 0.95, "epsilon": 1e-7, "decay": 0.0},
    keras_ref.Adam: {
        "lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "decay": 0.0,
        "amsgrad": False,
    },
    keras_ref.Adamax: {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "decay": 0.0},
    keras_ref.Nadam: {
        "lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "schedule_decay": 0.004,
    },
}  # fmt: skip


def lr_value(opt) -> float:
    """The exact rate the optimizer holds: its config's (the variable is float32 until it
    updates float64 variables, as legacy's `K.variable(lr)` was)."""
    held = float(keras.ops.convert_to_numpy(opt.learning_rate))
    exact = opt.get_config()["learning_rate"]
    assert held == float(np.float32(exact)) or held == exact
    return exact


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_defaults_are_legacy(cls):
    opt = cls()
    assert isinstance(opt, keras.optimizers.Optimizer)
    for name, expected in LEGACY_DEFAULTS[cls].items():
        value = lr_value(opt) if name == "lr" else getattr(opt, name)
        assert value == expected, name


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_top_level_and_module_names_are_the_same_class(cls):
    assert getattr(keras_ref.optimizers, cls.__name__) is cls


def test_lr_and_learning_rate_are_synonyms():
    assert lr_value(keras_ref.Adam(lr=0.05)) == 0.05
    assert lr_value(keras_ref.Adam(learning_rate=0.05)) == 0.05
    assert lr_value(keras_ref.Adam(lr=0.05, learning_rate=0.05)) == 0.05
    assert lr_value(keras_ref.SGD(0.3)) == 0.3  # legacy positional order
    with pytest.raises(ValueError, match=r"lr.*learning_rate"):
        keras_ref.Adam(lr=0.01, learning_rate=0.02)


def test_lr_property_reads_and_writes_the_base_rate():
    opt = keras_ref.SGD(lr=0.1, decay=0.5)
    opt.lr = 0.25
    assert lr_value(opt) == 0.25
    assert float(keras.ops.convert_to_numpy(opt.lr)) == 0.25


def test_epsilon_none_is_read_at_construction():
    keras.config.set_epsilon(1e-4)
    opt = keras_ref.RMSprop()
    keras.config.set_epsilon(1e-7)
    assert opt.epsilon == 1e-4
    assert keras_ref.RMSprop().epsilon == 1e-7
    assert keras_ref.RMSprop(epsilon=0.0).epsilon == 0.0


def test_schedule_and_callable_learning_rates_are_accepted():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert learning_rate_holder(keras_ref.Adam(lr=schedule)) is schedule
    assert callable(learning_rate_holder(keras_ref.SGD(learning_rate=lambda: 0.1)))


def test_keras3_base_options_pass_through():
    opt = keras_ref.Adam(
        use_ema=True,
        loss_scale_factor=8.0,
        gradient_accumulation_steps=2,
        name="legacy_adam",
        global_clipnorm=1.0,
    )
    assert (opt.use_ema, opt.loss_scale_factor, opt.gradient_accumulation_steps) == (True, 8.0, 2)
    assert opt.name == "legacy_adam"
    assert opt.global_clipnorm == 1.0


def test_clipnorm_and_clipvalue_may_both_be_set():
    opt = keras_ref.SGD(clipnorm=1.0, clipvalue=0.5)
    assert (opt.clipnorm, opt.clipvalue) == (1.0, 0.5)


BAD_VALUES = [
    (keras_ref.SGD, "lr", -0.1, ValueError),
    (keras_ref.SGD, "lr", math.nan, ValueError),
    (keras_ref.SGD, "lr", math.inf, ValueError),
    (keras_ref.SGD, "lr", "0.1", TypeError),
    (keras_ref.SGD, "lr", True, TypeError),
    (keras_ref.SGD, "learning_rate", -1.0, ValueError),
    (keras_ref.SGD, "decay", -1e-3, ValueError),
    (keras_ref.SGD, "decay", math.inf, ValueError),
    (keras_ref.SGD, "momentum", -0.9, ValueError),
    (keras_ref.SGD, "momentum", math.nan, ValueError),
    (keras_ref.SGD, "momentum", 1.5, ValueError),
    (keras_ref.SGD, "nesterov", 1, TypeError),
    (keras_ref.SGD, "nesterov", "yes", TypeError),
    (keras_ref.SGD, "clipnorm", -1.0, ValueError),
    (keras_ref.SGD, "clipnorm", math.nan, ValueError),
    (keras_ref.SGD, "clipvalue", -0.5, ValueError),
    (keras_ref.SGD, "clipvalue", math.inf, ValueError),
    (keras_ref.RMSprop, "rho", -0.1, ValueError),
    (keras_ref.RMSprop, "rho", math.nan, ValueError),
    (keras_ref.RMSprop, "epsilon", -1e-7, ValueError),
    (keras_ref.RMSprop, "epsilon", math.nan, ValueError),
    (keras_ref.Adagrad, "epsilon", math.inf, ValueError),
    (keras_ref.Adadelta, "rho", 1.5, ValueError),
    (keras_ref.Adam, "beta_1", 1.0, ValueError),
    (keras_ref.Adam, "beta_1", -0.1, ValueError),
    (keras_ref.Adam, "beta_2", 1.2, ValueError),
    (keras_ref.Adam, "beta_2", math.nan, ValueError),
    (keras_ref.Adam, "amsgrad", "true", TypeError),
    (keras_ref.Adam, "amsgrad", 0, TypeError),
    (keras_ref.Adamax, "beta_1", 1.0, ValueError),
    (keras_ref.Nadam, "schedule_decay", -0.004, ValueError),
    (keras_ref.Nadam, "schedule_decay", math.nan, ValueError),
    (keras_ref.Nadam, "beta_2", 1.0, ValueError),
    (keras_ref.Adam, "global_clipnorm", -1.0, ValueError),
]


@pytest.mark.parametrize(("cls", "arg", "value", "error"), BAD_VALUES)
def test_bad_values_fail_at_construction_naming_the_argument(cls, arg, value, error):
    with pytest.raises(error, match=f"`{arg}`"):
        cls(**{arg: value})


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_unknown_keyword_is_a_type_error_with_a_hint(cls):
    with pytest.raises(TypeError, match="unexpected keyword argument `epsillon`"):
        cls(epsillon=1e-3)


def test_nadam_has_no_decay():
    with pytest.raises(TypeError, match="schedule_decay"):
        keras_ref.Nadam(decay=0.01)


def test_clipnorm_and_global_clipnorm_together_are_ambiguous():
    with pytest.raises(ValueError, match="clipnorm"):
        keras_ref.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_integer_variables_are_rejected():
    opt = keras_ref.SGD()
    with pytest.raises(TypeError, match="floating-point"):
        opt.build([keras.Variable(np.zeros(3, "int32"), dtype="int32", trainable=False)])


# -- lookup and config ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"]
)
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_get_accepts_legacy_names_in_any_case(name, case):
    opt = optimizers.get(case(name))
    assert type(opt) is optimizers.ALL_OPTIMIZERS[name]


def test_get_accepts_a_keras2_config_dict():
    opt = optimizers.get(
        {"class_name": "Adam", "config": {"lr": 0.001, "decay": 1e-6, "epsilon": None}}
    )
    assert isinstance(opt, keras_ref.Adam)
    assert (lr_value(opt), opt.decay, opt.epsilon) == (0.001, 1e-6, 1e-7)
    nadam = optimizers.get({"class_name": "nadam", "config": {"schedule_decay": 0.01}})
    assert nadam.schedule_decay == 0.01


def test_get_returns_instances_unchanged():
    opt = keras_ref.Nadam()
    assert optimizers.get(opt) is opt


def test_get_rejects_unknown_names_with_a_suggestion():
    with pytest.raises(ValueError, match='Did you mean "nadam"'):
        optimizers.get("nadamm")
    with pytest.raises(TypeError, match="identifier"):
        optimizers.get(3)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_config_round_trips(cls):
    opt = cls(lr=0.125, clipnorm=2.0, clipvalue=1.5, name="x")
    clone = cls.from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is cls
    assert again.get_config() == opt.get_config()


def test_config_round_trips_a_schedule():
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, 1, 0.5)
    opt = keras_ref.SGD(lr=schedule, decay=0.01)
    clone = keras_ref.SGD.from_config(opt.get_config())
    assert isinstance(learning_rate_holder(clone), keras.optimizers.schedules.InverseTimeDecay)
    assert clone.decay == 0.01


@pytest.mark.parametrize(
    "cls",
    [
        *keras_ref.optimizers.ALL_OPTIMIZERS.values(),
        *keras_ref.tf2.optimizers.ALL_OPTIMIZERS.values(),
    ],
    ids=lambda cls: f"{cls.__module__.split('.')[1]}.{cls.__name__}",
)
def test_get_config_saves_every_constructor_argument(cls):
    """`_config_keys` names every hyper-parameter the constructor takes (both families)."""
    ignored = {"self", "lr", "learning_rate", "decay", "name", "kwargs"}
    arguments = set(inspect.signature(cls.__init__).parameters) - ignored
    assert arguments == set(cls._config_keys)
    assert arguments <= set(cls().get_config())
