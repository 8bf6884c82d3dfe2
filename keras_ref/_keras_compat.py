"""The one module that touches Keras's private internals (`keras.src`, `_`-prefixed attributes).

Everything else in keras_ref uses public Keras only, so a Keras release can break keras_ref in
one place, and `tests/test_keras_compat.py` says which hook broke, on which Keras. Each hook is
a plain function (or, where Keras calls a private method of ours, a method of `OptimizerHooks`)
listed in `HOOKS`. Ruff's banned-api rule (TID251) rejects `keras.src` anywhere else.

The Keras range keras_ref supports, and tests (`.ci/run` runs the floor), is
``KERAS_FLOOR <= keras < KERAS_BELOW``: docs/keras-versions.md.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import NamedTuple

import keras

#: The oldest Keras that keras_ref supports (tested by `.ci/run`, tests/test_floor_fit.py).
KERAS_FLOOR = "3.10.0"
#: The first Keras minor that keras_ref has not been tested on.
KERAS_BELOW = "3.16"


def version_tuple(version: str) -> tuple[int, int, int]:
    """``"3.15.1"`` -> ``(3, 15, 1)``; suffixes such as ``.dev0`` or ``rc1`` are ignored."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    return (*numbers, 0, 0, 0)[:3]


def keras_version() -> tuple[int, int, int]:
    """The running Keras's version, as a tuple."""
    return version_tuple(keras.version())


def check_keras_version(version: str | None = None) -> None:
    """Raise ImportError if Keras (or `version`) is older than `KERAS_FLOOR`.

    A Keras at or past `KERAS_BELOW` is allowed (pip's resolver keeps it out of a normal
    install); `tests/test_keras_compat.py` says which private hook it broke, if any.
    """
    installed = keras.version() if version is None else version
    if version_tuple(installed) < version_tuple(KERAS_FLOOR):
        raise ImportError(
            f"keras_ref needs Keras >= {KERAS_FLOOR} (tested up to < {KERAS_BELOW}); "
            f"Keras {installed} is installed. Upgrade it: "
            f'pip install "keras>={KERAS_FLOOR},<{KERAS_BELOW}"'
        )


# At import: keras_ref's optimizers, losses and metrics import this module, so an old Keras
# fails here, with the versions named, before anything else touches it.
check_keras_version()


class Hook(NamedTuple):
    """A private Keras name keras_ref relies on: where it lives and the parameters it takes."""

    owner: str  # a module ("keras.src.backend") or a class ("keras.optimizers.Optimizer")
    name: str
    params: tuple[str, ...] | None  # positional parameter names (self excluded); None: attribute
    used_by: str  # the function or method of this module that uses it


#: Every private Keras name used below (checked by tests/test_keras_compat.py).
HOOKS: list[Hook] = []


def _hook(owner: str, name: str, params: tuple[str, ...] | None, used_by: str) -> None:
    HOOKS.append(Hook(owner, name, params, used_by))


# -- masks ------------------------------------------------------------------------------------

_hook("keras.src.backend", "get_keras_mask", ("x",), "get_keras_mask")


def get_keras_mask(x):
    """The Keras mask attached to tensor `x` (Keras 3 keeps it in a private attribute), or None."""
    from keras.src.backend import get_keras_mask as keras_get_mask

    return keras_get_mask(x)


# -- optimizers: the methods Keras calls, and those keras_ref calls -------------------------

_OPTIMIZER = "keras.optimizers.Optimizer"
_hook(_OPTIMIZER, "_clip_gradients", ("grads",), "OptimizerHooks._clip_gradients")
_hook(
    _OPTIMIZER,
    "_backend_update_step",
    ("grads", "trainable_variables", "learning_rate"),
    "OptimizerHooks._backend_update_step",
)
_hook(_OPTIMIZER, "_get_current_learning_rate", (), "current_learning_rate")
_hook(_OPTIMIZER, "_get_variable_index", ("variable",), "variable_index")
_hook(_OPTIMIZER, "_track_variable", ("variable",), "replace_learning_rate")
_hook(_OPTIMIZER, "_untrack_variable", ("variable",), "replace_learning_rate")
_hook(_OPTIMIZER, "_learning_rate", None, "learning_rate_holder")
_hook(_OPTIMIZER, "add_optimizer_variables", ("trainable_variables", "name"), "(build)")
_hook(
    "keras.src.optimizers.base_optimizer",
    "clip_by_global_norm",
    ("value_list", "clip_norm"),
    "keras_clip_by_global_norm",
)


class OptimizerHooks(keras.optimizers.Optimizer):
    """`keras.optimizers.Optimizer` whose private steps are reached through our own names.

    Keras calls ``_clip_gradients`` (before accumulation and the update) and
    ``_backend_update_step`` (all variables' updates of one step); a subclass overrides
    `clip_step` and `update_variables` instead, and calls `keras_update_variables` for Keras's
    own loop over the variables.
    """

    def _clip_gradients(self, grads):
        return self.clip_step(grads)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        return self.update_variables(grads, trainable_variables, learning_rate)

    def clip_step(self, grads: list) -> list:
        """The gradients clipped as Keras would (override to clip otherwise)."""
        return super()._clip_gradients(grads)

    def update_variables(self, grads: list, trainable_variables: list, learning_rate) -> None:
        """One step's updates of all variables (override to run code around them)."""
        self.keras_update_variables(grads, trainable_variables, learning_rate)

    def keras_update_variables(self, grads: list, trainable_variables: list, learning_rate):
        """Keras's own per-backend loop: `update_step` per variable (TF: per replica)."""
        return super()._backend_update_step(grads, trainable_variables, learning_rate)


