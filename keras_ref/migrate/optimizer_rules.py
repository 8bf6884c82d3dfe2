"""Keras 2 optimizer constructors: what Keras 3 does to them, and both rewrites.

- keras_ref route: ``<keras>.optimizers.X(...)`` becomes ``keras_ref.X(...)`` with the same
  arguments (keras_ref takes every Keras 2 argument, positional order included);
- stock route: the exact Keras 3 equivalent (docs/legacy-formulas.md#stock-keras-3-optimizers):
  ``learning_rate=``,
  ``InverseTimeDecay(lr, 1, decay)`` for ``decay``, the Keras 2 default learning rate where
  Keras 3's differs, ``global_clipnorm=`` for ``clipnorm``; none for RMSprop/Adagrad with
  epsilon > 0, Nadam with ``schedule_decay != 1``, or clipnorm together with clipvalue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_ref.migrate import knowledge as K
from keras_ref.migrate.findings import Effect
from keras_ref.migrate.syntax import (
    UNKNOWN,
    Bound,
    as_keyword,
    bind,
    dotted,
    expression,
    is_zero,
    keyword_arg,
    literal,
    rebuild_args,
)

INVERSE_TIME_DECAY = "keras.optimizers.schedules.InverseTimeDecay"


@dataclass
class Reference:
    """How the call names its class: `alias` (``sgd``) and/or via ``keras.optimizers.legacy``."""

    info: K.Optimizer
    alias: str | None = None
    legacy_namespace: bool = False


@dataclass
class Outcome:
    """Effects of one call, and the rewritten call (None: no exact rewrite on this route)."""

    effects: list[Effect] = field(default_factory=list)
    call: cst.Call | None = None
    reason: str = ""  # why there is no rewrite
    needs_keras: bool = False  # the rewrite names `keras.`


def reference(qualified: str) -> Reference | None:
    """The optimizer named by a normalised qualified name (``keras.optimizers.SGD``), if any."""
    parts = qualified.split(".")
    legacy = False  # `keras.optimizers.legacy` is the tf.keras 2.x family (tf2_rules)
    if len(parts) != 3 or parts[:2] != ["keras", "optimizers"]:
        return None
    name = parts[2]
    if name in K.OPTIMIZERS:
        return Reference(K.OPTIMIZERS[name], legacy_namespace=legacy)
    if name in K.OPTIMIZER_NAMES:
        return Reference(K.OPTIMIZERS[K.OPTIMIZER_NAMES[name]], name, legacy)
    return None


def effects(ref: Reference, bound: Bound) -> list[Effect]:
    """What Keras 3 does to this Keras 2 configuration."""
    info, found = ref.info, []
    if ref.legacy_namespace:
        found.append(Effect(K.ERROR, K.LEGACY_NAMESPACE))
    if ref.alias:
        found.append(Effect(K.ERROR, K.LOWERCASE_ALIAS.format(alias=ref.alias)))
    if bound.has("lr") and bound.args["lr"].keyword is not None:
        found.append(Effect(K.ERROR, K.LR_REJECTED))
    if info.name != "Nadam" and bound.has("decay") and not is_zero(bound.value("decay")):
        found.append(Effect(K.IGNORED, K.DECAY_IGNORED))
    if bound.has("epsilon") and bound.value("epsilon") is None:
        found.append(Effect(K.ERROR, K.EPSILON_NONE))
    if info.name == "Nadam" and bound.has("schedule_decay"):
        found.append(Effect(K.ERROR, K.SCHEDULE_DECAY))
    clipnorm, clipvalue = _clips(bound)
    if clipnorm and clipvalue:
        found.append(Effect(K.ERROR, K.CLIP_BOTH))
    elif clipnorm:
        found.append(Effect(K.NUMBERS, K.CLIPNORM))
    for index, name in enumerate(bound.positional):
        stock = info.stock_positional[index] if index < len(info.stock_positional) else None
        if stock != ("learning_rate" if name == "lr" else name):
            text = K.POSITIONAL.format(index=index + 1, legacy=name, stock=stock or "(none)")
            found.append(Effect(K.NUMBERS if stock else K.ERROR, text))
    found += _class_effects(info, bound)
    return found


def _clips(bound: Bound) -> tuple[bool, bool]:
    def active(name: str) -> bool:
        value = bound.value(name)
        return bound.has(name) and value is not None and not is_zero(value)

    return active("clipnorm"), active("clipvalue")


def _class_effects(info: K.Optimizer, bound: Bound) -> list[Effect]:
    found = []
    epsilon_zero = is_zero(bound.value("epsilon"))
    if info.name == "RMSprop" and not epsilon_zero:
        found.append(Effect(K.NUMBERS, K.RMSPROP))
    if info.name == "Adagrad" and not (
        epsilon_zero and is_zero(bound.value("initial_accumulator_value"))
    ):
        found.append(Effect(K.NUMBERS, K.ADAGRAD))
    if info.name == "Nadam" and bound.value("schedule_decay") != 1:
        found.append(Effect(K.NUMBERS, K.NADAM))
    if info.name == "Adam":
        found.append(Effect(K.ROUNDING, K.ADAM))
    has_rate = bound.has("lr") or bound.has("learning_rate")
    if not has_rate and info.default_lr != info.stock_default_lr and info.name != "Adagrad":
        ratio = f"{info.stock_default_lr / info.default_lr:g}x"
        text = K.DEFAULT_LR.format(
            name=info.name, stock=info.stock_default_lr, legacy=info.default_lr, ratio=ratio
        )
        found.append(Effect(K.NUMBERS, text))
    return found


def analyse(call: cst.Call, ref: Reference, route: str, *, sets_epsilon: bool) -> Outcome:
    """Effects of `call` and its rewrite for `route` ('keras_ref' or 'stock')."""
    bound = bind(call, ref.info.positional)
    outcome = Outcome(effects(ref, bound))
    if not outcome.effects:
        return outcome
    if route == "keras_ref":
        outcome.call = call.with_changes(func=dotted(f"keras_ref.{ref.info.name}"))
        return outcome
    reason = _no_stock_equivalent(ref.info, bound)
    if reason:
        outcome.reason = reason
        return outcome
    if all(e.kind == K.ROUNDING for e in outcome.effects):
        return outcome  # the stock class is the equivalent (up to float32 rounding)
    outcome.call, outcome.needs_keras = _stock_call(call, ref, bound, sets_epsilon)
    return outcome


def _no_stock_equivalent(info: K.Optimizer, bound: Bound) -> str:
    if bound.starred:
        return "the call passes *args/**kwargs; rewrite it by hand"
    if bound.extra:
        return f"{info.name} takes at most {len(info.positional)} positional arguments"
    epsilon = bound.value("epsilon") if bound.has("epsilon") else UNKNOWN
    if info.name == "RMSprop" and not is_zero(epsilon):
        return (
            "no stock equivalent: Keras 3 RMSprop equals the Keras 2 one only with epsilon=0; "
            "keep the Keras 2 numbers with keras_ref.RMSprop"
        )
    if info.name == "Adagrad" and not is_zero(epsilon):
        return (
            "no stock equivalent: Keras 3 Adagrad equals the Keras 2 one only with epsilon=0 "
            "(and initial_accumulator_value=0); keep the Keras 2 numbers with keras_ref.Adagrad"
        )
    if info.name == "Nadam" and bound.value("schedule_decay") != 1:
        return (
            "no stock equivalent: Keras 3 Nadam is the Keras 2 one with schedule_decay=1; keep "
            "the Keras 2 schedule with keras_ref.Nadam"
        )
    clipnorm, clipvalue = _clips(bound)
    if clipnorm and clipvalue:
        return (
            "no stock equivalent: Keras 3 allows one clipping option; keras_ref applies the "
            "global clipnorm, then clipvalue"
        )
    return ""


def _stock_call(
    call: cst.Call, ref: Reference, bound: Bound, sets_epsilon: bool, tf2: bool = False
):
    """The exact stock Keras 3 call (see the module doc); whether it names `keras.`.

    `tf2`: a tf.keras 2.x call, whose ``clipnorm`` is already Keras 3's (per variable).
    """
    info = ref.info
    needs_keras = False
    positional_of = dict(zip(map(id, _positional_args(call)), bound.positional))
    rate = bound.args.get("lr") or bound.args.get("learning_rate")
    decay = bound.args.get("decay") if info.name != "Nadam" else None
    if decay is not None and is_zero(literal_value(decay)):
        decay = None
    new: list[cst.Arg] = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword else positional_of.get(id(arg))
        if name in ("lr", "learning_rate"):
            if decay is not None:
                arg = as_keyword(arg, "learning_rate").with_changes(
                    value=_inverse_time_decay(arg.value, decay.value)
                )
                needs_keras = True
            elif name == "lr":
                arg = as_keyword(arg, "learning_rate")
        elif name == "decay" or name == "schedule_decay":
            continue
        elif name == "epsilon" and literal_value(arg) is None:
            if not sets_epsilon:
                continue
            arg = as_keyword(arg, "epsilon").with_changes(
                value=expression("keras.config.epsilon()")
            )
            needs_keras = True
        elif name == "clipnorm" and not tf2:
            arg = as_keyword(arg, "global_clipnorm")
        elif arg.keyword is None and name is not None and name != "lr":
            arg = as_keyword(arg, name)
        new.append(arg)
    if rate is None:
        default = cst.Float(repr(float(info.default_lr)))
        if decay is not None:
            new.insert(0, keyword_arg("learning_rate", _inverse_time_decay(default, decay.value)))
            needs_keras = True
        elif info.default_lr != info.stock_default_lr:
            new.insert(0, keyword_arg("learning_rate", default))
    if info.name == "Adagrad" and not bound.has("initial_accumulator_value"):
        new.append(keyword_arg("initial_accumulator_value", cst.Float("0.0")))
    func = call.func
    if ref.alias or ref.legacy_namespace:
        func, uses_keras = _stock_func(call.func, info.name)
        needs_keras = needs_keras or uses_keras
    return call.with_changes(func=func, args=rebuild_args(call.args, new)), needs_keras


def literal_value(arg: cst.Arg):
    return literal(arg.value)


def _positional_args(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def _inverse_time_decay(rate: cst.BaseExpression, decay: cst.BaseExpression) -> cst.Call:
    return cst.Call(
        func=dotted(INVERSE_TIME_DECAY),
        args=[cst.Arg(rate), cst.Arg(cst.Integer("1")), cst.Arg(decay)],
    )


def _stock_func(func: cst.BaseExpression, name: str) -> tuple[cst.BaseExpression, bool]:
    """The class reference without the lower-case alias or the ``.legacy`` namespace."""
    if isinstance(func, cst.Attribute):
        value = func.value
        if isinstance(value, cst.Attribute) and value.attr.value == "legacy":
            value = value.value
        return func.with_changes(value=value, attr=cst.Name(name)), False
    return dotted(f"keras.optimizers.{name}"), True
