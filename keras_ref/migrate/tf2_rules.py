"""tf.keras 2.x optimizer constructors (OptimizerV2): what Keras 3 does to them, both rewrites.

A call counts as tf.keras 2.x code when it names ``<keras>.optimizers.legacy.X`` (any Keras), or
``tf.keras.optimizers.X`` / ``tensorflow.keras.optimizers.X`` / ``tf_keras.optimizers.X`` with the
TF2-era ``lr=`` or ``decay=`` keyword. keras_ref route: ``keras_ref.tf2.X(...)`` with the same
arguments (the tf.keras 2.x signature). Stock route: the same class with ``learning_rate=`` and
``InverseTimeDecay(lr, 1, decay)`` where Keras 3 computes the same update; flagged otherwise
(RMSprop with momentum 0, Adagrad, Nadam, epsilon 0, clipvalue with a norm clip).
"""

from __future__ import annotations

import libcst as cst

from keras_ref.legacy_facts import TF2_NO_STOCK, TF2_OPTIMIZERS
from keras_ref.migrate import knowledge as K
from keras_ref.migrate.findings import Effect
from keras_ref.migrate.optimizer_rules import Outcome, Reference, _clips, _stock_call
from keras_ref.migrate.syntax import Bound, bind, dotted, is_zero

_TF_PREFIXES = ("tensorflow.keras.", "tensorflow.python.keras.", "tf_keras.")


def tf2_class(raw: str, keywords: set[str]) -> tuple[str, bool] | None:
    """(class name, named through ``.legacy``) when `raw` is a tf.keras 2.x optimizer call.

    ``("", False)`` for a tf.keras optimizer without TF2-era keywords: it may be the TF 2.11+
    class, which is Keras 3's, so it is left alone.
    """
    parts = raw.split(".")
    if "optimizers" not in parts:
        return None
    index = parts.index("optimizers")
    rest = parts[index + 1 :]
    legacy = rest[:1] == ["legacy"]
    if legacy:
        rest = rest[1:]
    if len(rest) != 1 or rest[0] not in TF2_OPTIMIZERS:
        return None
    if legacy:
        return rest[0], True
    if raw.startswith(_TF_PREFIXES):
        return (rest[0], False) if keywords & {"lr", "decay"} else ("", False)
    return None


def _info(name: str) -> K.Optimizer:
    order = TF2_OPTIMIZERS[name]
    return K.Optimizer(name, order, 0.0, 0.0, order)


def effects(name: str, legacy: bool, bound: Bound) -> list[Effect]:
    """What Keras 3 does to this tf.keras 2.x configuration."""
    found = []
    if legacy:
        found.append(Effect(K.ERROR, K.LEGACY_NAMESPACE))
    if bound.has("lr"):
        found.append(Effect(K.ERROR, K.TF2_FTRL_LR if name == "Ftrl" else K.LR_REJECTED))
    if name != "Nadam" and bound.has("decay") and not is_zero(bound.value("decay")):
        found.append(Effect(K.IGNORED, K.TF2_DECAY))
    epsilon = bound.value("epsilon")
    if bound.has("epsilon") and (epsilon is None or is_zero(epsilon)):
        found.append(Effect(K.NUMBERS, K.TF2_EPSILON))
    clipnorm, clipvalue = _clips(bound)
    if clipvalue and (clipnorm or bound.has("global_clipnorm")):
        found.append(Effect(K.ERROR, K.CLIP_BOTH))
    if name == "RMSprop" and is_zero(bound.value("momentum") if bound.has("momentum") else 0):
        found.append(Effect(K.NUMBERS, K.TF2_RMSPROP))
    if name == "Adagrad":
        found.append(Effect(K.NUMBERS, K.TF2_ADAGRAD))
    if name == "Nadam":
        found.append(Effect(K.NUMBERS, K.NADAM))
    if name == "Adam":
        found.append(Effect(K.ROUNDING, K.ADAM))
    if name == "Adadelta":
        found.append(Effect(K.ROUNDING, K.TF2_ADADELTA))
    return found


def analyse(call: cst.Call, name: str, legacy: bool, route: str) -> Outcome:
    """Effects of `call` and its rewrite for `route` (``keras_ref.tf2.X`` or the stock class)."""
    info = _info(name)
    bound = bind(call, info.positional)
    outcome = Outcome(effects(name, legacy, bound))
    if not outcome.effects:
        return outcome
    if route == "keras_ref":
        outcome.call = call.with_changes(func=dotted(f"keras_ref.tf2.{name}"))
        return outcome
    reason = _no_stock_equivalent(name, bound, outcome.effects)
    if reason:
        outcome.reason = reason
        return outcome
    if all(e.kind == K.ROUNDING for e in outcome.effects):
        return outcome
    ref = Reference(info, legacy_namespace=legacy)
    new, _ = _stock_call(call, ref, bound, False, tf2=True)
    outcome.call = new.with_changes(func=dotted(f"keras.optimizers.{name}"))
    outcome.needs_keras = True
    return outcome


def _no_stock_equivalent(name: str, bound: Bound, found: list[Effect]) -> str:
    keep = f"keep the tf.keras 2.x numbers with keras_ref.tf2.{name}"
    if bound.starred or bound.extra:
        return "the call passes *args/**kwargs or too many positional arguments; rewrite by hand"
    texts = {e.text for e in found}
    if name in TF2_NO_STOCK and texts & {K.TF2_RMSPROP, K.TF2_ADAGRAD, K.NADAM}:
        return f"no stock equivalent of the tf.keras 2.x {name} update; {keep}"
    if texts & {K.TF2_EPSILON, K.CLIP_BOTH, K.TF2_FTRL_LR}:
        return f"no stock equivalent of this configuration; {keep}"
    return ""
