"""The elementwise operations an optimizer's update rule is written in, and the generic executor's.

Each optimizer writes its update once, as `_rule(o, s, p, g, slots) -> (p_new, slots_new)`:
``o`` is an operations namespace, ``s`` the step's scalars (0-d tensors, `_step_scalars`),
``p``, ``g`` and ``slots`` the parameter, gradient and slot values in the compute dtype. Two
executors run the same rule (docs/performance.md#one-rule-two-executors):

- `KerasOps` here: ``p``, ``g``, ``slots`` are one variable's tensors, the operations are
  `keras.ops` (every backend; `LegacyOptimizer.update_step`);
- `ForeachOps` (`_torch_multi_tensor.py`, torch only): they are lists of tensors, the operations
  `torch._foreach_*` kernels over all variables at once, block by block.

Every operation is functional. ``into=x`` only says that ``x``'s old value is dead after the
operation, so that its storage may take the result: the foreach executor writes there in place
(a slot, the parameter or a temporary); here a variable given as ``into=a`` of ``add``/``sub``
is updated with `assign_add`/`assign_sub` (no separate read), everything else is computed
anew and assigned by the executor. A rule that used a value after giving it as ``into`` would
compute other numbers on the two executors: `parity/test_torch_multi_tensor.py` checks that
they are bit-identical.
"""

from __future__ import annotations

from typing import Any

from keras import ops

from keras_ref._numerics import constant, nonnegative_maximum
from keras_ref._scalar_division import divide_by_scalar


class KerasOps:
    """The rule's operations as `keras.ops` on one variable's tensors (every backend)."""

    def __init__(self, optimizer: Any = None) -> None:
        self._optimizer = optimizer  # assigns `into=` variables; None: scalars only

    # -- this step's scalars ----------------------------------------------------------------
    @staticmethod
    def constant(value: float, dtype: str):
        """`value` rounded once to `dtype`, a 0-d tensor."""
        return constant(value, dtype)

    def one_minus(self, value: float, dtype: str):
        """``1 - constant(value, dtype)``: one minus the *rounded* value."""
        return 1 - self.constant(value, dtype)

    # -- elementwise ------------------------------------------------------------------------
    def add(self, a, b, into=None):
        if into is not None and into is a and self._variable(a):
            self._optimizer.assign_add(a, b)
            return a  # read after the update where used: the sum it wrote
        return a + b

    def sub(self, a, b, into=None):
        if into is not None and into is a and self._variable(a):
            self._optimizer.assign_sub(a, b)
            return a
        return a - b

    @staticmethod
    def mul(a, b, into=None):
        return a * b

    @staticmethod
    def div(a, b, into=None):
        return a / b

    @staticmethod
    def div_by_scalar(a, s, into=None):
        """``a / s`` for a scalar ``s``, a true division also under XLA (see _scalar_division)."""
        return divide_by_scalar(a, s)

    @staticmethod
    def neg(a, into=None):
        return -a

    @staticmethod
    def square(a, into=None):
        return ops.square(a)

    @staticmethod
    def sqrt(a, into=None):
        return ops.sqrt(a)

    @staticmethod
    def sqrt_divisor(a, into=None):
        """``sqrt(a)`` of ``a >= 0`` as a divisor: abs() (exact) keeps XLA from using rsqrt."""
        return ops.abs(ops.sqrt(a))

    @staticmethod
    def rsqrt(a, into=None):
        return ops.rsqrt(a)

    @staticmethod
    def abs(a, into=None):
        return ops.abs(a)

    @staticmethod
    def sign(a, into=None):
        return ops.sign(a)

    @staticmethod
    def nonnegative_maximum(a, b, into=None):
        """`_numerics.nonnegative_maximum` (values >= +0 or NaN)."""
        return nonnegative_maximum(a, b)

    @staticmethod
    def greater(a, b):
        return a > b

    @staticmethod
    def where(condition, a, b):
        return ops.where(condition, a, b)

    @staticmethod
    def cast(a, dtype: str):
        return ops.cast(a, dtype)

    @staticmethod
    def apply(function, a, *scalars):
        """``function(a, *scalars)``, a `keras.ops` function with no foreach kernel."""
        return function(a, *scalars)

    def _variable(self, x) -> bool:
        # a keras Variable, or the backend's own (TensorFlow's distributed update hands the
        # rule a tf.Variable): anything updated in place, as `assign_sub` is
        return self._optimizer is not None and hasattr(x, "assign_sub")


KERAS_OPS = KerasOps()  # for the step's scalars, outside any rule


# -- building blocks shared by several rules -------------------------------------------------


def moving_average(o, state, x, decay, one_minus, *, x_is_temporary: bool = False):
    """``decay * state + one_minus * x``, into `state` (and `x`'s storage when a temporary)."""
    fresh = o.mul(one_minus, x, into=x if x_is_temporary else None)
    return o.add(o.mul(decay, state, into=state), fresh, into=state)


def rms_step(o, numerator, root, eps):
    """``numerator / (sqrt(root) + eps)``, into `numerator` (a temporary)."""
    denominator = o.sqrt(root)
    denominator = o.add(denominator, eps, into=denominator)
    return o.div(numerator, denominator, into=numerator)


def moving_average_step(o, state, x, one_minus, *, x_is_temporary: bool = False):
    """``state + (x - state) * one_minus``, into `state`: TensorFlow's fused kernels' form."""
    difference = o.sub(x, state, into=x if x_is_temporary else None)
    return o.add(state, o.mul(difference, one_minus, into=difference), into=state)
