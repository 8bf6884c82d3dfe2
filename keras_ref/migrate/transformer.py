"""The rewriting pass: finds every legacy usage, records a `Finding`, rewrites it for the route."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider, QualifiedNameProvider

from keras_ref.migrate import compile_rules, optimizer_rules
from keras_ref.migrate import knowledge as K
from keras_ref.migrate.backend_rules import SPECIAL_OPS, stock_backend_call
from keras_ref.migrate.findings import FLAG, NOTE, REWRITE, Effect, Finding, one_line, subject_of
from keras_ref.migrate.imports import parse_line
from keras_ref.migrate.scan import (
    Facts,
    backend_plan,
    dotted_name,
    imported_elsewhere,
    normalise,
    qualified,
)
from keras_ref.migrate.syntax import (
    code,
    dotted,
    expression,
    string_value,
    with_string,
)


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
        if name is not None:
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
        return updated

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

    def _flag_backend(self, node: cst.CSTNode, name: str) -> None:
        reason = K.NO_STOCK_OPS.get(name) if self.route == "stock" else None
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
        if use is not None and not use.call_func:
            return self._backend_value(original, updated, use.name)
        name = qualified(self, original)
        if name is None or not name.startswith("keras.losses."):
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
        if updated.relative or isinstance(updated.names, cst.ImportStar):
            return updated
        module = normalise(dotted_name(updated.module))
        if module == "keras.losses":
            return self._loss_import(original, updated)
        if module == "keras" and self.backend_plan == "import":
            return self._backend_import(original, updated)
        return updated

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
