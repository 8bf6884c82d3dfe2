"""NumPy reference of the seven Keras 2.2.4 optimizer updates, from docs/legacy-formulas.md.

`simulate(name, params, grads, dtype=..., **hyper)` runs the legacy update over a fixed gradient
sequence and returns the parameters after every step. With ``dtype=np.float64`` it is the exact
formula. With ``dtype=np.float32`` it replays legacy's float32 arithmetic operation by operation:
hyper-parameters that legacy held in float32 *variables* (``lr``, ``momentum``, ``decay``,
``beta_1``, ``beta_2``, RMSprop's ``rho``) are rounded first, so ``1 - beta`` is computed from the
rounded beta; Python-float ones (``epsilon``, Adadelta's ``rho``, Nadam's ``schedule_decay``,
``clipnorm``, ``clipvalue``) are rounded only where they meet a tensor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

EPSILON = 1e-7  # keras.config.epsilon() default, what legacy `epsilon=None` resolves to

DEFAULTS: dict[str, dict] = {
    "sgd": {"lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    "rmsprop": {"lr": 0.001, "rho": 0.9, "epsilon": EPSILON, "decay": 0.0},
    "adagrad": {"lr": 0.01, "epsilon": EPSILON, "decay": 0.0},
    "adadelta": {"lr": 1.0, "rho": 0.95, "epsilon": EPSILON, "decay": 0.0},
    "adam": {
        "lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON, "decay": 0.0,
        "amsgrad": False,
    },
    "adamax": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON, "decay": 0.0},
    "nadam": {
        "lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON, "schedule_decay": 0.004,
    },
}  # fmt: skip


def clip_gradients(grads: list[np.ndarray], clipnorm, clipvalue, dtype) -> list[np.ndarray]:
    """Global-norm clip (``g * (c/n)`` when ``n >= c``), then value clip; skipped when <= 0."""
    if clipnorm is not None and clipnorm > 0:
        total = dtype(0)
        for g in grads:
            total = total + np.sum(np.square(g), dtype=dtype)
        n = np.sqrt(total)
        c = dtype(clipnorm)
        if n >= c:
            grads = [(c / n) * g for g in grads]
    if clipvalue is not None and clipvalue > 0:
        v = dtype(clipvalue)
        grads = [np.clip(g, -v, v) for g in grads]
    return grads


def _decayed(lr, decay, k, dtype):
    if decay > 0:
        return lr * (dtype(1) / (dtype(1) + decay * dtype(k)))
    return lr


def _sgd(h, dtype, shapes):
    lr, momentum, decay = dtype(h["lr"]), dtype(h["momentum"]), dtype(h["decay"])
    moments = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_k = _decayed(lr, decay, k, dtype)
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            v = momentum * moments[i] - lr_k * g
            moments[i] = v
            out.append(p + momentum * v - lr_k * g if h["nesterov"] else p + v)
        return out

    return step


def _rmsprop(h, dtype, shapes):
    lr, rho, decay, eps = dtype(h["lr"]), dtype(h["rho"]), dtype(h["decay"]), dtype(h["epsilon"])
    acc = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_k = _decayed(lr, decay, k, dtype)
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            acc[i] = rho * acc[i] + (dtype(1) - rho) * np.square(g)
            out.append(p - lr_k * g / (np.sqrt(acc[i]) + eps))
        return out

    return step


def _adagrad(h, dtype, shapes):
    lr, decay, eps = dtype(h["lr"]), dtype(h["decay"]), dtype(h["epsilon"])
    acc = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_k = _decayed(lr, decay, k, dtype)
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            acc[i] = acc[i] + np.square(g)
            out.append(p - lr_k * g / (np.sqrt(acc[i]) + eps))
        return out

    return step


def _adadelta(h, dtype, shapes):
    lr, decay, eps = dtype(h["lr"]), dtype(h["decay"]), dtype(h["epsilon"])
    rho, one_minus_rho = dtype(h["rho"]), dtype(1.0 - h["rho"])  # rho is a Python float
    acc = [np.zeros(s, dtype) for s in shapes]
    delta = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_k = _decayed(lr, decay, k, dtype)
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            acc[i] = rho * acc[i] + one_minus_rho * np.square(g)
            u = g * np.sqrt(delta[i] + eps) / np.sqrt(acc[i] + eps)
            out.append(p - lr_k * u)
            delta[i] = rho * delta[i] + one_minus_rho * np.square(u)
        return out

    return step


def _adam(h, dtype, shapes):
    lr, decay, eps = dtype(h["lr"]), dtype(h["decay"]), dtype(h["epsilon"])
    b1, b2 = dtype(h["beta_1"]), dtype(h["beta_2"])
    ms = [np.zeros(s, dtype) for s in shapes]
    vs = [np.zeros(s, dtype) for s in shapes]
    vhats = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_k = _decayed(lr, decay, k, dtype)
        t = dtype(k) + dtype(1)
        lr_t = lr_k * (np.sqrt(dtype(1) - np.power(b2, t)) / (dtype(1) - np.power(b1, t)))
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            ms[i] = b1 * ms[i] + (dtype(1) - b1) * g
            vs[i] = b2 * vs[i] + (dtype(1) - b2) * np.square(g)
            denom = vs[i]
            if h["amsgrad"]:
                vhats[i] = np.maximum(vhats[i], vs[i])
                denom = vhats[i]
            out.append(p - lr_t * ms[i] / (np.sqrt(denom) + eps))
        return out

    return step


def _adamax(h, dtype, shapes):
    lr, decay, eps = dtype(h["lr"]), dtype(h["decay"]), dtype(h["epsilon"])
    b1, b2 = dtype(h["beta_1"]), dtype(h["beta_2"])
    ms = [np.zeros(s, dtype) for s in shapes]
    us = [np.zeros(s, dtype) for s in shapes]

    def step(k, params, grads):
        lr_t = _decayed(lr, decay, k, dtype) / (dtype(1) - np.power(b1, dtype(k) + dtype(1)))
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            ms[i] = b1 * ms[i] + (dtype(1) - b1) * g
            us[i] = np.maximum(b2 * us[i], np.abs(g))
            out.append(p - lr_t * ms[i] / (us[i] + eps))
        return out

    return step


def _nadam(h, dtype, shapes):
    lr, eps = dtype(h["lr"]), dtype(h["epsilon"])
    b1, b2, sd = dtype(h["beta_1"]), dtype(h["beta_2"]), dtype(h["schedule_decay"])
    ms = [np.zeros(s, dtype) for s in shapes]
    vs = [np.zeros(s, dtype) for s in shapes]
    schedule = [dtype(1)]  # the one m_schedule of the optimizer

    def mu(step_number):
        return b1 * (dtype(1) - dtype(0.5) * np.power(dtype(0.96), step_number * sd))

    def step(k, params, grads):
        t = dtype(k) + dtype(1)
        mu_t, mu_next = mu(t), mu(t + dtype(1))
        s_t = schedule[0] * mu_t
        s_next = s_t * mu_next
        schedule[0] = s_t
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g_prime = g / (dtype(1) - s_t)
            ms[i] = b1 * ms[i] + (dtype(1) - b1) * g
            m_prime = ms[i] / (dtype(1) - s_next)
            vs[i] = b2 * vs[i] + (dtype(1) - b2) * np.square(g)
            v_prime = vs[i] / (dtype(1) - np.power(b2, t))
            m_bar = (dtype(1) - mu_t) * g_prime + mu_next * m_prime
            out.append(p - lr * m_bar / (np.sqrt(v_prime) + eps))
        return out

    return step


_BUILDERS: dict[str, Callable] = {
    "sgd": _sgd,
    "rmsprop": _rmsprop,
    "adagrad": _adagrad,
    "adadelta": _adadelta,
    "adam": _adam,
    "adamax": _adamax,
    "nadam": _nadam,
}


def simulate(
    name: str,
    params: Sequence[np.ndarray],
    grads: Sequence[Sequence[np.ndarray]],
    *,
    dtype=np.float64,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    **hyper,
) -> list[list[np.ndarray]]:
    """Parameters after each of ``len(grads)`` legacy steps of optimizer `name`.

    `grads[k]` holds one gradient per parameter for step ``k`` (0-based); `hyper` overrides
    `DEFAULTS[name]` (``epsilon=None`` means `EPSILON`).
    """
    name = name.lower()
    if name not in _BUILDERS:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(_BUILDERS)}")
    unknown = set(hyper) - set(DEFAULTS[name])
    if unknown:
        raise TypeError(f"{name}: unknown hyper-parameters {sorted(unknown)}")
    h = {**DEFAULTS[name], **{k: v for k, v in hyper.items() if v is not None}}
    dtype = np.dtype(dtype).type
    current = [np.asarray(p, dtype) for p in params]
    step = _BUILDERS[name](h, dtype, [p.shape for p in current])
    trajectory = []
    for k, step_grads in enumerate(grads):
        g = clip_gradients([np.asarray(x, dtype) for x in step_grads], clipnorm, clipvalue, dtype)
        current = step(k, current, g)
        trajectory.append(current)
    return trajectory
