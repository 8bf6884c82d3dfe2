"""What every legacy optimizer shares: `lr`/`learning_rate`, `decay`, `epsilon=None`, clipping.

Legacy rules (docs/legacy-formulas.md#shared-optimizer-rules):

- ``lr_k = lr * (1 / (1 + decay * k))``, ``k`` = completed steps (step 1 uses ``lr``);
- ``epsilon=None`` is resolved once, at construction, to ``keras.config.epsilon()``;
- ``clipnorm=c`` scales *every* gradient by ``c / n`` when the global norm
  ``n = sqrt(sum_i sum(g_i**2)) >= c``; then ``clipvalue=v`` clips each gradient to ``[-v, v]``;
- hyper-parameters meet tensors in the variable's dtype, rounded once from the exact Python value,
  so float32 reproduces the legacy float32 arithmetic and float64 is exact;
- float16 and bfloat16 variables (and their slots) are stored in their dtype but updated in
  float32: in bfloat16, ``beta_2=0.999`` rounds to 1 and the legacy bias correction divides by 0.

Keras 3's own options (`global_clipnorm`, `weight_decay`, `use_ema`, `loss_scale_factor`,
`gradient_accumulation_steps`, `name`) are passed through to `keras.optimizers.Optimizer`.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import keras
import numpy as np
from keras import ops

from keras_ref import _keras_compat as compat
from keras_ref import _validation as check
from keras_ref._backend_specific import (
    eager_scope,
    float64_supported,
    tf_all_reduce_sum,
    tf_replicas_in_sync,
)
from keras_ref._numerics import constant
from keras_ref.optimizers.elementwise import KERAS_OPS, KerasOps

LearningRate = float | keras.optimizers.schedules.LearningRateSchedule | Callable[[], Any]

KERAS3_KEYWORDS = frozenset(
    {
        "name",
        "weight_decay",
        "global_clipnorm",
        "use_ema",
        "ema_momentum",
        "ema_overwrite_frequency",
        "loss_scale_factor",
        "gradient_accumulation_steps",
    }
)
LEGACY_KEYWORDS = frozenset({"learning_rate", "clipnorm", "clipvalue"})


LOW_PRECISION = frozenset({"float16", "bfloat16"})


def compute_dtype(dtype) -> str:
    """The dtype an update is computed in: the variable's, or float32 for 16-bit variables."""
    name = keras.backend.standardize_dtype(dtype)
    return "float32" if name in LOW_PRECISION else name


def read(x, dtype: str):
    """`x` (a variable or tensor) as `dtype`; `x` itself when it already is."""
    return x if keras.backend.standardize_dtype(x.dtype) == dtype else ops.cast(x, dtype)


def legacy_clip_gradients(grads: list, clipnorm: float | None, clipvalue: float | None) -> list:
    """Legacy clipping: global-norm ``g * (c / n)`` when ``n >= c``, then ``clip(g, -v, v)``."""
    if clipnorm and clipnorm > 0:
        dtypes = {keras.backend.standardize_dtype(g.dtype) for g in grads}
        norm_dtype = "float64" if "float64" in dtypes else "float32"
        squared = [ops.cast(ops.sum(ops.square(g)), norm_dtype) for g in grads]
        total = squared[0]
        for s in squared[1:]:
            total = total + s
        norm = ops.abs(ops.sqrt(total))  # abs (exact): XLA would turn c / sqrt(.) into c * rsqrt(.)
        c = constant(clipnorm, norm_dtype)
        scale = c / norm
        clip = norm >= c
        grads = [ops.where(clip, g * ops.cast(scale, g.dtype), g) for g in grads]
    if clipvalue and clipvalue > 0:
        grads = [
            ops.clip(g, constant(-clipvalue, g.dtype), constant(clipvalue, g.dtype)) for g in grads
        ]
    return grads


class PerStep:
    """This step's hyper-parameter tensors, computed once per dtype and shared by every variable.

    A TensorFlow graph runs its ops one by one, so scalars recomputed for each of 100 variables
    cost more than the updates; the values are the same either way.
    """

    def __init__(self) -> None:
        self._values: dict | None = None

    @contextlib.contextmanager
    def step(self) -> Iterator[None]:
        self._values = {}
        try:
            yield
        finally:
            self._values = None  # no tensor outlives its step (or its graph)

    def get(self, dtype: str, compute: Callable[[], Any]) -> Any:
        if self._values is None:  # `update_step` called on its own
            return compute()
        if dtype not in self._values:
            self._values[dtype] = compute()
        return self._values[dtype]


