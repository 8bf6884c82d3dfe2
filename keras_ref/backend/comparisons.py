"""Comparisons and `switch` of the legacy `K`: Python-number operands take the tensor's dtype;
`switch` aligns a lower-rank condition with the *leading* axes
(docs/legacy-formulas.md#backend-idiom)."""

from __future__ import annotations

from keras import ops

from keras_ref._symbolic import accepts_symbolic
from keras_ref.backend._operands import operands


@accepts_symbolic
def equal(x, y):
    """Elementwise ``x == y`` (bool)."""
    return ops.equal(*operands(x, y))


@accepts_symbolic
def not_equal(x, y):
    """Elementwise ``x != y`` (bool)."""
    return ops.not_equal(*operands(x, y))


@accepts_symbolic
def greater(x, y):
    """Elementwise ``x > y`` (bool)."""
    return ops.greater(*operands(x, y))


@accepts_symbolic
def greater_equal(x, y):
    """Elementwise ``x >= y`` (bool)."""
    return ops.greater_equal(*operands(x, y))


@accepts_symbolic
def less(x, y):
    """Elementwise ``x < y`` (bool)."""
    return ops.less(*operands(x, y))


@accepts_symbolic
def less_equal(x, y):
    """Elementwise ``x <= y`` (bool)."""
    return ops.less_equal(*operands(x, y))


@accepts_symbolic
def switch(condition, then_expression, else_expression):
    """``where(condition, then, else)``; callables are called first.

    A condition of lower rank than the expressions selects along the expressions' *leading*
    axes (legacy semantics, unlike NumPy broadcasting, which aligns trailing axes).
    """
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    then_expression, else_expression = operands(then_expression, else_expression)
    condition = ops.cast(condition, "bool")
    cond_rank, expr_rank = len(condition.shape), len(then_expression.shape)
    if cond_rank > expr_rank:
        raise ValueError(
            "switch: `condition` must not have a higher rank than `then_expression`; got "
            f"rank {cond_rank} and rank {expr_rank}."
        )
    if 0 < cond_rank < expr_rank:
        condition = ops.reshape(
            condition, (*ops.shape(condition), *([1] * (expr_rank - cond_rank)))
        )
    return ops.where(condition, then_expression, else_expression)
