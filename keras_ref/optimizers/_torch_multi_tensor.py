"""torch backend only: the legacy updates over lists of tensors, with `torch._foreach_*` kernels.

Stock Keras 3 updates most of its torch optimizers this way; a per-variable loop of `keras.ops`
calls costs ~15 small kernel launches and Python dispatches per variable. Each function below
performs the same elementwise operations, in the same order and on the same operand types
(0-d tensors for the per-step scalars), as the generic `update_step` of its optimizer, so the
numbers are identical (`parity/test_torch_multi_tensor.py` checks this bit for bit).
"""

from __future__ import annotations

import keras
import torch
from keras import ops

from keras_ref._numerics import constant


def applies(optimizer, variables) -> bool:
    """Whether the fast path covers these variables: one float32/float64 dtype, no special ones."""
    dtypes = {keras.backend.standardize_dtype(v.dtype) for v in variables}
    return (
        len(dtypes) == 1
        and dtypes <= {"float32", "float64"}
        and not any(getattr(v, "overwrite_with_gradient", False) for v in variables)
        and type(optimizer).__name__ in _STEPS
    )


@torch.no_grad()
def step(optimizer, grads, variables, learning_rate) -> None:
    """One legacy update of `variables` (keras Variables) by `grads`, in place."""
    dtype = keras.backend.standardize_dtype(variables[0].dtype)
    params = [v.value for v in variables]
    grads = [ops.cast(g, dtype) for g in grads]
    slots = [
        [getattr(optimizer, f"_{name}")[optimizer._get_variable_index(v)].value for v in variables]
        for name in optimizer._slot_names
    ]
    _STEPS[type(optimizer).__name__](optimizer, params, grads, slots, learning_rate, dtype)


def _copy(targets, values) -> None:
    torch._foreach_copy_(targets, values)


def _sgd(opt, params, grads, slots, learning_rate, dtype):
    lr, momentum = opt._decayed_lr(learning_rate, dtype), constant(opt.momentum, dtype)
    (m,) = slots
    lr_g = torch._foreach_mul(grads, lr)
    v = torch._foreach_sub(torch._foreach_mul(m, momentum), lr_g)  # momentum*m - lr*g
    _copy(m, v)
    if opt.nesterov:
        new = torch._foreach_add(params, torch._foreach_mul(v, momentum))
        torch._foreach_sub_(new, lr_g)  # (p + momentum*v) - lr*g
        _copy(params, new)
    else:
        torch._foreach_add_(params, v)


def _rmsprop(opt, params, grads, slots, learning_rate, dtype):
    lr, rho = opt._decayed_lr(learning_rate, dtype), constant(opt.rho, dtype)
    eps = constant(opt.epsilon, dtype)
    (a,) = slots
    torch._foreach_mul_(a, rho)
    torch._foreach_add_(a, torch._foreach_mul(torch._foreach_mul(grads, grads), 1 - rho))
    denom = torch._foreach_add(torch._foreach_sqrt(a), eps)
    torch._foreach_sub_(params, torch._foreach_div(torch._foreach_mul(grads, lr), denom))


def _adagrad(opt, params, grads, slots, learning_rate, dtype):
    lr, eps = opt._decayed_lr(learning_rate, dtype), constant(opt.epsilon, dtype)
    (a,) = slots
    torch._foreach_add_(a, torch._foreach_mul(grads, grads))
    denom = torch._foreach_add(torch._foreach_sqrt(a), eps)
    torch._foreach_sub_(params, torch._foreach_div(torch._foreach_mul(grads, lr), denom))


