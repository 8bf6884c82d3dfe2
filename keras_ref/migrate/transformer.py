"""The rewriting pass: finds every legacy usage, records a `Finding`, rewrites it for the route."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider, QualifiedNameProvider

from keras_ref import legacy_facts as facts
from keras_ref.migrate import api_rules, compile_rules, optimizer_rules, tf2_rules
from keras_ref.migrate import knowledge as K
from keras_ref.migrate.backend_rules import SPECIAL_OPS, counterpart_call, stock_backend_call
from keras_ref.migrate.findings import FLAG, NOTE, REWRITE, Effect, Finding, one_line, subject_of
from keras_ref.migrate.imports import parse_line
from keras_ref.migrate.scan import (
    Facts,
    backend_plan,
    dotted_name,
    imported_elsewhere,
    normalise,
    qualified,
    raw_qualified,
    unresolved,
)
from keras_ref.migrate.syntax import (
    code,
    dotted,
    expression,
    string_value,
    with_string,
)

_LAYER_NAMES = facts.KERAS3_MODULE_NAMES["keras.layers"]


class Migrator(cst.CSTTransformer):
    """Rewrites one module for `route` ('keras_ref' or 'stock'); run it through the wrapper."""

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

    def __init__(self, facts: Facts, route: str) -> None:
        super().__init__()
        self.facts = facts
        self.route = route
        self.findings: list[Finding] = []
        self.needs_keras_ref = False
        self.needs_keras = False
        self.needs_tf = False  # the rewrite names TensorFlow (`K.tf`)
        self.needs_tf2 = False  # the rewrite names keras_ref.tf2
        self.tf_name = facts.tensorflow_local or "tf"
        self.touched: set[str] = set()  # local names whose uses were rewritten
        self.moved: list[cst.SimpleStatementLine] = []  # keras_ref imports for the import block
        self._import_depth = 0
        self.backend_plan = backend_plan(facts, route)
        self._backend_uses = {use.node_id: use for use in facts.backend_uses}

    # -- bookkeeping ------------------------------------------------------------------------------
    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    def _record(self, node, effects, fix: str, status: str) -> None:
        line, column = self._position(node)
        self.findings.append(Finding(line, column, subject_of(code(node)), effects, fix, status))

    def _touch(self, node: cst.BaseExpression) -> None:
        while isinstance(node, cst.Attribute):
            node = node.value
        if isinstance(node, cst.Name):
            self.touched.add(node.value)

    # -- calls ------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = qualified(self, original.func)
        raw = raw_qualified(self, original.func)
        if name is None and unresolved(self, original.func):
            name = raw = self._star_name(original.func.value)
        if name is not None:
            keywords = {a.keyword.value for a in updated.args if a.keyword}
            tf2 = tf2_rules.tf2_class(raw or name, keywords)
            if tf2 is not None:
                return self._tf2_optimizer(original, updated, *tf2) if tf2[0] else updated
            api = self._api_call(name, updated)
            if api is not None:
                return self._apply(original, updated, api)
            ref = optimizer_rules.reference(name)
            if ref is not None:
                return self._optimizer(original, updated, ref)
            if name == "keras.optimizers.get":
                return self._optimizers_get(original, updated)
            if name == "keras.losses.get":
                return self._losses_get(original, updated)
            if id(original.func) in self._backend_uses:
                return self._backend_call(original, updated)
        if compile_rules.is_compile_call(
            updated, strict=not self.facts.uses_keras
        ) and not imported_elsewhere(self, original.func):
            return self._compile(original, updated)
        method = self._training_call(original, updated)
        if method is not None:
            return self._apply(original, updated, method)
        return updated

    def _star_name(self, local: str) -> str | None:
        """The Keras name a star import (``from keras.optimizers import *``) gives `local`."""
        for module in sorted(self.facts.star_modules):
            if module == "keras.optimizers" and (
                local in K.OPTIMIZERS or local in K.OPTIMIZER_NAMES
            ):
                return f"{module}.{local}"
            if module.startswith("keras.layers") and local in _LAYER_NAMES:
                return f"keras.layers.{local}"
            if module in ("keras.models", "keras") and local == "Model":
                return "keras.models.Model"
        return None

    def _api_call(self, name: str, call: cst.Call) -> api_rules.Rewrite | None:
        """Model(input=, output=) and Keras 1 layer keywords; None when neither applies."""
        if name in api_rules.MODEL_CLASSES:
            found = api_rules.model_keywords(call)
            return found if found.effects else None
        parts = name.split(".")
        if parts[:2] == ["keras", "layers"] and len(parts) in (3, 4) and parts[-1][:1].isupper():
            found = api_rules.layer_keywords(call, parts[-1])
            return found if found.effects else None
        return None

    def _training_call(self, original: cst.Call, updated: cst.Call) -> api_rules.Rewrite | None:
        """``model.fit_generator(...)`` and friends; ``nb_epoch=`` in fit/evaluate/predict."""
        func = original.func
        if not (self.facts.uses_keras and isinstance(func, cst.Attribute)):
            return None
        if imported_elsewhere(self, func):
            return None
        attr = func.attr.value
        if attr in facts.GENERATOR_METHODS:
            return api_rules.generator_method(updated, facts.GENERATOR_METHODS[attr])
        if attr in ("fit", "evaluate", "predict"):
            found = api_rules.training_keywords(updated, attr)
            return found if found.effects else None
        return None

    def _apply(self, original, updated, rewrite: api_rules.Rewrite) -> cst.BaseExpression:
        if rewrite.call is None:
            self._record(original, rewrite.effects, rewrite.reason, FLAG)
            return updated
        self._record(original, rewrite.effects, one_line(code(rewrite.call)), REWRITE)
        return rewrite.call

    def _tf2_optimizer(self, original, updated, name: str, legacy: bool):
        outcome = tf2_rules.analyse(updated, name, legacy, self.route)
        if not outcome.effects:
            return updated
        if outcome.call is None:
            status = FLAG if outcome.reason else NOTE
            self._record(original, outcome.effects, outcome.reason or "the stock class", status)
            return updated
        self._touch(original.func)
        if self.route == "keras_ref":
            self.needs_tf2 = True
            fix = f"keras_ref.tf2.{name}(...) keeps the tf.keras 2.x numbers"
        else:
            self.needs_keras = True
            fix = one_line(code(outcome.call))
        self._record(original, outcome.effects, fix, REWRITE)
        return outcome.call

    def _optimizer(self, original, updated, ref) -> cst.BaseExpression:
        outcome = optimizer_rules.analyse(
            updated, ref, self.route, sets_epsilon=self.facts.sets_epsilon
        )
        if not outcome.effects:
            return updated
        if outcome.call is None:
            if outcome.reason:
                self._record(original, outcome.effects, outcome.reason, FLAG)
            else:  # stock route, rounding only: the stock class is the equivalent
                self._record(original, outcome.effects, "the stock class is the equivalent", NOTE)
            return updated
        if self.route == "keras_ref":
            self.needs_keras_ref = True
            self._touch(original.func)
            fix = f"keras_ref.{ref.info.name}(...) keeps the Keras 2 numbers"
        else:
            self.needs_keras = self.needs_keras or outcome.needs_keras
            if not outcome.call.func.deep_equals(updated.func):
                self._touch(original.func)  # e.g. an alias `sgd` no longer named
            fix = one_line(code(outcome.call))
        self._record(original, outcome.effects, fix, REWRITE)
        return outcome.call

    def _optimizers_get(self, original, updated) -> cst.BaseExpression:
        arg = updated.args[0] if updated.args else None
        text = string_value(arg.value) if arg is not None else None
        if text is not None and text.lower() in K.OPTIMIZER_NAMES:
            effects = compile_rules.optimizer_name_effects(text)
            stock, reason = compile_rules.optimizer_name_stock(text)
        else:
            effects, stock, reason = [Effect(K.NUMBERS, K.GET_NON_LITERAL)], None, "check by hand"
        if not effects:
            return updated
        if self.route == "keras_ref":
            self.needs_keras_ref = True
            self._touch(original.func)
            new = updated.with_changes(func=dotted("keras_ref.optimizers.get"))
            self._record(original, effects, one_line(code(new)), REWRITE)
            return new
        if reason:
            self._record(original, effects, reason, FLAG)
            return updated
        if stock is None:
            self._record(original, effects, "the stock optimizer is the equivalent", NOTE)
            return updated
        self.needs_keras = True
        self._record(original, effects, stock, REWRITE)
        return expression(stock)

    def _losses_get(self, original, updated) -> cst.BaseExpression:
        arg = updated.args[0] if updated.args else None
        node = arg.value if arg is not None else None
        text = string_value(node) if node is not None else None
        if text is None:
            return updated
        effects = compile_rules.loss_name_effects(text)
        if not effects:
            return updated
        if self.route == "keras_ref":
            self.needs_keras_ref = True
            self._touch(original.func)
            new = updated.with_changes(func=dotted("keras_ref.losses.get"))
            self._record(original, effects, one_line(code(new)), REWRITE)
            return new
        new_name, reason, notes = compile_rules.loss_name_stock(text)
        if reason:
            self._record(original, effects, reason, FLAG)
            return updated
        if new_name is None:
            self._record(original, effects + notes, "", NOTE)
            return updated
        new = updated.with_changes(args=[arg.with_changes(value=with_string(node, new_name))])
        self._record(original, effects + notes, one_line(code(new)), REWRITE)
        return new

    def _compile(self, original, updated) -> cst.BaseExpression:
        outcome = compile_rules.analyse_compile(
            updated, functions=self.facts.functions, sample_weights=self.facts.sample_weights
        )
        if not outcome.effects:
            return updated
        if self.route == "keras_ref":
            target = [e for e in outcome.effects if e.text == K.TARGET_TENSORS]
            others = [e for e in outcome.effects if e.text != K.TARGET_TENSORS]
            if target:
                self._record(original, target, "pass the targets to fit() instead", FLAG)
            if not others:
                return updated
            self.needs_keras_ref = True
            new = compile_rules.keras_ref_compile(updated)
            fix = (
                "keras_ref.compile(model, ...): the Keras 2 compile (names, 'acc' rule, reduction)"
            )
            self._record(original, others, fix, REWRITE)
            return new
        result = updated
        if outcome.fixed and outcome.stock_call is not None:
            self.needs_keras = self.needs_keras or outcome.needs_keras
            result = outcome.stock_call
            self._record(original, outcome.fixed, one_line(code(result)), REWRITE)
        if outcome.flagged:
            reasons = "; ".join(dict.fromkeys(outcome.reasons))
            self._record(original, outcome.flagged + outcome.notes, reasons, FLAG)
        elif outcome.notes:
            self._record(original, outcome.notes, "", NOTE)
        return result

    # -- the K idiom ------------------------------------------------------------------------------
    def _backend_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        use = self._backend_uses[id(original.func)]
        if use.name in facts.BACKEND_COUNTERPARTS and use.name not in K.KERAS3_BACKEND:
            return self._backend_counterpart(original, updated, use.name)
        if use.name in K.KERAS3_BACKEND or self.backend_plan == "import":
            if use.name not in K.KERAS_REF_BACKEND and use.name not in K.KERAS3_BACKEND:
                self._flag_backend(original, use.name)
            return updated
        removed = Effect(K.ERROR, K.BACKEND_REMOVED.format(name=use.name))
        if self.route == "keras_ref":
            if use.name not in K.KERAS_REF_BACKEND:
                self._flag_backend(original, use.name)
                return updated
            self.needs_keras_ref = True
            self._touch(original.func)
            new = updated.with_changes(func=dotted(f"keras_ref.backend.{use.name}"))
            self._record(original, [removed], one_line(code(new)), REWRITE)
            return new
        new = stock_backend_call(updated, use.name)
        if new is None:
            self._flag_backend(original, use.name)
            return updated
        self.needs_keras = True
        self._touch(original.func)
        notes = (
            [Effect(K.NOTE, K.STOCK_OPS_NOTES[use.name])] if use.name in K.STOCK_OPS_NOTES else []
        )
        self._record(original, [removed, *notes], one_line(code(new)), REWRITE)
        return new

    def _backend_counterpart(self, original, updated, name: str) -> cst.BaseExpression:
        counterpart = facts.BACKEND_COUNTERPARTS[name]
        removed = Effect(K.ERROR, K.BACKEND_REMOVED.format(name=name))
        new = counterpart_call(updated, counterpart)
        if new is None:
            spelled = counterpart.target or counterpart.template
            self._record(original, [removed], f"use {spelled} (rewrite the arguments)", FLAG)
            return updated
        self.needs_keras = True
        self._touch(original.func)
        self._record(original, [removed], one_line(code(new)), REWRITE)
        return new

    def _flag_backend(self, node: cst.CSTNode, name: str) -> None:
        reason = K.NO_STOCK_OPS.get(name) if self.route == "stock" else None
        if reason is None and name in facts.BACKEND_BY_HAND:
            reason = facts.BACKEND_BY_HAND[name]
        if reason is None and name in facts.BACKEND_COUNTERPARTS:
            counterpart = facts.BACKEND_COUNTERPARTS[name]
            reason = f"use {counterpart.target or counterpart.template}"
        if reason is None and name in K.KERAS_OPS:
            reason = f"no keras_ref.backend counterpart: use keras.ops.{name}"
        if reason is None:
            reason = (
                "no counterpart in keras_ref.backend or keras.ops (graph-mode helpers such as "
                "K.function and K.placeholder have none in Keras 3): rewrite it by hand"
            )
        effect = Effect(K.ERROR, K.BACKEND_REMOVED.format(name=name))
        self._record(node, [effect], reason, FLAG)

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if self._import_depth:
            return updated
        use = self._backend_uses.get(id(original))
        if use is not None and use.name == "tf":
            return self._tensorflow(original, cst.Name(self.tf_name), "tf")
        if use is not None and use.name == "control_flow_ops":
            return updated  # the attribute around it says which function
        if use is not None and not use.call_func:
            return self._backend_value(original, updated, use.name)
        name = qualified(self, original)
        if name is None:
            return updated
        module, _, member = name.rpartition(".")
        if module == "keras.backend.control_flow_ops":
            if member not in facts.CONTROL_FLOW_OPS:
                effect = Effect(K.ERROR, K.BACKEND_TF.format(name="control_flow_ops"))
                self._record(original, [effect], f"use tf.{member} (TensorFlow)", FLAG)
                return updated
            target = facts.CONTROL_FLOW_OPS[member].replace("tf.", f"{self.tf_name}.", 1)
            return self._tensorflow(original, dotted(target, root=False), "control_flow_ops")
        removed = api_rules.removed_api(name)
        if removed is not None and removed != name:
            return updated  # reported where the chain names `removed` itself
        if removed is not None:
            effect = Effect(K.ERROR, K.API_REMOVED.format(name=removed))
            self._record(original, [effect], facts.REMOVED_APIS[removed], FLAG)
            return updated
        if module in facts.LEGACY_MODULES:
            return self._moved_name(original, updated, module, member)
        if not name.startswith("keras.losses."):
            return updated
        loss = name.split(".", 2)[2]
        if loss not in K.REMOVED_LOSS_ATTRIBUTES:
            return updated
        effects = [Effect(K.ERROR, K.LOSS_REMOVED.format(name=loss))]
        if self.route == "keras_ref":
            self.needs_keras_ref = True
            self._touch(original)
            new = dotted(f"keras_ref.losses.{loss}")
        else:
            new = updated.with_changes(attr=cst.Name(K.REMOVED_LOSS_ATTRIBUTES[loss]))
        self._record(original, effects, one_line(code(new)), REWRITE)
        return new

    def _tensorflow(self, original, new: cst.BaseExpression, name: str) -> cst.BaseExpression:
        """``K.tf`` / ``K.control_flow_ops.cond`` as the TensorFlow names they were."""
        self.needs_tf = True
        self._touch(original)
        effect = Effect(K.ERROR, K.BACKEND_TF.format(name=name))
        self._record(original, [effect], one_line(code(new)), REWRITE)
        return new

    def _moved_name(self, original, updated, module: str, member: str) -> cst.BaseExpression:
        """``np_utils.to_categorical`` (of ``keras.utils.np_utils``): ``keras.utils.<member>``."""
        target, missing = api_rules.module_target(module, [member])
        effect = Effect(K.ERROR, K.MODULE_MOVED.format(module=module, target=target))
        if missing:
            gone = Effect(K.ERROR, K.MODULE_NAME_GONE.format(name=member, module=module))
            self._record(original, [gone], "rewrite it by hand", FLAG)
            return updated
        self.needs_keras = True
        self._touch(original)
        new = dotted(f"{target}.{member}")
        self._record(original, [effect], one_line(code(new)), REWRITE)
        return new

    def _backend_value(self, original, updated, name: str) -> cst.BaseExpression:
        """``K.mean`` used as a value (not called)."""
        if name in K.KERAS3_BACKEND or self.backend_plan == "import":
            return updated
        removed = Effect(K.ERROR, K.BACKEND_REMOVED.format(name=name))
        if self.route == "keras_ref" and name in K.KERAS_REF_BACKEND:
            self.needs_keras_ref = True
            self._touch(original)
            new = dotted(f"keras_ref.backend.{name}")
        elif self.route == "stock" and name in K.STOCK_OPS and name not in SPECIAL_OPS:
            self.needs_keras = True
            self._touch(original)
            new = dotted(f"keras.ops.{K.STOCK_OPS[name]}")
        else:
            self._flag_backend(original, name)
            return updated
        self._record(original, [removed], one_line(code(new)), REWRITE)
        return new

    # -- imports ----------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        self._import_depth += 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import_depth += 1

    def leave_Import(self, original: cst.Import, updated: cst.Import):
        self._import_depth -= 1
        if self.backend_plan != "import":
            return updated
        names, changed = [], False
        for alias in updated.names:
            module = dotted_name(alias.name)
            if normalise(module) == "keras.backend" and alias.asname is not None:
                names.append(alias.with_changes(name=dotted("keras_ref.backend")))
                local = alias.asname.name.value
                self._record_backend_import(original, f"import keras_ref.backend as {local}")
                changed = True
            else:
                names.append(alias)
        if not changed:
            return updated
        return updated.with_changes(names=names)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        self._import_depth -= 1
        if updated.relative:
            return updated
        module = normalise(dotted_name(updated.module))
        names = [] if isinstance(updated.names, cst.ImportStar) else updated.names
        gone = [api_rules.removed_api(f"{module}.{dotted_name(a.name)}") for a in names]
        gone = list(dict.fromkeys(g for g in [api_rules.removed_api(module), *gone] if g))
        if gone:
            effects = [Effect(K.ERROR, K.API_REMOVED.format(name=g)) for g in gone]
            self._record(original, effects, "; ".join(facts.REMOVED_APIS[g] for g in gone), FLAG)
            return updated
        if module in facts.LEGACY_MODULES:
            return self._moved_import(original, updated, module)
        if isinstance(updated.names, cst.ImportStar):
            return updated
        if module == "keras.losses":
            return self._loss_import(original, updated)
        if module == "keras" and self.backend_plan == "import":
            return self._backend_import(original, updated)
        return updated

    def _moved_import(self, original, updated, module: str):
        """``from keras.layers.core import Dense`` as ``from keras.layers import Dense``."""
        star = isinstance(updated.names, cst.ImportStar)
        names = ["*"] if star else [dotted_name(a.name) for a in updated.names]
        target, missing = api_rules.module_target(module, names)
        effects = [Effect(K.ERROR, K.MODULE_MOVED.format(module=module, target=target))]
        if missing:
            effects += [
                Effect(K.ERROR, K.MODULE_NAME_GONE.format(name=n, module=module)) for n in missing
            ]
            fix = f"import the others from {target}; replace {', '.join(missing)} by hand"
            self._record(original, effects, fix, FLAG)
            return updated
        new = updated.with_changes(module=dotted(target, root=False))
        self._record(original, effects, one_line(code(new)), REWRITE)
        return new

    def _record_backend_import(self, node, fix: str) -> None:
        used = sorted({u.name for u in self.facts.backend_uses if u.name not in K.KERAS3_BACKEND})
        names = ", ".join(f"K.{n}" for n in used if n in K.KERAS_REF_BACKEND)
        effect = Effect(K.ERROR, f"Keras 3 removed {names} from keras.backend (AttributeError)")
        self._record(node, [effect], f"{fix}: the Keras 2 K functions over keras.ops", REWRITE)

    def _backend_import(self, original, updated):
        keep, moved = [], []
        for alias in updated.names:
            if dotted_name(alias.name) == "backend":
                moved.append(alias)
            else:
                keep.append(alias)
        if not moved:
            return updated
        local = moved[0].asname.name.value if moved[0].asname else "backend"
        suffix = f" as {local}" if moved[0].asname else ""
        self._record_backend_import(original, f"from keras_ref import backend{suffix}")
        if not keep:
            return updated.with_changes(module=cst.Name("keras_ref"), names=moved)
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.moved.append(parse_line(f"from keras_ref import backend{suffix}"))
        return updated.with_changes(names=keep)

    def _loss_import(self, original, updated):
        names = [dotted_name(a.name) for a in updated.names]
        removed = [n for n in names if n in K.REMOVED_LOSS_ATTRIBUTES]
        if not removed:
            return updated
        effects = [Effect(K.ERROR, K.LOSS_REMOVED.format(name=n)) for n in removed]
        if self.route == "keras_ref":
            if all(n in K.KERAS_REF_LOSSES for n in names):
                new = updated.with_changes(module=dotted("keras_ref.losses"))
                self._record(original, effects, one_line(code(new)), REWRITE)
                return new
            keep = [a for a in updated.names if dotted_name(a.name) not in removed]
            moved = [a for a in updated.names if dotted_name(a.name) in removed]
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            text = ", ".join(code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in moved)
            self.moved.append(parse_line(f"from keras_ref.losses import {text}"))
            self._record(original, effects, f"from keras_ref.losses import {text}", REWRITE)
            return updated.with_changes(names=keep)
        aliases = []
        for alias in updated.names:
            name = dotted_name(alias.name)
            if name in removed:
                asname = alias.asname or cst.AsName(name=cst.Name(name))
                alias = alias.with_changes(
                    name=cst.Name(K.REMOVED_LOSS_ATTRIBUTES[name]), asname=asname
                )
            aliases.append(alias)
        new = updated.with_changes(names=aliases)
        self._record(original, effects, one_line(code(new)), REWRITE)
        return new
