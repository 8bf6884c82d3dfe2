"""The stock route for the K idiom: ``K.<name>(...)`` as its exact ``keras.ops`` call."""

from __future__ import annotations

import libcst as cst

from keras_ref.legacy_facts import Counterpart
from keras_ref.migrate import knowledge as K
from keras_ref.migrate.syntax import (
    as_keyword,
    bind,
    code,
    dotted,
    expression,
    keyword_arg,
    literal,
    rebuild_args,
)

SPECIAL_OPS = frozenset({"argmax", "sqrt", "flatten", "ones_like", "zeros_like"})


def stock_backend_call(call: cst.Call, name: str) -> cst.Call | None:
    """``K.<name>(...)`` as its exact ``keras.ops`` call, or None where there is none."""
    if name == "clip":
        low, high = (literal(a.value) for a in call.args[1:3]) if len(call.args) >= 3 else (0, 0)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
        if len(call.args) == 3 and numbers and low <= high:
            return call.with_changes(func=dotted("keras.ops.clip"))
        return None
    if name not in K.STOCK_OPS:
        return None
    func = dotted(f"keras.ops.{K.STOCK_OPS[name]}")
    if name in ("ones_like", "zeros_like"):
        if any(a.keyword is not None and a.keyword.value == "name" for a in call.args):
            return None
        if len([a for a in call.args if a.keyword is None]) > 2:
            return None
    if name == "argmax":
        if not call.args:
            return None
        has_axis = len(call.args) >= 2 or any(
            a.keyword and a.keyword.value == "axis" for a in call.args
        )
        if not has_axis:
            args = [*call.args[:-1], call.args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            return call.with_changes(func=func, args=[*args, keyword_arg("axis", expression("-1"))])
    if name == "sqrt" and len(call.args) == 1:
        inner = cst.Call(
            dotted("keras.ops.maximum"), [cst.Arg(call.args[0].value), cst.Arg(cst.Float("0.0"))]
        )
        return call.with_changes(func=func, args=[call.args[0].with_changes(value=inner)])
    if name == "flatten" and len(call.args) == 1:
        shape = expression("(-1,)")
        first = call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(func=func, args=[first, cst.Arg(shape)])
    if name in ("sqrt", "flatten"):
        return None
    return call.with_changes(func=func)


def counterpart_call(call: cst.Call, counterpart: Counterpart) -> cst.BaseExpression | None:
    """``K.<name>(...)`` as its Keras 3 counterpart (see `Counterpart`), or None where the call
    passes an argument the counterpart lacks, or ``*args``."""
    legacy = tuple(p for p, _ in counterpart.params)
    target_of = dict(counterpart.params)
    bound = bind(call, legacy)
    if bound.starred or bound.extra or any(n not in target_of for n in bound.args):
        return None
    if any(target_of[n] is None for n in bound.args):
        return None
    if counterpart.template:
        values = {n: code(bound.args[n].value).strip() for n in legacy if n in bound.args}
        if set(values) != set(legacy):
            return None
        return expression(counterpart.template.format(**values))
    positional_ok = True
    new: list[cst.Arg] = []
    for arg in call.args:
        name = arg.keyword.value if arg.keyword else legacy[len(new)]
        target = target_of[name]
        index = counterpart.positional.index(target) if target in counterpart.positional else -1
        if arg.keyword is None and positional_ok and index == len(new):
            new.append(arg)
            continue
        positional_ok = False
        new.append(as_keyword(arg, target))
    given = {target_of[n] for n in bound.args}
    for name, value in counterpart.defaults:
        if name not in given:
            new.append(keyword_arg(name, expression(value)))
    return call.with_changes(func=dotted(counterpart.target), args=rebuild_args(call.args, new))
