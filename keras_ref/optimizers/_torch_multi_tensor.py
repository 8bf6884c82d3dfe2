"""torch backend only: the legacy updates over lists of tensors, with `torch._foreach_*` kernels.

Stock Keras 3 updates most of its torch optimizers this way; a per-variable loop of `keras.ops`
calls costs ~15 small kernel launches and Python dispatches per variable. Each update below
performs the same elementwise operations, in the same order, with the same operand order
(when both operands are NaN, the result is the first one's NaN) and the same operand types
(0-d tensors for the per-step scalars), as the generic `update_step` of its optimizer, so the
numbers are identical (`parity/test_torch_multi_tensor.py` checks this bit for bit). One
exception, as before: `torch._foreach_maximum_` (Adam with AMSGrad, Adamax) puts NaN where the
generic `maximum` does, but a NaN of its own, not the input's sign and payload.

Only the storage differs. Results are computed in place, into the slots and parameters where
the legacy order allows (``m *= b1; m += t`` is ``b1*m + t``), otherwise into a few fresh
temporaries that the following operations overwrite in place. On CPU a foreach op is a loop
over the tensors, so what costs is each pass over memory and each fresh large temporary (page
faults): large tensors are updated block by block, in cache (`_blocks`). No fused op
(`alpha=`, addcmul, addcdiv, lerp) is used: its rounding differs.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import threading

import keras
import torch
from keras import ops

from keras_ref._keras_compat import (
    autocast_scope,
    in_stateless_scope,
    torch_device,
    variable_index,
    variable_tensor,
)
from keras_ref._numerics import constant

_FLOATS = (torch.float32, torch.float64)
_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_BLOCK = 1 << 19  # elements per block of the update on CPU (2 MiB of float32): see _blocks
# Elements per piece of a block: ATen's grain size, below which an operation runs in its
# caller's thread (see _in_threads).
_PIECE = 1 << 15


@functools.lru_cache(maxsize=256)
def _cached(value: float, dtype: str, device: str, one_minus: bool):
    c = constant(value, dtype)
    return 1 - c if one_minus else c


def _constant(value: float, dtype: str):
    """`constant(value, dtype)`, made once per device (a 0-d tensor that nothing writes to)."""
    return _cached(float(value), dtype, str(torch_device()), False)


def _one_minus(value: float, dtype: str):
    """``1 - constant(value, dtype)`` (from the rounded value, as the generic path), made once."""
    return _cached(float(value), dtype, str(torch_device()), True)


def step(optimizer, grads, variables, learning_rate) -> bool:
    """One legacy update of `variables` (keras Variables) by `grads`, in place, if the fast
    path covers them (one float32/float64 dtype, no special variables, no stateless scope,
    whose tensors must not be updated in place); returns whether it ran."""
    if type(optimizer).__name__ not in _STEPS or not variables or in_stateless_scope():
        return False
    params = _values(variables)
    torch_dtype = params[0].dtype
    if (
        torch_dtype not in _FLOATS
        or any(p.dtype != torch_dtype for p in params)
        or any(getattr(v, "overwrite_with_gradient", False) for v in variables)
    ):
        return False
    dtype = keras.backend.standardize_dtype(variables[0].dtype)
    grads = [
        g if isinstance(g, torch.Tensor) and g.dtype == torch_dtype else ops.cast(g, dtype)
        for g in grads
    ]
    slots = []
    if optimizer._slot_names:
        index = [variable_index(optimizer, v) for v in variables]
        slots = [
            _values([getattr(optimizer, f"_{name}")[i] for i in index])
            for name in optimizer._slot_names
        ]
    if torch.is_grad_enabled():  # (fit already runs the optimizer under no_grad)
        with torch.no_grad():
            _update(optimizer, learning_rate, dtype, params, grads, slots)
    else:
        _update(optimizer, learning_rate, dtype, params, grads, slots)
    return True


def _update(optimizer, learning_rate, dtype: str, params, grads, slots) -> None:
    update = _STEPS[type(optimizer).__name__](optimizer, learning_rate, dtype)
    blocks = list(_blocks(params, grads, slots))
    threads = torch.get_num_threads()
    if len(blocks) == 1 or threads == 1 or any(p.numel() > _PIECE for b in blocks for p in b[0]):
        for block in blocks:
            update(*block)
        return
    _in_threads(update, blocks, threads)


# by process and number of workers
_pools: dict[tuple[int, int], concurrent.futures.ThreadPoolExecutor] = {}


def _in_threads(update, blocks: list, threads: int) -> None:
    """Run `update` on each block, `threads` Python threads taking the next block when done.

    Each operation on a piece of at most `_PIECE` elements runs in its caller's thread (no
    OpenMP parallel region), and torch releases the GIL while it runs, so the threads update
    blocks side by side; a thread that the OS pauses (a busy machine) holds up only its own
    block, where a parallel region per operation would make every operation wait for it.
    """
    key = (os.getpid(), threads - 1)  # a forked child has none of its parent's threads
    if key not in _pools:
        _pools[key] = concurrent.futures.ThreadPoolExecutor(threads - 1, "keras_ref_update")
    pool = _pools[key]
    queue = iter(blocks)
    lock = threading.Lock()

    def work() -> None:
        with torch.no_grad():  # (grad mode is per thread)
            while True:
                with lock:
                    block = next(queue, None)
                if block is None:
                    return
                update(*block)

    others = [pool.submit(work) for _ in range(threads - 1)]
    try:
        work()
    finally:
        for other in others:
            other.result()


def _values(variables) -> list:
    """``[v.value for v in variables]``, the tensors that the update writes in place.

    `Variable.value` checks the stateless, autocast and device scopes for every variable
    (~2 us each, as much as the update of a small tensor); outside all of them it is the
    variable's own tensor, read here directly.
    """
    if in_stateless_scope() or autocast_scope() is not None or str(torch_device()) == "meta":
        return [v.value for v in variables]
    values = [variable_tensor(v) for v in variables]
    if any(value is None for value in values):  # not initialized yet: `.value` knows what to do
        return [v.value for v in variables]
    return values


def _blocks(params, grads, slots):
    """`(params, grads, slots)` again, cut into blocks of at most `_BLOCK` elements (on CPU).

    Every operation is elementwise, so the update may run block by block: a block's operands
    and temporaries stay in cache through the ~12 passes of an update, where whole large
    tensors would come from memory again at every pass (and their temporaries be fresh,
    page-faulting allocations). A large contiguous tensor is cut, with its gradient and slots,
    into flat views of `_PIECE` elements; pieces and smaller tensors are packed together, in
    order. Each element still meets the same operations on the same operands: the numbers are
    unchanged.
    """
    if params[0].device.type != "cpu" or sum(p.numel() for p in params) <= _BLOCK:
        yield params, grads, slots
        return
    pieces = []  # one tuple (param, grad, *slots) per piece of a variable
    for tensors in zip(params, grads, *slots):
        shape = tensors[0].shape
        if tensors[0].numel() > _PIECE and all(
            t.shape == shape and t.is_contiguous() for t in tensors
        ):
            pieces.extend(zip(*(t.view(-1).split(_PIECE) for t in tensors)))
        else:
            pieces.append(tensors)
    block, size = [], 0
    for piece in pieces:
        if block and size + piece[0].numel() > _BLOCK:
            yield _unzip(block)
            block, size = [], 0
        block.append(piece)
        size += piece[0].numel()
    yield _unzip(block)


def _unzip(pieces):
    params, grads, *slots = (list(column) for column in zip(*pieces))
    return params, grads, slots


def _descend(params, numerator, root, eps) -> None:
    """``p <- p - numerator / (sqrt(root) + eps)``; `numerator` is a fresh list, overwritten."""
    denom = torch._foreach_sqrt(root)
    torch._foreach_add_(denom, eps)
    torch._foreach_div_(numerator, denom)
    torch._foreach_sub_(params, numerator)


def _ema_(slot, grads, decay, one_minus_decay, square: bool) -> None:
    """``s <- decay*s + (1-decay)*x`` in place, ``x = g*g`` if `square` else ``g``."""
    if square:
        fresh = torch._foreach_mul(grads, grads)
        torch._foreach_mul_(fresh, one_minus_decay)
    else:
        fresh = torch._foreach_mul(grads, one_minus_decay)
    torch._foreach_mul_(slot, decay)
    torch._foreach_add_(slot, fresh)


def _cast(x, dtype: str):
    """`ops.cast`, skipped (it costs more than a small update) when `x` already is `dtype`."""
    if isinstance(x, keras.Variable):  # the learning rate
        (x,) = _values([x])
    if isinstance(x, torch.Tensor) and x.dtype == _TORCH_DTYPES[dtype]:
        return x
    return ops.cast(x, dtype)


def _decayed_lr(opt, learning_rate, dtype: str):
    """`LegacyOptimizer._decayed_lr`: the same operations, without the no-op cast."""
    if opt.decay > 0:
        return opt._decayed_lr(learning_rate, dtype)
    return _cast(learning_rate, dtype)


# Each `_<name>(opt, learning_rate, dtype)` computes this step's 0-d scalars, as the generic
# update does (``1 - b1`` from the rounded ``b1``...), and returns the elementwise update
# ``update(params, grads, slots)``, run on each block.


def _sgd(opt, learning_rate, dtype):
    lr, momentum = _decayed_lr(opt, learning_rate, dtype), _constant(opt.momentum, dtype)
    plain, nesterov = opt.momentum == 0 and not opt.nesterov, opt.nesterov

    def update(params, grads, slots):
        lr_g = torch._foreach_mul(grads, lr)
        if plain:
            torch._foreach_sub_(params, lr_g)  # p <- p - lr*g, no moment (see SGD)
            return
        (m,) = slots
        # v = momentum*m - lr*g, computed in m itself: m <- v
        torch._foreach_mul_(m, momentum)
        torch._foreach_sub_(m, lr_g)
        if nesterov:
            # p <- (p + momentum*v) - lr*g
            torch._foreach_add_(params, torch._foreach_mul(m, momentum))
            torch._foreach_sub_(params, lr_g)
        else:
            torch._foreach_add_(params, m)

    return update


def _rmsprop(opt, learning_rate, dtype):
    lr, rho = _decayed_lr(opt, learning_rate, dtype), _constant(opt.rho, dtype)
    one_minus_rho, eps = _one_minus(opt.rho, dtype), _constant(opt.epsilon, dtype)

    def update(params, grads, slots):
        (a,) = slots
        _ema_(a, grads, rho, one_minus_rho, square=True)
        _descend(params, torch._foreach_mul(grads, lr), a, eps)

    return update


def _adagrad(opt, learning_rate, dtype):
    lr, eps = _decayed_lr(opt, learning_rate, dtype), _constant(opt.epsilon, dtype)

    def update(params, grads, slots):
        (a,) = slots
        torch._foreach_add_(a, torch._foreach_mul(grads, grads))
        _descend(params, torch._foreach_mul(grads, lr), a, eps)

    return update


def _adadelta(opt, learning_rate, dtype):
    lr, eps = _decayed_lr(opt, learning_rate, dtype), _constant(opt.epsilon, dtype)
    rho, one_minus_rho = _constant(opt.rho, dtype), _constant(1.0 - opt.rho, dtype)

    def update(params, grads, slots):
        a, d = slots
        _ema_(a, grads, rho, one_minus_rho, square=True)
        # update = g * sqrt(d_old + eps) / sqrt(a_new + eps). `g` stays the first factor: when
        # both factors are NaN, the result is the first one's NaN (sign bit included).
        root = torch._foreach_add(d, eps)
        torch._foreach_sqrt_(root)
        step = torch._foreach_mul(grads, root)
        del root  # (frees its memory for the next temporary)
        root = torch._foreach_add(a, eps)
        torch._foreach_sqrt_(root)
        torch._foreach_div_(step, root)
        del root
        torch._foreach_sub_(params, torch._foreach_mul(step, lr))
        # d <- rho*d_old + (1-rho)*update**2: `step` is not needed any more, square it in place
        torch._foreach_mul_(step, step)
        torch._foreach_mul_(step, one_minus_rho)
        torch._foreach_mul_(d, rho)
        torch._foreach_add_(d, step)

    return update


def _adam(opt, learning_rate, dtype):
    lr = _decayed_lr(opt, learning_rate, dtype)
    b1, b2 = _constant(opt.beta_1, dtype), _constant(opt.beta_2, dtype)
    eps = _constant(opt.epsilon, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    lr_t = lr * (ops.sqrt(1 - ops.power(b2, t)) / (1 - ops.power(b1, t)))
    one_minus_b1, one_minus_b2 = _one_minus(opt.beta_1, dtype), _one_minus(opt.beta_2, dtype)
    amsgrad = opt.amsgrad

    def update(params, grads, slots):
        m, v, *vhat = slots
        _ema_(m, grads, b1, one_minus_b1, square=False)
        _ema_(v, grads, b2, one_minus_b2, square=True)
        if amsgrad:
            torch._foreach_maximum_(vhat[0], v)
            v = vhat[0]
        _descend(params, torch._foreach_mul(m, lr_t), v, eps)

    return update


def _adamax(opt, learning_rate, dtype):
    b1, b2 = _constant(opt.beta_1, dtype), _constant(opt.beta_2, dtype)
    eps = _constant(opt.epsilon, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    lr_t = _decayed_lr(opt, learning_rate, dtype) / (1 - ops.power(b1, t))
    one_minus_b1 = _one_minus(opt.beta_1, dtype)

    def update(params, grads, slots):
        m, u = slots
        _ema_(m, grads, b1, one_minus_b1, square=False)
        torch._foreach_mul_(u, b2)
        torch._foreach_maximum_(u, torch._foreach_abs(grads))  # u <- max(b2*u, |g|)
        # p <- p - lr_t*m / (u + eps)
        step = torch._foreach_mul(m, lr_t)
        denom = torch._foreach_add(u, eps)
        torch._foreach_div_(step, denom)
        torch._foreach_sub_(params, step)

    return update


def _momentum_cache(opt, step, dtype):
    """`Nadam._momentum_cache`, the same operations on the cached constants."""
    decay_base, sd = _constant(0.96, dtype), _constant(opt.schedule_decay, dtype)
    return _constant(opt.beta_1, dtype) * (1 - 0.5 * ops.power(decay_base, step * sd))


def _nadam(opt, learning_rate, dtype):
    lr = _cast(learning_rate, dtype)
    b2, eps = _constant(opt.beta_2, dtype), _constant(opt.epsilon, dtype)
    b1 = _constant(opt.beta_1, dtype)
    t = ops.cast(opt.iterations, dtype) + 1
    mu_t, mu_next = _momentum_cache(opt, t, dtype), _momentum_cache(opt, t + 1, dtype)
    schedule = ops.cast(opt._m_schedule, dtype)
    schedule_next = schedule * mu_next
    one_minus_schedule, one_minus_mu_t = 1 - schedule, 1 - mu_t
    one_minus_schedule_next, one_minus_b2_power = 1 - schedule_next, 1 - ops.power(b2, t)
    one_minus_b1, one_minus_b2 = _one_minus(opt.beta_1, dtype), _one_minus(opt.beta_2, dtype)

    def update(params, grads, slots):
        m, v = slots
        # m_bar = (1-mu_t) * (g / (1-S_t)) + mu_next * (m_new / (1-S_t*mu_next)), in one list
        m_bar = torch._foreach_div(grads, one_minus_schedule)
        torch._foreach_mul_(m_bar, one_minus_mu_t)
        _ema_(m, grads, b1, one_minus_b1, square=False)
        m_prime = torch._foreach_div(m, one_minus_schedule_next)
        torch._foreach_mul_(m_prime, mu_next)
        torch._foreach_add_(m_bar, m_prime)
        del m_prime  # (frees its memory for the next temporary)
        _ema_(v, grads, b2, one_minus_b2, square=True)
        torch._foreach_mul_(m_bar, lr)
        # p <- p - lr*m_bar / (sqrt(v_new / (1 - b2**t)) + eps)
        root = torch._foreach_div(v, one_minus_b2_power)
        torch._foreach_sqrt_(root)
        torch._foreach_add_(root, eps)
        torch._foreach_div_(m_bar, root)
        torch._foreach_sub_(params, m_bar)

    return update


_STEPS = {
    "SGD": _sgd,
    "RMSprop": _rmsprop,
    "Adagrad": _adagrad,
    "Adadelta": _adadelta,
    "Adam": _adam,
    "Adamax": _adamax,
    "Nadam": _nadam,
}
