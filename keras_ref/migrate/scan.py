"""The read-only first pass over a module: imports, facts about the file, uses of the K idiom."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import PositionProvider, QualifiedNameProvider

from keras_ref.migrate import knowledge as K

_PREFIXES = {
    "tensorflow.keras": "keras",
    "tensorflow.python.keras": "keras",
    "tf_keras": "keras",
}


def normalise(name: str) -> str:
    """``tensorflow.keras.x`` (the Keras 2 bundled with TensorFlow) as ``keras.x``."""
    for prefix, replacement in _PREFIXES.items():
        if name == prefix or name.startswith(prefix + "."):
            return replacement + name[len(prefix) :]
    return name


def dotted_name(node: cst.BaseExpression | None) -> str:
    """``a.b.c`` for an Attribute/Name chain (as written), '' otherwise."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


@dataclass(frozen=True)
class Binding:
    """A local name bound by an import: ``from module import obj as asname`` / ``import module``."""

    local: str
    module: str
    obj: str | None
    asname: str | None

    @property
    def target(self) -> str:
        """The normalised dotted name the local name stands for."""
        if self.obj is not None:
            return normalise(f"{self.module}.{self.obj}")
        return normalise(self.module if self.asname else self.module.split(".")[0])


@dataclass
class BackendUse:
    node_id: int
    name: str
    line: int
    column: int
    root: str | None
    call_func: bool


@dataclass
class Facts:
    """What the first pass learned about the file."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    import_positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    uses_keras: bool = False
    sample_weights: bool = False
    sets_epsilon: bool = False
    functions: set[str] = field(default_factory=set)
    backend_uses: list[BackendUse] = field(default_factory=list)
    call_funcs: set[int] = field(default_factory=set)
    keras_ref_bound: bool = False  # `import keras_ref` binds the name
    star_modules: set[str] = field(default_factory=set)  # `from keras.x import *` (normalised)
    tensorflow_local: str | None = None  # the name `import tensorflow [as tf]` binds

    def backend_aliases(self) -> set[str]:
        return {b.local for b in self.bindings.values() if b.target == "keras.backend"}


def qualified(visitor, node: cst.CSTNode) -> str | None:
    """The normalised qualified name of `node` (None if it is not a Keras name)."""
    try:
        names = visitor.get_metadata(QualifiedNameProvider, node, set())
    except KeyError:
        return None
    for entry in names:
        name = normalise(entry.name)
        if name == "keras" or name.startswith("keras."):
            return name
    return None


def raw_qualified(visitor, node: cst.CSTNode) -> str | None:
    """The qualified name of `node` as imported (``tensorflow.keras.x`` kept), if Keras's."""
    try:
        names = visitor.get_metadata(QualifiedNameProvider, node, set())
    except KeyError:
        return None
    for entry in names:
        if normalise(entry.name).split(".")[0] == "keras":
            return entry.name
    return None


def unresolved(visitor, node: cst.CSTNode) -> bool:
    """Whether `node` is a bare name that nothing in the module binds (a star import's)."""
    try:
        return isinstance(node, cst.Name) and not visitor.get_metadata(
            QualifiedNameProvider, node, set()
        )
    except KeyError:
        return False


def imported_elsewhere(visitor, node: cst.CSTNode) -> bool:
    """Whether `node` names something imported from a non-Keras module (like ``re.compile``)."""
    try:
        names = visitor.get_metadata(QualifiedNameProvider, node, set())
    except KeyError:
        return False
    return any(
        entry.source.name == "IMPORT" and not normalise(entry.name).startswith("keras.")
        for entry in names
    )


class Scanner(cst.CSTVisitor):
    """Collects `Facts`; run it through a `MetadataWrapper`."""

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

    def __init__(self) -> None:
        super().__init__()
        self.facts = Facts()

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted_name(alias.name)
            asname = alias.asname.name.value if alias.asname else None
            local = asname or module.split(".")[0]
            self._bind(Binding(local, module, None, asname), node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            return
        module = dotted_name(node.module)
        if isinstance(node.names, cst.ImportStar):
            if normalise(module).split(".")[0] == "keras":
                self.facts.uses_keras = True
                self.facts.star_modules.add(normalise(module))
            return
        for alias in node.names:
            obj = dotted_name(alias.name)
            asname = alias.asname.name.value if alias.asname else None
            self._bind(Binding(asname or obj, module, obj, asname), node)

    def _bind(self, binding: Binding, node: cst.CSTNode) -> None:
        if binding.module.split(".")[0] == "keras_ref":
            self.facts.keras_ref_bound |= binding.local == "keras_ref"
            return
        if binding.module == "tensorflow" and binding.obj is None:
            self.facts.tensorflow_local = binding.local
        if binding.target.startswith("keras") or binding.module.startswith(
            ("tensorflow", "tf_keras")
        ):
            self.facts.uses_keras = True
            self.facts.bindings[binding.local] = binding
            self.facts.import_positions[binding.local] = self._position(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.facts.functions.add(node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Lambda):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.facts.functions.add(target.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.facts.call_funcs.add(id(node.func))
        if any(a.keyword is not None and a.keyword.value == "sample_weight" for a in node.args):
            self.facts.sample_weights = True
        name = qualified(self, node.func) or ""
        if name.endswith(".set_epsilon"):
            self.facts.sets_epsilon = True

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = qualified(self, node)
        if name is None:
            return
        parts = name.split(".")
        if len(parts) == 3 and parts[:2] == ["keras", "backend"]:
            line, column = self._position(node)
            call_func = id(node) in self.facts.call_funcs
            use = BackendUse(id(node), parts[2], line, column, root_name(node), call_func)
            self.facts.backend_uses.append(use)


def backend_plan(facts: Facts, route: str) -> str:
    """'import' (rewrite the K import to keras_ref.backend) or 'per-use' (keras_ref route)."""
    if route != "keras_ref":
        return "per-use"
    used = {use.name for use in facts.backend_uses}
    removed = {n for n in used if n not in K.KERAS3_BACKEND}
    only_keras3 = {n for n in used if n in K.KERAS3_BACKEND and n not in K.KERAS_REF_BACKEND}
    aliases = facts.backend_aliases()
    through_alias = all(use.root in aliases for use in facts.backend_uses)
    if removed & K.KERAS_REF_BACKEND and not only_keras3 and through_alias:
        return "import"
    return "per-use"
