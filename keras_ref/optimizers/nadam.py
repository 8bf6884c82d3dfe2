"""Legacy Nadam with its momentum schedule (`schedule_decay`)."""

from __future__ import annotations

from typing import Any, NamedTuple

import keras
from keras import ops

from keras_ref import _validation as check
from keras_ref.optimizers.base import LearningRate, LegacyOptimizer, check_betas, resolve_epsilon
from keras_ref.optimizers.elementwise import KERAS_OPS, moving_average


class NadamScalars(NamedTuple):
    """One step's Nadam scalars (``S`` is the momentum schedule, ``mu`` the momentum cache)."""

    lr: Any
    b1: Any
    one_minus_b1: Any
    b2: Any
    one_minus_b2: Any
    one_minus_mu_t: Any  # 1 - mu_t
    mu_next: Any  # mu_{t+1}
    one_minus_schedule: Any  # 1 - S_t
    one_minus_schedule_next: Any  # 1 - S_t * mu_{t+1}
    bias_correction_2: Any  # 1 - b2**t
    eps: Any


def momentum_at(o, opt, step, dtype: str, hyper=float):
    """``mu_step = b1 * (1 - 0.5 * 0.96**(step * sd))`` in `dtype`; `hyper` rounds ``b1`` and
    0.96 before they meet `dtype` (tf.keras: `np.float32`), ``sd`` is rounded once."""
    decay_base = o.constant(hyper(0.96), dtype)
    sd = o.constant(opt.schedule_decay, dtype)
    return o.constant(hyper(opt.beta_1), dtype) * (1 - 0.5 * ops.power(decay_base, step * sd))


def nadam_scalars(
    o, opt, learning_rate, dtype: str, t, mu_t, mu_next, schedule, hyper=float
) -> NadamScalars:
    """The scalars from ``t``, ``mu_t``, ``mu_{t+1}`` and ``S_t`` (each family computes those);
    `hyper` rounds the betas before they meet `dtype` (tf.keras: `np.float32`)."""
    beta_1, beta_2 = hyper(opt.beta_1), hyper(opt.beta_2)
    b2 = o.constant(beta_2, dtype)
    return NadamScalars(
        lr=ops.cast(learning_rate, dtype),
        b1=o.constant(beta_1, dtype),
        one_minus_b1=o.one_minus(beta_1, dtype),
        b2=b2,
        one_minus_b2=o.one_minus(beta_2, dtype),
        one_minus_mu_t=1 - mu_t,
        mu_next=mu_next,
        one_minus_schedule=1 - schedule,
        one_minus_schedule_next=1 - schedule * mu_next,
        bias_correction_2=1 - ops.power(b2, t),
        eps=o.constant(opt.epsilon, dtype),
    )


@keras.saving.register_keras_serializable(package="keras_ref")
class Nadam(LegacyOptimizer):
    """Nadam, as in Keras 2.2.4 (no `decay`).

    ``mu_t = b1 * (1 - 0.5 * 0.96**(t * sd))``; ``S_t = S_{t-1} * mu_t`` (one scalar
    ``m_schedule`` per optimizer, saved with its variables); ``m <- b1*m + (1-b1)*g``;
    ``v <- b2*v + (1-b2)*g**2``; ``p <- p - lr * mbar / (sqrt(v / (1 - b2**t)) + eps)`` with
    ``mbar = (1 - mu_t) * g / (1 - S_t) + mu_{t+1} * m / (1 - S_t * mu_{t+1})``.

    Defaults: ``lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004``.
    Differs from stock Keras 3: stock Nadam is this update with ``schedule_decay=1.0`` (its
    ``mu_100`` is 0.892 against the legacy 0.457) and defaults to lr=0.001.
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "schedule_decay")

    default_lr = 0.002
    has_decay = False
    _slot_names = ("m", "v")

    def __init__(
        self,
        lr: LearningRate | None = None,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = None,
        schedule_decay: float = 0.004,
        **kwargs: Any,
    ) -> None:
        owner = type(self).__name__
        if "decay" in kwargs:
            raise TypeError(
                f"{owner} has no `decay` argument (legacy Nadam never had one); its momentum "
                f"schedule is `schedule_decay` (a float >= 0, default 0.004)."
            )
        beta_1, beta_2 = check_betas(beta_1, beta_2, owner=owner)
        epsilon = resolve_epsilon(epsilon, owner=owner)
        schedule_decay = check.non_negative("schedule_decay", schedule_decay, owner=owner)
        super().__init__(lr, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.schedule_decay = schedule_decay

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        dtypes = {keras.backend.standardize_dtype(v.dtype) for v in var_list}
        dtype = "float64" if "float64" in dtypes else "float32"
        self._m_schedule = self.add_variable(
            shape=(),
            initializer="ones",
            dtype=dtype,
            aggregation="only_first_replica",
            name="m_schedule",
        )

    def _momentum_cache(self, step, dtype: str, o=KERAS_OPS):
        """``mu_step = b1 * (1 - 0.5 * 0.96**(step * sd))`` in `dtype`."""
        return momentum_at(o, self, step, dtype)

    def update_variables(self, grads, trainable_variables, learning_rate) -> None:
        # m_schedule advances once per step, before any variable's update reads it.
        dtype = self._m_schedule.dtype
        t = ops.cast(self.iterations, dtype) + 1
        self.assign(self._m_schedule, self._m_schedule * self._momentum_cache(t, dtype))
        super().update_variables(grads, trainable_variables, learning_rate)

    def _step_scalars(self, o, learning_rate, dtype: str) -> tuple:
        t = ops.cast(self.iterations, dtype) + 1
        mu_t = self._momentum_cache(t, dtype, o)
        mu_next = self._momentum_cache(t + 1, dtype, o)
        schedule = ops.cast(self._m_schedule, dtype)  # S_t, advanced this step
        return nadam_scalars(o, self, learning_rate, dtype, t, mu_t, mu_next, schedule)

    def _rule(self, o, s, p, g, slots: list) -> tuple:
        m, v = slots
        # m_bar = (1-mu_t) * (g / (1-S_t)) + mu_next * (m_new / (1-S_t*mu_next))
        m_bar = o.div(g, s.one_minus_schedule)
        m_bar = o.mul(s.one_minus_mu_t, m_bar, into=m_bar)
        m = moving_average(o, m, g, s.b1, s.one_minus_b1)
        m_prime = o.div(m, s.one_minus_schedule_next)
        m_bar = o.add(m_bar, o.mul(s.mu_next, m_prime, into=m_prime), into=m_bar)
        v = moving_average(o, v, o.square(g), s.b2, s.one_minus_b2, x_is_temporary=True)
        # p <- p - lr*m_bar / (sqrt(v_new / (1 - b2**t)) + eps)
        step = o.mul(s.lr, m_bar, into=m_bar)
        root = o.div(v, s.bias_correction_2)
        root = o.add(o.sqrt(root, into=root), s.eps, into=root)
        return o.sub(p, o.div(step, root, into=step), into=p), [m, v]