def current_learning_rate(optimizer):
    """This step's learning rate: the schedule's value at `iterations`, or the variable."""
    return optimizer._get_current_learning_rate()


def variable_index(optimizer, variable) -> int:
    """Position of `variable` in the optimizer's variable list (indexes its slot lists)."""
    return optimizer._get_variable_index(variable)


def learning_rate_holder(optimizer):
    """What the optimizer holds as its rate: a Variable, a schedule, or a callable."""
    return optimizer._learning_rate


def replace_learning_rate(optimizer, variable) -> None:
    """Hold `variable` (a new learning-rate Variable) in place of the current one."""
    optimizer._untrack_variable(optimizer._learning_rate)
    optimizer._track_variable(variable)
    optimizer._learning_rate = variable


def keras_clip_by_global_norm(grads: list, clip_norm: float) -> list:
    """Keras 3's own `global_clipnorm` clipping of `grads`."""
    from keras.src.optimizers.base_optimizer import clip_by_global_norm

    return clip_by_global_norm(grads, clip_norm)


# -- tensorflow: the distributed update step --------------------------------------------------

_TF_OPTIMIZER = "keras.src.backend.tensorflow.optimizer.TFOptimizer"
_hook(
    _TF_OPTIMIZER,
    "_distributed_tf_update_step",
    ("distribution", "grads_and_vars", "learning_rate"),
    "tf_update_summed",
)
_hook(_TF_OPTIMIZER, "_distribution_strategy", None, "tf_update_summed")


def tf_update_summed(optimizer, grads: list, trainable_variables: list, learning_rate) -> None:
    """Keras's `TFOptimizer._backend_update_step`, for gradients already summed over replicas."""
    import tensorflow as tf

    variables = [v.value if isinstance(v, keras.Variable) else v for v in trainable_variables]
    tf.__internal__.distribute.interim.maybe_merge_call(
        optimizer._distributed_tf_update_step,
        optimizer._distribution_strategy,
        list(zip(grads, variables)),
        learning_rate,
    )


# -- torch: the in-place multi-tensor update -------------------------------------------------

_hook("keras.src.backend.common.stateless_scope", "in_stateless_scope", (), "in_stateless_scope")
_hook("keras.src.backend.common.variables", "get_autocast_scope", (), "autocast_scope")
_hook("keras.src.backend.torch.core", "get_device", (), "torch_device")
_hook("keras.Variable", "_value", None, "variable_tensor")


def in_stateless_scope() -> bool:
    """Whether a `keras.StatelessScope` is active (variables must not be written in place)."""
    from keras.src.backend.common.stateless_scope import in_stateless_scope as active

    return active()


def autocast_scope():
    """The active `keras.AutocastScope`, or None."""
    from keras.src.backend.common.variables import get_autocast_scope

    return get_autocast_scope()


def torch_device():
    """torch: the device Keras places new tensors on."""
    from keras.src.backend.torch.core import get_device

    return get_device()


def variable_tensor(variable):
    """The backend tensor a Variable holds, read without the scope checks of `.value`
    (None before it is initialized)."""
    return variable._value


# -- tf.keras 2.x logits shortcut: the pre-activation tensor Keras attaches to an output -------
# `keras.activations.softmax` / `sigmoid` store their input as ``output._keras_logits`` where the
# tensor type accepts attributes (TensorFlow, torch); JAX arrays and tracers do not.
# tests/test_tf2_losses.py checks the attribute is still attached on the installed Keras.


def attached_logits(output):
    """The pre-activation tensor Keras attached to a softmax/sigmoid output, or None."""
    return getattr(output, "_keras_logits", None)


def attach_logits(output, logits) -> bool:
    """Attach `logits` to `output` the way Keras does; False where the tensor type refuses."""
    try:
        output._keras_logits = logits
    except AttributeError:
        return False
    return True


# -- the .h5 loader: building a model's variables without allocating them ---------------------

_GLOBAL_STATE = "keras.src.backend.common.global_state"
_hook(_GLOBAL_STATE, "get_global_attribute", ("name",), "deferred_variables")
_hook(_GLOBAL_STATE, "set_global_attribute", ("name", "value"), "deferred_variables")


@contextlib.contextmanager
def deferred_variables() -> Iterator[None]:
    """Variables created inside are shapes only: never allocated, not even after the block.

    A `keras.StatelessScope` defers their initialization and registers them in Keras's list of
    variables to initialize later; that list is restored on exit, so they never are.
    """
    from keras.src.backend.common import global_state

    key = "uninitialized_variables"
    pending = list(global_state.get_global_attribute(key, []) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute(key, pending)


# -- one optimizer shared by two models: the copy counts its steps in the original's counter ---

_hook(_OPTIMIZER, "_iterations", None, "share_iterations")
_hook(_OPTIMIZER, "_variables", None, "share_iterations")


def share_iterations(copy, original) -> None:
    """Make optimizer `copy` count its steps in `original`'s `iterations` variable.

    Keras 3 keeps the counter in the private `_iterations` attribute and lists it in the private
    `_variables`; the copy's own counter is replaced in both, in place.
    """
    own = copy._iterations
    shared = original._iterations
    variables = [shared if v is own else v for v in copy._variables]
    copy._iterations = shared  # the tracker appends `shared` to `_variables` ...
    copy._variables[:] = variables  # ... which is set back to one entry per variable here