def _adadelta(opt, params, grads, slots, learning_rate, dtype):
    lr, eps = opt._decayed_lr(learning_rate, dtype), constant(opt.epsilon, dtype)
    rho, one_minus_rho = constant(opt.rho, dtype), constant(1.0 - opt.rho, dtype)
    a, d = slots
    torch._foreach_mul_(a, rho)
    torch._foreach_add_(a, torch._foreach_mul(torch._foreach_mul(grads, grads), one_minus_rho))
    update = torch._foreach_mul(grads, torch._foreach_sqrt(torch._foreach_add(d, eps)))
    torch._foreach_div_(update, torch._foreach_sqrt(torch._foreach_add(a, eps)))
    torch._foreach_sub_(params, torch._foreach_mul(update, lr))
    torch._foreach_mul_(d, rho)
    torch._foreach_add_(d, torch._foreach_mul(torch._foreach_mul(update, update), one_minus_rho))


def _moments(m, v, grads, b1, b2) -> None:
    """``m <- b1*m + (1-b1)*g``; ``v <- b2*v + (1-b2)*g**2``, in place."""
    torch._foreach_mul_(m, b1)
    torch._foreach_add_(m, torch._foreach_mul(grads, 1 - b1))
    torch._foreach_mul_(v, b2)
    torch._foreach_add_(v, torch._foreach_mul(torch._foreach_mul(grads, grads), 1 - b2))


def _adam(opt, params, grads, slots, learning_rate, dtype):
    lr = opt._decayed_lr(learning_rate, dtype)
    b1, b2 = constant(opt.beta_1, dtype), constant(opt.beta_2, dtype)
    eps = constant(opt.epsilon, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    lr_t = lr * (ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t)))
    m, v, *vhat = slots
    _moments(m, v, grads, b1, b2)
    if opt.amsgrad:
        torch._foreach_maximum_(vhat[0], v)
        v = vhat[0]
    denom = torch._foreach_add(torch._foreach_sqrt(v), eps)
    torch._foreach_sub_(params, torch._foreach_div(torch._foreach_mul(m, lr_t), denom))


def _adamax(opt, params, grads, slots, learning_rate, dtype):
    b1, b2 = constant(opt.beta_1, dtype), constant(opt.beta_2, dtype)
    eps = constant(opt.epsilon, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    lr_t = opt._decayed_lr(learning_rate, dtype) / (1 - ops.power(b1, t))
    m, u = slots
    torch._foreach_mul_(m, b1)
    torch._foreach_add_(m, torch._foreach_mul(grads, 1 - b1))
    torch._foreach_mul_(u, b2)
    torch._foreach_maximum_(u, torch._foreach_abs(grads))
    denom = torch._foreach_add(u, eps)
    torch._foreach_sub_(params, torch._foreach_div(torch._foreach_mul(m, lr_t), denom))


def _nadam(opt, params, grads, slots, learning_rate, dtype):
    lr = ops.cast(learning_rate, dtype)
    b2, eps = constant(opt.beta_2, dtype), constant(opt.epsilon, dtype)
    b1 = constant(opt.beta_1, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    mu_t, mu_next = opt._momentum_cache(t, dtype), opt._momentum_cache(t + 1, dtype)
    schedule = ops.cast(opt._m_schedule, dtype)
    schedule_next = schedule * mu_next
    m, v = slots
    g_prime = torch._foreach_div(grads, 1 - schedule)
    _moments(m, v, grads, b1, b2)
    m_prime = torch._foreach_div(m, 1 - schedule_next)
    v_prime = torch._foreach_div(v, 1 - ops.power(b2, t))
    m_bar = torch._foreach_mul(g_prime, 1 - mu_t)
    torch._foreach_add_(m_bar, torch._foreach_mul(m_prime, mu_next))
    denom = torch._foreach_add(torch._foreach_sqrt(v_prime), eps)
    torch._foreach_sub_(params, torch._foreach_div(torch._foreach_mul(m_bar, lr), denom))


_STEPS = {
    "SGD": _sgd,
    "RMSprop": _rmsprop,
    "Adagrad": _adagrad,
    "Adadelta": _adadelta,
    "Adam": _adam,
    "Adamax": _adamax,
    "Nadam": _nadam,
}
