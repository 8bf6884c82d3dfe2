"""torch backend only: the foreach executor, running each optimizer's `_rule` over tensor lists.

Stock Keras 3 updates most of its torch optimizers this way; a per-variable loop of `keras.ops`
calls costs ~15 small kernel launches and Python dispatches per variable. Here the rule that
`update_step` runs per variable (`keras_ref.optimizers.elementwise`) runs once over all
variables, with `ForeachOps`: each operation is a `torch._foreach_*` kernel over the lists (or a
loop of the `torch` function `keras.ops` calls, where there is no foreach kernel), with the same
operand order (when both operands are NaN, the result is the first one's NaN) and the same
operand types (0-d tensors for the step's scalars), so the numbers are identical
(`parity/test_torch_multi_tensor.py` checks this bit for bit, both families). One exception:
`torch._foreach_maximum_` (AMSGrad, Adamax) puts NaN where the generic `maximum` does, but a NaN
of its own, not the input's sign and payload.

Only the storage differs: an operation given ``into=x`` writes in place into ``x`` (a slot, the
parameter, or a temporary), so ``m = b1*m + (1-b1)*g`` is ``m *= b1; m += fresh``, and a new
value that is not already in its slot is copied there. On CPU a foreach op is a loop over the
tensors, so what costs is each pass over memory and each fresh large temporary (page faults):
large tensors are updated block by block, in cache (`_blocks`), blocks in threads
(`_in_threads`). No fused op (`alpha=`, addcmul, addcdiv, lerp) is used: its rounding differs.
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


def step(optimizer, grads, variables, learning_rate) -> bool:
    """One update of `variables` (keras Variables) by `grads` with the optimizer's `_rule`, in
    place, if the fast path covers them (one float32/float64 dtype, no special variables, no
    stateless scope, whose tensors must not be updated in place); returns whether it ran."""
    if not variables or in_stateless_scope():
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
    if isinstance(learning_rate, keras.Variable):  # its tensor: no scope checks, no cast
        (learning_rate,) = _values([learning_rate])
    scalars = optimizer._step_scalars(FOREACH_OPS, learning_rate, dtype)
    rule = optimizer._rule

    def update(params, grads, slots) -> None:
        params_new, slots_new = rule(FOREACH_OPS, scalars, params, grads, slots)
        for old, new in zip([params, *slots], [params_new, *slots_new]):
            if new is not old:  # (not computed in place)
                torch._foreach_copy_(old, new)

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


def _binary(name: str, commutes: bool = False):
    """``op(a, b, into=None)`` from `torch._foreach_<name>` and its in-place twin."""
    out_of_place, in_place = getattr(torch, f"_foreach_{name}"), getattr(torch, f"_foreach_{name}_")

    def op(a, b, into=None):
        if commutes and isinstance(a, torch.Tensor):  # a 0-d scalar first
            a, b = b, a
        if into is None:
            return out_of_place(a, b)
        in_place(_target(a, into), b)
        return a

    return staticmethod(op)


def _unary(name: str):
    """``op(a, into=None)`` from `torch._foreach_<name>` and its in-place twin."""
    out_of_place, in_place = getattr(torch, f"_foreach_{name}"), getattr(torch, f"_foreach_{name}_")

    def op(a, into=None):
        if into is None:
            return out_of_place(a)
        in_place(_target(a, into))
        return a

    return staticmethod(op)


class ForeachOps:
    """The rule's operations over lists of tensors (`elementwise.KerasOps` is the generic twin).

    A binary operation takes two lists, or a list and a 0-d tensor (first or second: ``b1 * m``
    runs as ``m * b1``, which IEEE multiplication and addition give bit for bit).
    """

    # -- this step's scalars, made once per device (0-d tensors that nothing writes to) ------
    @staticmethod
    def constant(value: float, dtype: str):
        return _cached(float(value), dtype, str(torch_device()), False)

    @staticmethod
    def one_minus(value: float, dtype: str):
        return _cached(float(value), dtype, str(torch_device()), True)

    # -- elementwise ------------------------------------------------------------------------
    add = _binary("add", commutes=True)
    mul = _binary("mul", commutes=True)
    sub = _binary("sub")
    div = _binary("div")
    div_by_scalar = div  # (no XLA here to rewrite it as a multiplication by 1/s)
    nonnegative_maximum = _binary("maximum")  # (its own NaN: see the module's docstring)
    neg = _unary("neg")
    sqrt = _unary("sqrt")
    sqrt_divisor = sqrt  # (no XLA here to rewrite a division by a root)
    abs = _unary("abs")

    @staticmethod
    def square(a, into=None):
        if into is None:
            return torch._foreach_mul(a, a)
        torch._foreach_mul_(_target(a, into), a)
        return a

    @staticmethod
    def rsqrt(a, into=None):
        return [torch.rsqrt(x) for x in a]

    @staticmethod
    def sign(a, into=None):
        return [torch.sign(x) for x in a]

    @staticmethod
    def greater(a, b):
        if not isinstance(b, torch.Tensor):
            return [torch.gt(x, y) for x, y in zip(a, b)]
        return [torch.gt(x, b) for x in a]

    @staticmethod
    def where(condition, a, b):
        a = [a] * len(condition) if isinstance(a, torch.Tensor) else a
        b = [b] * len(condition) if isinstance(b, torch.Tensor) else b
        return [torch.where(c, x, y) for c, x, y in zip(condition, a, b)]

    @staticmethod
    def cast(a, dtype: str):
        return [x.to(_TORCH_DTYPES[dtype]) for x in a]  # (`a`'s own tensors where already dtype)

    @staticmethod
    def apply(function, a, *scalars):
        return [function(x, *scalars) for x in a]


def _target(a, into):
    """`a`, which an operation given ``into=a`` overwrites (the first operand only)."""
    if into is not a:
        raise ValueError("ForeachOps: `into` must be the operation's first list operand")
    return a


FOREACH_OPS = ForeachOps()
