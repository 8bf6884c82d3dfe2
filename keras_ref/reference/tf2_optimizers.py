"""NumPy reference of the eight tf.keras 2.x optimizer updates (see docs/tf2-optimizers.md).

`simulate(name, params, grads, dtype=..., **config)` runs the update over a fixed gradient
sequence and returns the final parameters. `config` takes the tf.keras constructor arguments
(`learning_rate` or `lr`, `decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, and each
optimizer's own). Hyper-parameters are float32 values cast to `dtype`, as tf.keras held them;
epsilon is exact; the element-wise forms are those of TensorFlow's fused kernels, so a float32
run replays the genuine arithmetic operation by operation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

EPSILON = 1e-7

DEFAULTS: dict[str, dict] = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "RMSprop": {
        "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": EPSILON,
        "centered": False,
    },
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": EPSILON},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": EPSILON},
    "Adam": {
        "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON,
        "amsgrad": False,
    },
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON},
    "Nadam": {
        "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": EPSILON,
        "schedule_decay": 0.004,
    },
    "Ftrl": {
        "learning_rate": 0.001, "learning_rate_power": -0.5, "initial_accumulator_value": 0.1,
        "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0,
        "l2_shrinkage_regularization_strength": 0.0, "beta": 0.0,
    },
}  # fmt: skip


def clip_gradients(grads: list, clipvalue, clipnorm, global_clipnorm, dtype) -> list:
    """Value clip, per-tensor norm clip, then global-norm clip; a 0 limit zeroes the gradient.

    Norms are summed in TensorFlow's CPU order (`tf_sum`), the global one as
    ``sqrt(2 * sum_i sum(g_i*g_i*0.5))`` (`tf.linalg.global_norm`).
    """
    if clipvalue is not None:
        grads = [np.clip(g, dtype(-clipvalue), dtype(clipvalue)) for g in grads]
    if clipnorm is not None:
        c = dtype(clipnorm)
        clipped = []
        for g in grads:
            squared = tf_sum(g * g)
            norm = np.sqrt(squared) if squared > 0 else dtype(0)
            clipped.append(g * c / np.maximum(norm, c))
        grads = clipped
    if global_clipnorm is not None:
        c = dtype(global_clipnorm)
        halves = np.array([tf_sum(np.square(g) * dtype(0.5)) for g in grads], dtype)
        norm = np.sqrt(tf_sum(halves) * dtype(2))
        with np.errstate(divide="ignore"):  # a 0 limit (or norm) gives 1/0 = inf, as in TF
            scale = c * np.minimum(dtype(1) / norm, dtype(1) / c)
        grads = [g * scale for g in grads]
    return grads


def tf_sum(x: np.ndarray, first: int = 0):
    """A full sum added as TensorFlow's CPU kernel adds it (docs/tf2-optimizers.md, "Norms").

    Packets of 8 float32 / 4 float64 lanes; longer than 1024 packets: two halves split at a packet
    boundary, recursively; a leaf: 4 packet accumulators over whole groups of 4 packets folded
    ``((a0 + a1) + a2) + a3``, then the other whole packets, then ``tail + lanes(acc)``.
    """
    x = np.ravel(x)
    n, lanes = x.size, 4 if x.dtype == np.float64 else 8
    if n > lanes * 1024:
        split = lanes * -(-(first + -(-n // 2)) // lanes)
        left = min(split - first, n)
        total = tf_sum(x[:left], first)
        return total + tf_sum(x[left:], split) if left < n else total
    packet, start = np.zeros(lanes, x.dtype), 0
    if n >= 4 * lanes:
        start = n // (4 * lanes) * 4 * lanes
        acc = np.zeros((4, lanes), x.dtype)
        for block in x[:start].reshape(-1, 4, lanes):
            acc = acc + block
        packet = ((acc[0] + acc[1]) + acc[2]) + acc[3]
    vectorized = n // lanes * lanes
    for j in range(start, vectorized, lanes):
        packet = packet + x[j : j + lanes]
    tail = x.dtype.type(0)
    for value in x[vectorized:]:
        tail = tail + value
    while packet.size > 1:
        packet = packet[: packet.size // 2] + packet[packet.size // 2 :]
    return tail + packet[0]


def _h(value, dtype):
    """A tf.keras hyper-parameter: float32, then `dtype`."""
    return dtype(np.float32(value))


def simulate(
    name: str, params: Sequence, grads: Sequence[Sequence], *, dtype=np.float32, **config
) -> list[np.ndarray]:
    """Parameters after ``len(grads)`` tf.keras 2.x steps of optimizer `name` (a class name)."""
    if name not in DEFAULTS:
        raise ValueError(f"simulate: unknown optimizer {name!r}; known: {', '.join(DEFAULTS)}.")
    h = {**DEFAULTS[name], **config}
    if "lr" in config and name != "Ftrl":  # `lr` wins; tf.keras Ftrl ignores it
        h["learning_rate"] = config["lr"]
    if name == "Nadam":
        h["decay"] = 0.0  # Nadam's `decay` slot holds the schedule decay; lr is never decayed
    if h.get("epsilon", 1) is None or h.get("epsilon", 1) == 0:
        h["epsilon"] = EPSILON
    params = [np.array(p, dtype=dtype) for p in params]
    step = _RULES[name](h, dtype, [p.shape for p in params])
    for k, g in enumerate(grads):
        g = [np.asarray(x, dtype=dtype) for x in g]
        g = clip_gradients(
            g, h.get("clipvalue"), h.get("clipnorm"), h.get("global_clipnorm"), dtype
        )
        lr = h["learning_rate"]
        lr = _h(lr(k) if callable(lr) else lr, dtype)
        if h.get("decay", 0) > 0:
            lr = lr / (dtype(1) + _h(h["decay"], dtype) * dtype(k))
        params = step(k, lr, params, g)
    return params


def _sgd(h, dtype, shapes):
    momentum = _h(h["momentum"], dtype)
    v = [np.zeros(s, dtype) for s in shapes]

    def step(k, lr, params, grads):
        if h["momentum"] == 0:
            return [p - g * lr for p, g in zip(params, grads)]
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            v[i] = v[i] * momentum - g * lr
            out.append(p + (v[i] * momentum - g * lr) if h["nesterov"] else p + v[i])
        return out

    return step


def _rmsprop(h, dtype, shapes):
    rho, momentum, eps = _h(h["rho"], dtype), _h(h["momentum"], dtype), dtype(h["epsilon"])
    one_minus_rho = dtype(1) - rho
    a, mom, mg = ([np.zeros(s, dtype) for s in shapes] for _ in range(3))

    def step(k, lr, params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            if h["momentum"] > 0:  # epsilon inside the root
                a[i] = a[i] + (g * g - a[i]) * one_minus_rho
                denominator = a[i]
                if h["centered"]:
                    mg[i] = mg[i] + (g - mg[i]) * one_minus_rho
                    denominator = a[i] - mg[i] * mg[i]
                mom[i] = mom[i] * momentum + g * lr / np.sqrt(denominator + eps)
                out.append(p - mom[i])
                continue
            a[i] = rho * a[i] + one_minus_rho * (g * g)
            denominator = a[i]
            if h["centered"]:
                mg[i] = rho * mg[i] + one_minus_rho * g
                denominator = a[i] - mg[i] * mg[i]
            out.append(p - lr * g / (np.sqrt(denominator) + eps))
        return out

    return step


def _adagrad(h, dtype, shapes):
    eps = dtype(h["epsilon"])
    a = [np.full(s, h["initial_accumulator_value"], dtype) for s in shapes]

    def step(k, lr, params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            a[i] = a[i] + g * g
            out.append(p - g * lr / (np.sqrt(a[i]) + eps))
        return out

    return step


def _adadelta(h, dtype, shapes):
    rho, eps = _h(h["rho"], dtype), dtype(h["epsilon"])
    one_minus_rho = dtype(1) - rho
    a, d = ([np.zeros(s, dtype) for s in shapes] for _ in range(2))

    def step(k, lr, params, grads):
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            a[i] = a[i] * rho + g * g * one_minus_rho
            u = np.sqrt(d[i] + eps) * (dtype(1) / np.sqrt(a[i] + eps)) * g
            out.append(p - u * lr)
            d[i] = d[i] * rho + u * u * one_minus_rho
        return out

    return step


def _adam(h, dtype, shapes):
    b1, b2, eps = _h(h["beta_1"], dtype), _h(h["beta_2"], dtype), dtype(h["epsilon"])
    m, v, vhat = ([np.zeros(s, dtype) for s in shapes] for _ in range(3))

    def step(k, lr, params, grads):
        t = dtype(k + 1)
        alpha = lr * np.sqrt(dtype(1) - b2**t) / (dtype(1) - b1**t)
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            m[i] = m[i] + (g - m[i]) * (dtype(1) - b1)
            v[i] = v[i] + (g * g - v[i]) * (dtype(1) - b2)
            denominator = v[i]
            if h["amsgrad"]:
                vhat[i] = np.maximum(vhat[i], v[i])
                denominator = vhat[i]
            out.append(p - m[i] * alpha / (np.sqrt(denominator) + eps))
        return out

    return step


def _adamax(h, dtype, shapes):
    b1, b2, eps = _h(h["beta_1"], dtype), _h(h["beta_2"], dtype), dtype(h["epsilon"])
    m, u = ([np.zeros(s, dtype) for s in shapes] for _ in range(2))

    def step(k, lr, params, grads):
        lr_t = lr / (dtype(1) - b1 ** dtype(k + 1))
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            m[i] = m[i] + (g - m[i]) * (dtype(1) - b1)
            u[i] = np.maximum(b2 * u[i], np.abs(g))
            out.append(p - lr_t * (m[i] / (u[i] + eps)))
        return out

    return step


def _nadam(h, dtype, shapes):
    b1, b2, eps = _h(h["beta_1"], dtype), _h(h["beta_2"], dtype), dtype(h["epsilon"])
    base, sd = _h(0.96, dtype), dtype(h["schedule_decay"])
    m, v = ([np.zeros(s, dtype) for s in shapes] for _ in range(2))
    cache = [dtype(1)]

    def mu(t):
        return b1 * (dtype(1) - dtype(0.5) * base ** (sd * t))

    def step(k, lr, params, grads):
        t, t_next = dtype(k + 1), dtype(k + 2)
        mu_t, mu_next = mu(t), mu(t_next)
        cache[0] = cache[0] * mu_t
        schedule_next = cache[0] * mu_next
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            g_prime = g / (dtype(1) - cache[0])
            m[i] = b1 * m[i] + (dtype(1) - b1) * g
            m_prime = m[i] / (dtype(1) - schedule_next)
            v[i] = b2 * v[i] + (dtype(1) - b2) * (g * g)
            v_prime = v[i] / (dtype(1) - b2**t)
            m_bar = (dtype(1) - mu_t) * g_prime + mu_next * m_prime
            out.append(p - lr * m_bar / (np.sqrt(v_prime) + eps))
        return out

    return step


def _ftrl(h, dtype, shapes):
    power = _h(h["learning_rate_power"], dtype)
    l1, l2 = _h(h["l1_regularization_strength"], dtype), _h(h["l2_regularization_strength"], dtype)
    shrinkage = _h(h["l2_shrinkage_regularization_strength"], dtype)
    beta = _h(h["beta"], dtype)
    n = [np.full(s, h["initial_accumulator_value"], dtype) for s in shapes]
    z = [np.zeros(s, dtype) for s in shapes]

    def root(x):
        return np.sqrt(x) if power == -0.5 else x ** (-power)

    def step(k, lr, params, grads):
        two_l2 = dtype(2) * (l2 + beta / (dtype(2) * lr))
        out = []
        for i, (p, g) in enumerate(zip(params, grads)):
            n_new = n[i] + g * g
            g_shrunk = g + dtype(2) * shrinkage * p if shrinkage > 0 else g
            z[i] = z[i] + (g_shrunk - (root(n_new) - root(n[i])) / lr * p)
            q = root(n_new) / lr + two_l2
            shrunk = (l1 * np.sign(z[i]) - z[i]) / q
            out.append(np.where(np.abs(z[i]) > l1, shrunk, dtype(0)).astype(dtype))
            n[i] = n_new
        return out

    return step


_RULES = {
    "SGD": _sgd,
    "RMSprop": _rmsprop,
    "Adagrad": _adagrad,
    "Adadelta": _adadelta,
    "Adam": _adam,
    "Adamax": _adamax,
    "Nadam": _nadam,
    "Ftrl": _ftrl,
}
