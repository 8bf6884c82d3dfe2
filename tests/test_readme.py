"""README.md as a newcomer uses it: its Python blocks run warning-free, its commands parse."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support import BACKEND

from keras_ref._workers import drop_backend_noise
from keras_ref.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]


def fenced_blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(), flags=re.S)


def cli_commands() -> list[tuple[str, str]]:
    """Every ``keras-ref ...`` line in a fenced block of README.md or docs/ (not synopses)."""
    found = []
    for path in DOCS:
        for block in fenced_blocks(path, r"[a-z]*"):
            for line in block.splitlines():
                command = line.split(" #")[0].strip()
                for part in command.split("&&"):
                    part = part.strip()
                    if part.startswith("keras-ref") and "[--" not in part and "|" not in part:
                        found.append((path.name, part))
    return found


@pytest.mark.parametrize("block", fenced_blocks(README, "python"), ids=lambda b: b.split()[1])
def test_python_block_runs_without_warnings(block, tmp_path):
    """In a fresh process, in an empty folder: no warning a user would see (default filters)."""
    done = subprocess.run(
        [sys.executable, "-c", block],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            **os.environ,
            "KERAS_BACKEND": BACKEND,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": str(ROOT),
        },
    )
    stderr = drop_backend_noise(done.stderr)
    assert done.returncode == 0, stderr[-3000:]
    assert "warn" not in stderr.lower(), stderr[-3000:]


def test_quickstart_restores_the_keras_ref_optimizer():
    quickstart = fenced_blocks(README, "python")[0]
    assert "load_model" in quickstart and "fit(" in quickstart.split("save(")[0]


def test_every_cli_command_in_readme_and_docs_parses(monkeypatch):
    commands = cli_commands()
    assert any(name == "README.md" for name, _ in commands)
    assert {"keras-ref audit"} <= {command for _, command in commands}
    monkeypatch.chdir(ROOT)  # output paths such as docs/drift.png are checked from here
    for name, command in commands:
        argv = shlex.split(command)[1:]
        try:
            build_parser().parse_args(argv)
        except SystemExit as error:
            pytest.fail(f"{name}: {command!r} does not parse (exit {error.code})")


def test_readme_set_up_blocks_are_the_ones_ci_runs():
    text = README.read_text()
    for marker in ("<!-- main-command -->", "<!-- test-command -->"):
        after = text.split(marker, 1)[1].lstrip()
        assert after.startswith("```bash\n")
    assert "keras-ref audit" in text.split("<!-- main-command -->", 1)[1].split("```")[1]
