"""Keras 2 ``model.compile(...)`` calls and legacy optimizer / loss / metric names.

keras_ref route: a compile call that Keras 3 would treat differently becomes
``keras_ref.compile(model, ...)`` (the Keras 2 signature: positional order, legacy names, the
``'acc'`` rule, legacy reduction). Stock route: each part with an exact Keras 3 equivalent is
rewritten (``'logcosh'`` -> ``'log_cosh'``, ``'adamax'`` -> ``Adamax(learning_rate=0.002)``,
``'accuracy'`` -> ``'acc'``, positional arguments as keywords); the rest is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from keras_ref.migrate import knowledge as K
from keras_ref.migrate import optimizer_rules
from keras_ref.migrate.findings import Effect
from keras_ref.migrate.syntax import (
    Bound,
    as_keyword,
    bind,
    dotted,
    expression,
    rebuild_args,
    string_value,
    with_string,
)

_ORDINALS = {2: "3rd", 3: "4th", 4: "5th", 5: "6th", 6: "7th"}
_CROSSENTROPIES = {
    "binary_crossentropy": "binary",
    "sparse_categorical_crossentropy": "sparse",
    "categorical_crossentropy": "categorical",
}


# -- names ----------------------------------------------------------------------------------------
def optimizer_name_effects(name: str) -> list[Effect]:
    """Effects of ``'adam'``-style names: Keras 3 builds its own class with its own defaults."""
    info = K.OPTIMIZERS.get(K.OPTIMIZER_NAMES.get(name.lower(), ""))
    if info is None:
        return []
    return optimizer_rules.effects(optimizer_rules.Reference(info), Bound())


def optimizer_name_stock(name: str) -> tuple[str | None, str]:
    """(stock expression or None when the name itself is exact, flag reason)."""
    info = K.OPTIMIZERS[K.OPTIMIZER_NAMES[name.lower()]]
    reason = optimizer_rules._no_stock_equivalent(info, Bound())
    if reason:
        return None, reason
    if info.default_lr != info.stock_default_lr:
        return f"keras.optimizers.{info.name}(learning_rate={float(info.default_lr)!r})", ""
    return None, ""


def loss_name_effects(name: str) -> list[Effect]:
    if name in K.REMOVED_LOSSES:
        return [Effect(K.ERROR, K.LOSS_REMOVED.format(name=name))]
    if name in K.HINGE_DRIFT:
        return [Effect(K.NUMBERS, K.HINGE.format(name=name, drift=K.HINGE_DRIFT[name]))]
    if name in _CROSSENTROPIES:
        extra = K.SPARSE_RENORMALISATION if name.startswith("sparse") else ""
        return [Effect(K.NOTE, K.CROSSENTROPY + extra)]
    return []


def loss_name_stock(name: str) -> tuple[str | None, str, list[Effect]]:
    """(new name or None, flag reason, notes) for one loss name on the stock route."""
    if name in K.REMOVED_LOSSES:
        notes = [Effect(K.NOTE, K.COSINE_FLOOR)] if "cosine" in name else []
        return K.REMOVED_LOSSES[name], "", notes
    if name in K.HINGE_DRIFT:
        reason = (
            f"no stock equivalent for `{name}` with {{0,1}} labels (Keras 3 maps them to "
            f"{{-1,1}}); keep the Keras 2 numbers with keras_ref.losses.get({name!r})"
        )
        return None, reason, []
    return None, "", loss_name_effects(name)


# -- compile --------------------------------------------------------------------------------------
@dataclass
class CompileOutcome:
    """The effects found in one compile call and what each route does about them."""

    effects: list[Effect] = field(default_factory=list)  # all of them (keras_ref route)
    fixed: list[Effect] = field(default_factory=list)  # stock route: rewritten
    flagged: list[Effect] = field(default_factory=list)  # stock route: no exact equivalent
    reasons: list[str] = field(default_factory=list)
    notes: list[Effect] = field(default_factory=list)
    stock_call: cst.Call | None = None
    needs_keras: bool = False


def is_compile_call(call: cst.Call, *, strict: bool = False) -> bool:
    """``<something>.compile(...)`` with Keras compile arguments.

    `strict` (for files that import no Keras): only with an ``optimizer=`` or ``loss=`` keyword.
    """
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
        return False
    keywords = {a.keyword.value for a in call.args if a.keyword}
    if strict:
        return bool(keywords & {"optimizer", "loss"})
    return bool(keywords & K.COMPILE_KEYWORDS) or any(a.keyword is None for a in call.args)


def analyse_compile(call: cst.Call, *, functions: set[str], sample_weights: bool):
    """Effects of a compile call; the stock rewrite is in ``stock_call`` (see the module doc)."""
    bound = bind(call, K.LEGACY_COMPILE)
    out = CompileOutcome()
    replacements: dict[int, cst.CSTNode] = {}
    removed: set[int] = set()
    for index, name in enumerate(bound.positional):
        if index >= 2 and K.STOCK_COMPILE[index : index + 1] != (name,):
            stock = K.STOCK_COMPILE[index] if index < len(K.STOCK_COMPILE) else "(none)"
            text = K.COMPILE_POSITIONAL.format(
                index=_ORDINALS.get(index, f"{index + 1}th"), stock=stock, legacy=name
            )
            _fixed(out, Effect(K.ERROR, text))
    _optimizer_part(out, bound, replacements)
    family = _loss_family(bound)
    _loss_part(out, bound, replacements, sample_weights)
    _metrics_part(out, bound.args.get("metrics"), family, functions, replacements)
    if bound.has("weighted_metrics"):
        _flag(out, Effect(K.NUMBERS, K.WEIGHTED_METRICS), "weighted metrics: no stock equivalent")
    if bound.has("sample_weight_mode"):
        _fixed(out, Effect(K.ERROR, K.SAMPLE_WEIGHT_MODE))
        removed.add(id(bound.args["sample_weight_mode"]))
    if bound.has("target_tensors"):
        _flag(out, Effect(K.ERROR, K.TARGET_TENSORS), "pass the targets to fit() instead")
    out.effects = [*out.fixed, *out.flagged, *out.notes]
    if out.fixed:
        out.stock_call = _stock_compile(call, bound, replacements, removed)
    return out


def _fixed(out: CompileOutcome, effect: Effect) -> None:
    out.fixed.append(effect)


def _flag(out: CompileOutcome, effect: Effect, reason: str) -> None:
    out.flagged.append(effect)
    out.reasons.append(reason)


def _optimizer_part(out: CompileOutcome, bound: Bound, replacements: dict) -> None:
    arg = bound.args.get("optimizer")
    name = string_value(arg.value) if arg is not None else None
    if name is None or name.lower() not in K.OPTIMIZER_NAMES:
        return
    found = optimizer_name_effects(name)
    stock, reason = optimizer_name_stock(name)
    if reason:
        for effect in found:
            if effect.kind in K.SERIOUS:
                _flag(out, effect, reason)
            else:
                out.notes.append(effect)
        return
    if stock is None:
        out.notes += found
        return
    out.fixed += found
    replacements[id(arg.value)] = expression(stock)
    out.needs_keras = True


def _loss_family(bound: Bound) -> str | None:
    """'binary' / 'sparse' / 'categorical' / 'other' for a literal loss name; None if unknown."""
    arg = bound.args.get("loss")
    name = string_value(arg.value) if arg is not None else None
    if name is None:
        return None
    return _CROSSENTROPIES.get(name, "other")


def _loss_strings(value: cst.BaseExpression) -> list[cst.SimpleString]:
    if isinstance(value, cst.SimpleString):
        return [value]
    if isinstance(value, (cst.List, cst.Tuple)):
        return [e.value for e in value.elements if isinstance(e.value, cst.SimpleString)]
    if isinstance(value, cst.Dict):
        return [
            e.value
            for e in value.elements
            if isinstance(e, cst.DictElement) and isinstance(e.value, cst.SimpleString)
        ]
    return []


def _loss_part(out: CompileOutcome, bound: Bound, replacements: dict, weighted: bool) -> None:
    arg = bound.args.get("loss")
    if arg is None:
        return
    strings = _loss_strings(arg.value)
    for node in strings:
        name = string_value(node)
        if name is None:
            continue
        new, reason, notes = loss_name_stock(name)
        found = loss_name_effects(name)
        if reason:
            for effect in found:
                _flag(out, effect, reason)
        elif new is not None:
            out.fixed += found
            replacements[id(node)] = with_string(node, new)
        out.notes += notes
    if weighted and (strings or isinstance(arg.value, (cst.Name, cst.Attribute))):
        _flag(
            out,
            Effect(K.NUMBERS, K.WEIGHTED_REDUCTION),
            "the Keras 2 reduction of weighted losses has no stock equivalent; keep it with "
            "keras_ref.compile",
        )


def _metrics_part(out, arg: cst.Arg | None, family, functions: set[str], replacements) -> None:
    if arg is None:
        return
    value = arg.value
    groups = []
    if isinstance(value, (cst.List, cst.Tuple)):
        groups = [value]
    elif isinstance(value, cst.Dict):
        groups = [
            e.value
            for e in value.elements
            if isinstance(e, cst.DictElement) and isinstance(e.value, (cst.List, cst.Tuple))
        ]
    for group in groups:
        for element in group.elements:
            _metric(out, element.value, family, functions, replacements)


def _metric(out, node, family, functions: set[str], replacements) -> None:
    if isinstance(node, cst.Name) and node.value in functions:
        _flag(
            out,
            Effect(K.NUMBERS, K.CUSTOM_METRIC),
            f"`{node.value}`: no stock equivalent of the Keras 2 epoch average; keep it with "
            "keras_ref.compile",
        )
        return
    name = string_value(node)
    if name is None:
        return
    key = name.lower()
    if key in ("acc", "accuracy"):
        found = [Effect(K.RENAMED, K.ACCURACY_KEY)] if name != "acc" else []
        if family in ("binary", None):
            found.append(Effect(K.NUMBERS, K.ACCURACY_RULE))
        if not found:
            return
        if family is None:
            for effect in found:
                _flag(out, effect, "the loss is not a literal name: choose the accuracy by hand")
        elif family == "binary":
            out.fixed += found
            replacements[id(node)] = expression('keras.metrics.BinaryAccuracy(name="acc")')
            out.needs_keras = True
        else:
            out.fixed += found
            replacements[id(node)] = with_string(node, "acc")
    elif key == "binary_accuracy":
        out.notes.append(Effect(K.NOTE, K.BINARY_ACCURACY))
    elif key in ("ce", "crossentropy"):
        effect = Effect(K.ERROR, K.CE_METRIC.format(name=name))
        if family in ("binary", "sparse"):
            out.fixed.append(effect)
            new = {"binary": "binary_crossentropy", "sparse": "sparse_categorical_crossentropy"}
            replacements[id(node)] = with_string(node, new[family])
        else:
            _flag(out, effect, f"`{name}`: name the crossentropy for this output")
    elif name in K.REMOVED_LOSSES:
        _flag(
            out,
            Effect(K.ERROR, K.LOSS_REMOVED.format(name=name)),
            f"`{name}` as a metric: use keras.metrics.MeanMetricWrapper(keras.losses."
            f"{K.REMOVED_LOSSES[name]})",
        )


def _stock_compile(call: cst.Call, bound: Bound, replacements: dict, removed: set) -> cst.Call:
    positional = {id(a): n for a, n in zip(_positional(call), bound.positional)}
    new = []
    for index, arg in enumerate(call.args):
        if id(arg) in removed:
            continue
        value = replacements.get(id(arg.value))
        if value is None:
            value = _replace_inside(arg.value, replacements)
        arg = arg.with_changes(value=value)
        name = positional.get(id(call.args[index]))
        if name is not None and K.LEGACY_COMPILE.index(name) >= 2:
            arg = as_keyword(arg, name)
        new.append(arg)
    return call.with_changes(args=rebuild_args(call.args, new))


def _positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node, updated_node):
        return self.replacements.get(id(original_node), updated_node)


def _replace_inside(node: cst.BaseExpression, replacements: dict) -> cst.BaseExpression:
    return node.visit(_Replace(replacements)) if replacements else node


def keras_ref_compile(call: cst.Call) -> cst.Call:
    """``model.compile(a, b)`` as ``keras_ref.compile(model, a, b)`` (layout kept)."""
    receiver = call.func.value
    comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
    if call.args and isinstance(call.args[0].comma, cst.Comma):
        comma = cst.Comma(whitespace_after=call.args[0].comma.whitespace_after)
    first = cst.Arg(value=receiver, comma=comma)
    return call.with_changes(func=dotted("keras_ref.compile"), args=[first, *call.args])
