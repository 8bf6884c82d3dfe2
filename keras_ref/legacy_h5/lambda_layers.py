"""Keras 2 ``Lambda`` layers: their function, stored as marshalled Python bytecode, as a callable.

Keras 2 saved a ``Lambda`` layer's function as ``[base64(marshal(code)), defaults, closure]``
with ``function_type: "lambda"`` (or its name, with ``function_type: "function"``). Loading
bytecode runs code from the file, so it is refused unless the caller passes ``safe_mode=False``;
bytecode is also specific to the Python version that wrote it. The way around both is to give the
function in code: ``custom_objects={"<layer name>": function}``. See docs/legacy-h5.md.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import marshal
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

import keras

__all__ = ["lambda_function"]


def lambda_function(
    layer_name: str, stored: Any, custom_objects: Mapping[str, Any], *, safe_mode: bool
) -> Callable:
    """The function of the Keras 2 Lambda layer `layer_name` from its stored bytecode `stored`.

    ``custom_objects[layer_name]`` wins when given; otherwise the bytecode is loaded only with
    ``safe_mode=False``. Raises ValueError naming the layer for anything it cannot load.
    """
    given = custom_objects.get(layer_name)
    if callable(given):
        return given
    fix = (
        f"Pass the function in code instead: load_model(..., custom_objects={{{layer_name!r}: "
        "my_function}}), or rebuild the model in code and call model.load_weights."
    )
    if safe_mode:
        raise ValueError(
            f"layer {layer_name!r} is a Lambda layer whose function is stored as Python bytecode; "
            "loading it runs code from the file. If you trust the file, pass safe_mode=False. "
            + fix
        )
    code_text, defaults, closure = _parts(layer_name, stored)
    try:
        code = marshal.loads(base64.b64decode(code_text.encode("ascii")))
    except (EOFError, ValueError, TypeError, binascii.Error) as error:
        raise ValueError(
            f"layer {layer_name!r}: the Lambda function's bytecode cannot be read by Python "
            f"{sys.version_info.major}.{sys.version_info.minor} ({type(error).__name__}: "
            f"{error}); it was most likely written by another Python version (the file does not "
            "say which). Load the file under the Python that saved it, or "
            + fix[0].lower()
            + fix[1:]
        ) from error
    if not isinstance(code, types.CodeType):
        raise ValueError(f"layer {layer_name!r}: the Lambda function's bytecode is not code.")
    namespace = {"__builtins__": builtins, "keras": keras, "K": keras.ops, **custom_objects}
    cells = None if closure is None else tuple(types.CellType(value) for value in closure)
    try:
        return types.FunctionType(
            code, namespace, code.co_name, None if defaults is None else tuple(defaults), cells
        )
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"layer {layer_name!r}: cannot rebuild the Lambda function from its bytecode "
            f"({error}). " + fix
        ) from error


def _parts(layer_name: str, stored: Any) -> tuple[str, Any, Any]:
    if isinstance(stored, str):
        return stored, None, None
    if isinstance(stored, (list, tuple)) and len(stored) == 3 and isinstance(stored[0], str):
        return stored[0], stored[1], stored[2]
    raise ValueError(
        f"layer {layer_name!r}: the Lambda function is stored in an unknown form "
        f"({type(stored).__name__})."
    )
