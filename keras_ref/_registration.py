"""Register keras_ref's saveable classes with Keras as soon as Keras is imported.

``import keras_ref`` imports no backend, yet ``keras.models.load_model`` of a file that names
``keras_ref>Nadam`` (or a keras_ref loss or metric) must find the class without
``custom_objects``. So: if Keras is already imported, register now; otherwise a one-shot import
hook registers right after the ``keras`` package finishes importing. Processes that never
import Keras (``keras-ref migrate``, ``--help``) never pay for it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

# the modules whose import registers every class or function a saved model may name
REGISTERING_MODULES = (
    "keras_ref.optimizers",
    "keras_ref.losses",
    "keras_ref.metrics",
    "keras_ref.legacy_h5",
    "keras_ref.tf2",
)


def register_saveable_objects() -> None:
    """Import the modules that call ``keras.saving.register_keras_serializable``."""
    for module in REGISTERING_MODULES:
        importlib.import_module(module)


def _register_after_keras(module) -> None:
    try:
        register_saveable_objects()
    except Exception as error:  # never break `import keras` because of keras_ref
        warnings.warn(
            f"keras_ref could not register its classes with Keras ({error!r}); load saved "
            "models with custom_objects or `import keras_ref.optimizers` first.",
            RuntimeWarning,
            stacklevel=2,
        )


class _AfterKerasImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the real loader of ``keras`` to register after it runs."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras":
            return None
        _remove_hook()
        spec = importlib.util.find_spec("keras")  # the real finder (this one is gone)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        real_exec_module = spec.loader.exec_module

        def exec_module(module) -> None:
            real_exec_module(module)
            _register_after_keras(module)

        spec.loader.exec_module = exec_module  # this spec's own loader instance
        return spec


def _remove_hook() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AfterKerasImport)]


def register_when_keras_is_imported() -> None:
    """Register now if Keras is imported, else when it is; idempotent."""
    keras = sys.modules.get("keras")
    if keras is not None and getattr(keras, "saving", None) is not None:
        register_saveable_objects()
    elif keras is None and not any(isinstance(f, _AfterKerasImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterKerasImport())