class LegacyOptimizer(compat.OptimizerHooks):
    """Base class of the seven legacy optimizers (not an optimizer by itself)."""

    default_lr: ClassVar[float]
    has_decay: ClassVar[bool] = True
    _multi_tensor: ClassVar[bool] = True  # torch: use the torch._foreach_* path where it applies
    _slot_names: ClassVar[tuple[str, ...]] = ()
    _config_keys: ClassVar[tuple[str, ...]] = ()  # the constructor arguments get_config saves

    def __init__(self, lr: LearningRate | None, *, decay: float = 0.0, **kwargs: Any) -> None:
        owner = type(self).__name__
        learning_rate = kwargs.pop("learning_rate", None)
        clipnorm = check.optional_non_negative(
            "clipnorm", kwargs.pop("clipnorm", None), owner=owner
        )
        clipvalue = check.optional_non_negative(
            "clipvalue", kwargs.pop("clipvalue", None), owner=owner
        )
        own = set(inspect.signature(type(self).__init__).parameters) - {"self", "kwargs"}
        check.unknown_keywords(owner, kwargs, KERAS3_KEYWORDS | LEGACY_KEYWORDS | own)
        global_clipnorm = check.optional_non_negative(
            "global_clipnorm", kwargs.pop("global_clipnorm", None), owner=owner
        )
        if clipnorm and global_clipnorm:
            raise ValueError(
                f"{owner}: set `clipnorm` (legacy global-norm clipping) or `global_clipnorm`, not "
                f"both; got clipnorm={clipnorm}, global_clipnorm={global_clipnorm}."
            )
        lr = _resolve_learning_rate(owner, lr, learning_rate, self.default_lr)
        decay = check.non_negative("decay", decay, owner=owner)
        super().__init__(learning_rate=lr, global_clipnorm=global_clipnorm, **kwargs)
        self.decay = decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self._exact_lr = _exact_rate(lr)
        self._per_step = PerStep()
        self._keras_ops = KerasOps(self)

    def _hold_learning_rate_in_float64(self) -> None:
        """Keep a float `lr` exactly, so float64 variables see the exact value.

        Done at build, for float64 variables only: float32 variables get ``fl32(lr)`` either
        way, and a float64 learning rate would cost them a cast per step (~8% of a small
        model's `fit` step on tensorflow).
        """
        old, lr = compat.learning_rate_holder(self), self._exact_learning_rate()
        if lr is None or old.dtype == "float64" or not float64_supported():
            return
        with keras.name_scope(self.name):
            exact = keras.Variable(
                lr,
                name="learning_rate",
                dtype="float64",
                trainable=False,
                aggregation="only_first_replica",
            )
        compat.replace_learning_rate(self, exact)

    def _exact_learning_rate(self) -> float | None:
        """The float rate last given, if the variable still holds it (rounded to its dtype)."""
        holder = compat.learning_rate_holder(self)
        if self._exact_lr is None or not isinstance(holder, keras.Variable):
            return None
        held = keras.ops.convert_to_numpy(holder)
        return self._exact_lr if held == np.asarray(self._exact_lr, held.dtype) else float(held)

    @property
    def learning_rate(self):
        return compat.current_learning_rate(self)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._exact_lr = _exact_rate(value)  # the exact value, for float64 variables
        super(LegacyOptimizer, type(self)).learning_rate.fset(self, value)

    # -- legacy names -------------------------------------------------------------------------
    @property
    def lr(self):
        """Legacy name of `learning_rate` (the base rate, before `decay`)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value) -> None:
        self.learning_rate = value

    # -- building -----------------------------------------------------------------------------
    def build(self, var_list: list) -> None:
        if self.built:
            return
        for variable in var_list:
            if "float" not in str(variable.dtype):
                raise TypeError(
                    f"{type(self).__name__} can only update floating-point variables; "
                    f"`{getattr(variable, 'path', variable.name)}` has dtype {variable.dtype}."
                )
        super().build(var_list)
        if any(keras.backend.standardize_dtype(v.dtype) == "float64" for v in var_list):
            with eager_scope():  # built in a traced TF step: reads the rate eagerly
                self._hold_learning_rate_in_float64()
        slots = self.add_optimizer_variables(var_list, list(self._slot_names))
        for slot_name, variables in zip(self._slot_names, slots):
            setattr(self, f"_{slot_name}", variables)

    def _slots(self, variable) -> list:
        """This variable's slot variables, in `_slot_names` order."""
        index = compat.variable_index(self, variable)
        return [getattr(self, f"_{name}")[index] for name in self._slot_names]

    # -- the step -----------------------------------------------------------------------------
    def _rule(self, o, s, p, g, slots: list) -> tuple:
        """The update, written once: ``(p_new, slots_new)`` from ``p``, ``g``, ``slots``.

        ``o``: the elementwise operations (`elementwise.KerasOps`, or the torch foreach ones);
        ``s``: `_step_scalars`. See `keras_ref.optimizers.elementwise`.
        """
        raise NotImplementedError(f"{type(self).__name__} defines no _rule")

    def update_step(self, gradient, variable, learning_rate) -> None:
        """The generic executor: `_rule` over `keras.ops` for one variable (every backend).

        16-bit variables and slots are read in float32 and rounded once when assigned.
        """
        dtype = compute_dtype(variable.dtype)
        slots = self._slots(variable)
        p_new, slots_new = self._rule(
            self._keras_ops,
            self._scalars(learning_rate, dtype),
            read(variable, dtype),
            ops.cast(gradient, dtype),
            [read(slot, dtype) for slot in slots],
        )
        for slot, new in zip(slots, slots_new):
            if new is not slot:  # (a slot given as `into=` of add/sub is updated already)
                self.assign(slot, new)
        if p_new is not variable:
            self.assign(variable, p_new)

    def clip_step(self, grads: list) -> list:
        if not (self.clipnorm or self.clipvalue or self.global_clipnorm):
            return grads
        if tf_replicas_in_sync() > 1:
            return grads  # clipped after the cross-replica sum, in `update_variables`
        return self._legacy_clip(grads)

    def _legacy_clip(self, grads: list) -> list:
        """Legacy clipnorm (global norm), Keras 3's global_clipnorm, then legacy clipvalue."""
        grads = legacy_clip_gradients(grads, self.clipnorm, None)
        if self.global_clipnorm and self.global_clipnorm > 0:
            grads = compat.keras_clip_by_global_norm(grads, self.global_clipnorm)
        return legacy_clip_gradients(grads, None, self.clipvalue)

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        """The 0-d tensors every variable's update reads this step (each optimizer's own);
        `o` makes its constants (`o.constant`, `o.one_minus`)."""
        raise NotImplementedError(f"{type(self).__name__} defines no _step_scalars")

    def _scalars(self, learning_rate, dtype: str) -> tuple:
        """`_step_scalars`, computed once per step and dtype."""
        return self._per_step.get(
            dtype, lambda: self._step_scalars(KERAS_OPS, learning_rate, dtype)
        )

    def update_variables(self, grads, trainable_variables, learning_rate) -> None:
        if self._multi_tensor and keras.backend.backend() == "torch":
            from keras_ref.optimizers import _torch_multi_tensor as multi_tensor

            if multi_tensor.step(self, grads, trainable_variables, learning_rate):
                return
        with self._per_step.step():
            if tf_replicas_in_sync() > 1:
                # tf.distribute: the legacy global norm (and clipvalue) must see the summed
                # gradient, and Keras sums only in its TF update step, after clipping.
                grads = self._legacy_clip(tf_all_reduce_sum(grads))
                compat.tf_update_summed(self, grads, trainable_variables, learning_rate)
            else:
                self.keras_update_variables(grads, trainable_variables, learning_rate)

    def _decayed_lr(self, learning_rate, dtype: str):
        """``lr * (1 / (1 + decay * k))`` in `dtype`; just ``lr`` when decay is 0 (as legacy)."""
        lr = ops.cast(learning_rate, dtype)
        if self.decay > 0:
            k = ops.cast(self.iterations, dtype)
            lr = lr * (1.0 / (1.0 + constant(self.decay, dtype) * k))
        return lr

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({key: getattr(self, key) for key in self._config_keys})
        exact = self._exact_learning_rate()
        if exact is not None:
            config["learning_rate"] = exact  # not its float32 rounding
        if self.has_decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("lr"), dict):
            config["lr"] = keras.saving.deserialize_keras_object(
                config["lr"], custom_objects=custom_objects
            )
        return super().from_config(config, custom_objects=custom_objects)


