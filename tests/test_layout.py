"""The package's boundaries (docs/layout.md): the library never imports the tools, and on jax or
torch it never imports TensorFlow."""

from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "keras_ref"
TOOLS = (
    "keras_ref.audit",
    "keras_ref.bench",
    "keras_ref.migrate",
    "keras_ref.cli",
    "keras_ref._workers",
)
TOOL_FILES = (
    "audit",
    "bench",
    "migrate",
    "cli.py",
    "cli_arguments.py",
    "cli_output.py",
    "__main__.py",
    "_workers.py",
)


def library_modules() -> list[pathlib.Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if path.relative_to(ROOT).parts[0] not in TOOL_FILES
    ]


def imported_names(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_library_never_imports_a_tool():
    offenders = {
        str(path.relative_to(ROOT.parent)): sorted(
            name for name in imported_names(path) if name.startswith(TOOLS)
        )
        for path in library_modules()
    }
    assert not {k: v for k, v in offenders.items() if v}


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_library_on_jax_or_torch_imports_no_tensorflow(backend):
    pytest.importorskip(backend)
    script = (
        "import sys, keras_ref, keras_ref.optimizers, keras_ref.losses, keras_ref.metrics, "
        "keras_ref.backend, keras_ref.training, keras_ref.legacy_h5, keras_ref.reference\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tensorflow')[:5])"
    )
    env = {**os.environ, "KERAS_BACKEND": backend}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT.parent,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
