"""Restore a tf.keras 2.x optimizer state (its `get_weights()` list) into a keras_ref.tf2 one.

tf.keras 2.x lists ``[iter]``, then Nadam's momentum cache, then the slots grouped by slot type
in variable order (``m_1..m_n, v_1..v_n``), except Ftrl, which interleaves them per variable
(``accumulator_1, linear_1, accumulator_2, ...``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from keras_ref.tf2.optimizers.base import TF2Optimizer


def tf_keras_slot_layout(optimizer: TF2Optimizer, variables: Sequence) -> list:
    """The optimizer's state variables in tf.keras 2.x `get_weights()` order (after build)."""
    n = len(variables)
    slots = [optimizer._slots(v) for v in variables]  # per variable, in slot-name order
    names = list(optimizer._slot_names)
    head = [optimizer.iterations]
    if hasattr(optimizer, "_momentum_cache"):
        head.append(optimizer._momentum_cache)
    if type(optimizer).__name__ == "Ftrl":
        return head + [s for per_variable in slots for s in per_variable]
    return head + [slots[i][j] for j in range(len(names)) for i in range(n)]


def restore_tf_keras_state(
    optimizer: TF2Optimizer, variables: Sequence, weight_values: Sequence
) -> None:
    """Build `optimizer` for `variables` and assign tf.keras 2.x `weight_values` to its state.

    Accepts what tf.keras 2.x `set_weights` accepted: the full list, and for RMSprop, Adagrad and
    Adadelta a list without ``iter`` (Keras 2.2.4's layout; ``iter`` becomes 0), and for Adam
    without AMSGrad a list with ``vhat`` (dropped). Raises ValueError on any other length or a
    shape mismatch, naming the entry.
    """
    if not isinstance(optimizer, TF2Optimizer):
        raise TypeError(
            "restore_tf_keras_state: `optimizer` must be a keras_ref.tf2 optimizer, got "
            f"{type(optimizer).__name__}."
        )
    variables = list(variables)
    optimizer.build(variables)
    targets = tf_keras_slot_layout(optimizer, variables)
    values = [np.asarray(w) for w in weight_values]
    name = type(optimizer).__name__
    if len(values) == len(targets) - 1 and name in ("RMSprop", "Adagrad", "Adadelta"):
        values = [np.asarray(0, dtype=np.int64), *values]
    if len(values) == len(targets) + len(variables) and name == "Adam" and not optimizer.amsgrad:
        values = values[: len(targets)]
    if len(values) != len(targets):
        raise ValueError(
            f"restore_tf_keras_state: {name} for {len(variables)} variables holds "
            f"{len(targets)} weights in tf.keras 2.x order, got {len(values)}."
        )
    for index, (target, value) in enumerate(zip(targets, values)):
        if tuple(target.shape) != tuple(value.shape):
            raise ValueError(
                f"restore_tf_keras_state: {name} weight {index} (`{target.path}`) has shape "
                f"{tuple(target.shape)}, got {tuple(value.shape)}."
            )
        target.assign(value.astype(np.dtype(target.dtype)))