def resolve_epsilon(epsilon: float | None, *, owner: str) -> float:
    """Legacy ``epsilon=None``: ``keras.config.epsilon()`` read now, at construction."""
    if epsilon is None:
        return float(keras.config.epsilon())
    return check.non_negative("epsilon", epsilon, owner=owner)


def check_betas(beta_1, beta_2, *, owner: str) -> tuple[float, float]:
    """Adam-family ``beta_1``, ``beta_2``: finite floats in [0, 1)."""
    beta_1 = check.in_range("beta_1", beta_1, 0.0, 1.0, owner=owner, closed_high=False)
    beta_2 = check.in_range("beta_2", beta_2, 0.0, 1.0, owner=owner, closed_high=False)
    return beta_1, beta_2


def _resolve_learning_rate(owner: str, lr, learning_rate, default: float):
    """One learning rate from the legacy `lr` and the Keras 3 `learning_rate`."""
    if lr is not None and learning_rate is not None and not _same_rate(lr, learning_rate):
        raise ValueError(
            f"{owner}: `lr` and `learning_rate` are synonyms; got different values "
            f"lr={lr!r} and learning_rate={learning_rate!r}. Pass only one."
        )
    name, value = ("lr", lr) if lr is not None else ("learning_rate", learning_rate)
    if value is None:
        return default
    if isinstance(value, keras.optimizers.schedules.LearningRateSchedule) or (
        callable(value) and not isinstance(value, (int, float))
    ):
        return value
    return check.non_negative(name, value, owner=owner)


def _exact_rate(value) -> float | None:
    """A plain-number learning rate as a Python float; None for a schedule or a callable."""
    if isinstance(value, (int, float, np.floating)) and not isinstance(value, bool):
        return float(value)
    return None


def _same_rate(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a is b
