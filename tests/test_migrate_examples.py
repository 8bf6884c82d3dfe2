"""Real-code regression (issue 16): the 42 example programs of the Keras 2.2.4 source
distribution, downloaded at test time (never committed), go through ``keras-ref migrate``:
report, ``--write``, every file still compiles, a second ``--write`` changes nothing, and no
traceback. Slow (a download and 42 files, twice per route); CI runs it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from keras_ref.migrate.command import main

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
        reason="migrate never imports a backend: the examples run once, in the tensorflow pass",
    ),
]

SDIST = "keras==2.2.4"
EXAMPLES = 42


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    """The sdist's examples/*.py, unpacked in a temporary folder."""
    folder = tmp_path_factory.mktemp("keras224")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    done = subprocess.run(
        [*command, SDIST, "-d", str(folder), "--quiet"], capture_output=True, text=True
    )
    archives = list(folder.glob("*.tar.gz"))
    if done.returncode != 0 or not archives:
        pytest.skip(f"cannot download {SDIST} (offline?): {done.stderr.strip()[-300:]}")
    with tarfile.open(archives[0]) as archive:
        members = [m for m in archive.getmembers() if "/examples/" in m.name and m.isfile()]
        archive.extractall(folder, members=members, filter="data")
    (found,) = folder.glob("*/examples")
    return found


def _run(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(args)  # an exception here (a traceback) fails the test
    return status, out.getvalue()


@pytest.mark.parametrize("route", ["keras_ref", "stock"])
def test_sdist_examples_migrate_compile_and_are_idempotent(
    examples: Path, tmp_path: Path, route: str
) -> None:
    work = tmp_path / "examples"
    work.mkdir()
    for source in sorted(examples.glob("*.py")):
        (work / source.name).write_bytes(source.read_bytes())
    files = sorted(work.glob("*.py"))
    assert len(files) == EXAMPLES

    status, report = _run([str(work), "--to", route])
    assert status == 1  # legacy code: findings
    assert "cannot parse" not in report
    assert f"in {EXAMPLES} files (route {route})" in report.splitlines()[-1]
    unchanged = {f: f.read_bytes() for f in files}
    assert all(f.read_bytes() == unchanged[f] for f in files)  # a report writes nothing

    _, written = _run([str(work), "--write", "--to", route])
    assert " files written." in written.splitlines()[-1]
    for path in files:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")

    after = {f: f.read_bytes() for f in files}
    _, again = _run([str(work), "--write", "--to", route])
    assert again.splitlines()[-1].endswith("0 files written.")
    assert all(f.read_bytes() == after[f] for f in files)  # idempotent
