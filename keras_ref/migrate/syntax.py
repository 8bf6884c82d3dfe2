"""Small libcst helpers: source text, literal values, argument binding and rebuilding."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

import libcst as cst

#: The name the rewrites give the Keras 3 package: ``keras``, or ``keras3`` in a module that binds
#: ``keras`` to something else (``from keras import backend as keras``).
KERAS_ROOT: ContextVar[str] = ContextVar("KERAS_ROOT", default="keras")
_KERAS_PREFIX = re.compile(r"(?<![\w.])keras(?=\.)")
UNKNOWN = object()  # the value of an expression that is not a literal
_EMPTY = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    """The source text of `node`."""
    return _EMPTY.code_for_node(node)


def literal(expression: cst.BaseExpression | None):
    """The Python value of a literal expression (numbers, strings, None/True/False), or UNKNOWN."""
    if expression is None:
        return UNKNOWN
    try:
        return ast.literal_eval(code(expression).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN


def is_zero(value) -> bool:
    return value is not UNKNOWN and not isinstance(value, bool) and value in (0, 0.0)


def string_value(expression: cst.BaseExpression) -> str | None:
    """The text of a plain string literal (no f-string), else None."""
    if isinstance(expression, cst.SimpleString):
        value = literal(expression)
        return value if isinstance(value, str) else None
    return None


def with_string(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """`node` holding `text`, with its prefix and quote style."""
    prefix = node.prefix
    quote = node.quote
    return node.with_changes(value=f"{prefix}{quote}{text}{quote}")


def rooted(text: str) -> str:
    """`text` with each ``keras.`` name spelled with the module's `KERAS_ROOT`."""
    root = KERAS_ROOT.get()
    return text if root == "keras" else _KERAS_PREFIX.sub(root, text)


def dotted(path: str, root: bool = True) -> cst.BaseExpression:
    """``a.b.c`` as an expression node (``keras.`` spelled with `KERAS_ROOT` if `root`)."""
    parts = (rooted(path) if root else path).split(".")
    node: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def expression(text: str) -> cst.BaseExpression:
    """`text` parsed (``keras.`` spelled with `KERAS_ROOT`)."""
    return cst.parse_expression(rooted(text))


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )


def as_keyword(arg: cst.Arg, name: str) -> cst.Arg:
    """`arg` passed as ``name=value`` (keeps its value, comments and comma)."""
    no_space = cst.SimpleWhitespace("")
    equal = arg.equal
    if not isinstance(equal, cst.AssignEqual):
        equal = cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space)
    return arg.with_changes(keyword=cst.Name(name), equal=equal)


@dataclass
class Bound:
    """A call's arguments by parameter name (positional ones mapped through `names`)."""

    args: dict[str, cst.Arg] = field(default_factory=dict)
    positional: list[str] = field(default_factory=list)  # names of the positional args, in order
    starred: bool = False  # *args or **kwargs: not everything is visible
    extra: int = 0  # positional args beyond `names`

    def has(self, name: str) -> bool:
        return name in self.args

    def value(self, name: str):
        arg = self.args.get(name)
        return UNKNOWN if arg is None else literal(arg.value)


def bind(call: cst.Call, names: Sequence[str]) -> Bound:
    """Map `call`'s arguments to parameter names (`names` is the positional order)."""
    bound = Bound()
    index = 0
    for arg in call.args:
        if arg.star:
            bound.starred = True
        elif arg.keyword is None:
            if index < len(names):
                bound.args[names[index]] = arg
                bound.positional.append(names[index])
            else:
                bound.extra += 1
            index += 1
        else:
            bound.args[arg.keyword.value] = arg
    return bound


def rebuild_args(original: Sequence[cst.Arg], new: list[cst.Arg]) -> list[cst.Arg]:
    """`new` with commas fixed: the last argument keeps the original last one's (trailing) comma."""
    if not new:
        return new
    fixed = list(new[:-1])
    last_comma = original[-1].comma if original else cst.MaybeSentinel.DEFAULT
    fixed.append(new[-1].with_changes(comma=last_comma))
    return fixed
