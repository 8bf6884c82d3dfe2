"""Keras 1 / Keras 2 model and layer APIs that Keras 3 renamed: the rewrites and what is left.

``model.fit_generator(gen, ...)`` as ``model.fit(gen, ...)`` (likewise evaluate/predict),
``nb_epoch=`` as ``epochs=``, ``Model(input=, output=)`` as ``Model(inputs=, outputs=)``, Keras 1
layer keywords (``init=``, ``W_regularizer=``, ``border_mode=``, ...), ``Conv2D(n, 3, 3)`` as
``Conv2D(n, (3, 3))`` and the ``keras.layers.core``-style submodules as their parent package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_ref import legacy_facts as facts
from keras_ref.migrate import knowledge as K
from keras_ref.migrate.findings import Effect
from keras_ref.migrate.syntax import (
    UNKNOWN,
    as_keyword,
    bind,
    expression,
    keyword_arg,
    literal,
    rebuild_args,
    string_value,
)

MODEL_CLASSES = frozenset(
    {"keras.Model", "keras.models.Model", "keras.engine.Model", "keras.engine.training.Model"}
)
_CONV = frozenset({"Conv2D", "Convolution2D"})


@dataclass
class Rewrite:
    """Effects found in one call; `call` is its rewrite, None with `reason` when by hand."""

    effects: list[Effect] = field(default_factory=list)
    call: cst.Call | None = None
    reason: str = ""


def generator_method(call: cst.Call, method: facts.GeneratorMethod) -> Rewrite:
    """``model.fit_generator(...)`` and friends as ``model.fit(...)`` (arguments as keywords)."""
    out = Rewrite([Effect(K.ERROR, K.GENERATOR_METHOD.format(**vars(method)))])
    bound = bind(call, method.positional)
    if bound.starred or bound.extra:
        out.reason = f"use model.{method.stock}(...) with keyword arguments"
        return out
    by_hand = [n for n in bound.args if n in facts.TRAINING_BY_HAND]
    if by_hand:
        for name in by_hand:
            text = K.SAMPLES_KEYWORD.format(method=method.stock, legacy=name)
            out.effects.append(Effect(K.ERROR, text))
        out.reason = "; ".join(facts.TRAINING_BY_HAND[n] for n in by_hand)
        return out
    new: list[cst.Arg] = []
    dropped = False
    for index, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword else method.positional[index]
        if name in facts.WORKER_ARGUMENTS:
            dropped = True
            continue
        if index == 0 and arg.keyword is None:
            new.append(arg)
            continue
        name = facts.TRAINING_KEYWORDS.get(name, name)
        new.append(as_keyword(arg, name))
    keywords = [a.keyword.value for a in new if a.keyword]
    if len(keywords) != len(set(keywords)):
        out.reason = f"the call gives one argument twice ({', '.join(keywords)}); keep one"
        return out
    if dropped:
        out.effects.append(Effect(K.NOTE, K.WORKER_ARGUMENTS.format(stock=method.stock)))
    given = {a.keyword.value for a in new if a.keyword}
    for name, value in method.defaults:
        if name not in given:
            new.append(keyword_arg(name, expression(value)))
    func = call.func.with_changes(attr=cst.Name(method.stock))
    out.call = call.with_changes(func=func, args=rebuild_args(call.args, new))
    return out


def training_keywords(call: cst.Call, method: str) -> Rewrite:
    """``fit(..., nb_epoch=3)`` as ``fit(..., epochs=3)``; samples-counted keywords by hand."""
    out = Rewrite()
    new = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword else None
        if name in facts.TRAINING_BY_HAND:
            out.effects.append(
                Effect(K.ERROR, K.SAMPLES_KEYWORD.format(method=method, legacy=name))
            )
            out.reason = facts.TRAINING_BY_HAND[name]
        elif name in ("nb_epoch",):
            stock = facts.TRAINING_KEYWORDS[name]
            text = K.TRAINING_KEYWORD.format(method=method, legacy=name, stock=stock)
            out.effects.append(Effect(K.ERROR, text))
            arg = as_keyword(arg, stock)
        new.append(arg)
    if out.effects and not out.reason:
        out.call = call.with_changes(args=new)
    return out


def model_keywords(call: cst.Call) -> Rewrite:
    """``Model(input=a, output=b)`` as ``Model(inputs=a, outputs=b)``."""
    keywords = {a.keyword.value for a in call.args if a.keyword}
    if not keywords & set(facts.MODEL_KEYWORDS):
        return Rewrite()
    args = [
        as_keyword(a, facts.MODEL_KEYWORDS[a.keyword.value])
        if a.keyword and a.keyword.value in facts.MODEL_KEYWORDS
        else a
        for a in call.args
    ]
    return Rewrite([Effect(K.ERROR, K.MODEL_KEYWORDS)], call.with_changes(args=args))


def layer_keywords(call: cst.Call, layer: str) -> Rewrite:
    """Keras 1 keywords of a layer call as their Keras 3 names; ``Conv2D(n, 3, 3)``."""
    out = Rewrite()
    by_hand: list[str] = []
    new = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword else None
        if name in facts.KERAS1_KEYWORDS:
            stock = facts.KERAS1_KEYWORDS[name]
            text = K.KERAS1_KEYWORD.format(legacy=name, stock=stock)
            out.effects.append(Effect(K.ERROR, text))
            arg = as_keyword(arg, stock)
        elif name == "dim_ordering":
            value = string_value(arg.value)
            text = K.KERAS1_KEYWORD.format(legacy=name, stock="data_format")
            out.effects.append(Effect(K.ERROR, text))
            if value not in facts.DIM_ORDERING:
                by_hand.append("data_format='channels_first' (th) or 'channels_last' (tf)")
            elif facts.DIM_ORDERING[value] is None:
                continue  # 'default': Keras 3's default
            else:
                arg = as_keyword(arg, "data_format").with_changes(
                    value=cst.SimpleString(repr(facts.DIM_ORDERING[value]))
                )
        elif name in facts.KERAS1_BY_HAND:
            out.effects.append(Effect(K.ERROR, K.KERAS1_BY_HAND.format(legacy=name)))
            by_hand.append(facts.KERAS1_BY_HAND[name])
        new.append(arg)
    positional = [a for a in new if a.keyword is None and not a.star]
    if layer in _CONV and len(positional) == 3:
        values = [literal(a.value) for a in positional[1:]]
        ints = all(type(v) is int for v in values)
        unknown = all(v is UNKNOWN or type(v) is int for v in values)
        if ints or unknown:  # Keras 2 took two ints there as the kernel's rows and columns
            out.effects.append(Effect(K.NUMBERS, K.CONV_KERNEL.format(name=layer)))
        if ints:
            kernel = expression(f"({values[0]}, {values[1]})")
            merged = positional[1].with_changes(value=kernel, comma=positional[2].comma)
            index = new.index(positional[1])
            new = [*new[:index], merged, *new[index + 2 :]]
        elif unknown:
            by_hand.append("kernel_size=(rows, cols) as the second argument if both are ints")
    if by_hand:
        out.reason = "; ".join(dict.fromkeys(by_hand))
    elif out.effects:
        out.call = call.with_changes(args=rebuild_args(call.args, new))
    return out


def module_target(module: str, names: list[str]) -> tuple[str | None, list[str]]:
    """(Keras 3 package for legacy `module`, the imported names Keras 3 lacks)."""
    target = facts.LEGACY_MODULES.get(module)
    if target is None:
        return None, []
    known = facts.KERAS3_MODULE_NAMES[target]
    return target, [n for n in names if n != "*" and n not in known]


def removed_api(name: str) -> str | None:
    """The `REMOVED_APIS` entry that `name` (a qualified name) is or lies in, if any."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        prefix = ".".join(parts[:end])
        if prefix in facts.REMOVED_APIS:
            return prefix
    return None
