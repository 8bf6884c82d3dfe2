"""The stock route for the K idiom: ``K.<name>(...)`` as its exact ``keras.ops`` call."""

from __future__ import annotations

import libcst as cst

from keras_ref.migrate import knowledge as K
from keras_ref.migrate.syntax import dotted, expression, keyword_arg, literal

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
