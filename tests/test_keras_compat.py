"""The contract with Keras: every private hook of keras_ref/_keras_compat.py still exists, with the
parameters keras_ref passes, on the installed Keras; and no other module touches `keras.src`."""

from __future__ import annotations

import importlib
import inspect
import pathlib
import subprocess
import sys

import keras
import pytest

from keras_ref import _keras_compat as compat

BACKEND = keras.backend.backend()
ROOT = pathlib.Path(compat.__file__).parent
#: Hooks that exist only on one backend's classes or modules.
BACKEND_OF_OWNER = {
    "keras.src.backend.tensorflow.optimizer.TFOptimizer": "tensorflow",
    "keras.src.backend.torch.core": "torch",
}


def resolve(dotted: str):
    """The module or class named `dotted` (``package.module.Class`` or ``package.module``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def instance_of(owner: str):
    """An object of class `owner` whose attributes the hooks read."""
    if owner == "keras.Variable":
        return keras.Variable(1.0)
    return keras.optimizers.SGD()  # a keras.optimizers.Optimizer (TFOptimizer on tensorflow)


def broken(hook: compat.Hook, why: str) -> str:
    return (
        f"Keras {keras.version()}: private hook `{hook.owner}.{hook.name}` {why} "
        f"(keras_ref._keras_compat.{hook.used_by} relies on it; supported Keras "
        f">={compat.KERAS_FLOOR},<{compat.KERAS_BELOW})"
    )


def hook_problem(hook: compat.Hook) -> str | None:
    """What is wrong with `hook` on the installed Keras (None: it is as keras_ref expects)."""
    try:
        owner = resolve(hook.owner)
    except (ImportError, AttributeError) as error:
        return broken(hook, f"cannot be reached: {error}")
    if hook.params is None:  # an attribute, set in __init__: read it on an instance
        if not hasattr(instance_of(hook.owner), hook.name):
            return broken(hook, "is no longer an attribute of its instances")
        return None
    target = getattr(owner, hook.name, None)
    if not callable(target):
        return broken(hook, "no longer exists")
    params = [
        p.name
        for p in inspect.signature(target).parameters.values()
        if p.name != "self" and p.default is inspect.Parameter.empty
    ]
    if tuple(params) != hook.params:
        return broken(hook, f"takes {tuple(params)}, keras_ref passes {hook.params}")
    return None


@pytest.mark.parametrize("hook", compat.HOOKS, ids=lambda h: f"{h.owner}.{h.name}")
def test_hook_exists_with_expected_signature(hook: compat.Hook):
    needs = BACKEND_OF_OWNER.get(hook.owner)
    if needs and needs != BACKEND:
        pytest.skip(f"{hook.owner} exists on the {needs} backend only")
    problem = hook_problem(hook)
    if problem:
        pytest.fail(problem)


@pytest.mark.parametrize(
    ("hook", "why"),
    [
        (compat.Hook("keras.optimizers.Optimizer", "_gone", ("x",), "f"), "no longer exists"),
        (compat.Hook("keras.optimizers.Optimizer", "_gone", None, "f"), "no longer an attribute"),
        (compat.Hook("keras.src.gone", "f", (), "f"), "cannot be reached"),
        (
            compat.Hook("keras.optimizers.Optimizer", "_track_variable", ("v", "w"), "f"),
            "takes ('variable',), keras_ref passes ('v', 'w')",
        ),
    ],
)
def test_a_broken_hook_is_reported_by_name_and_keras_version(hook, why):
    problem = hook_problem(hook)
    assert problem is not None and why in problem, problem
    assert f"Keras {keras.version()}: private hook `{hook.owner}.{hook.name}`" in problem


def test_every_hook_is_used_by_a_function_of_the_adapter():
    for hook in compat.HOOKS:
        name = hook.used_by.split(".")[0]
        assert name == "(build)" or hasattr(compat, name), hook


def test_our_hook_names_do_not_shadow_keras_optimizer_attributes():
    """`OptimizerHooks` adds public names; Keras must not define them (they would override)."""
    ours = {"clip_step", "update_variables", "keras_update_variables"}
    assert ours <= set(vars(compat.OptimizerHooks))
    clash = ours & set(dir(keras.optimizers.Optimizer))
    assert not clash, f"Keras {keras.version()} defines {sorted(clash)} on its Optimizer"


def test_keras_src_only_in_the_adapter():
    users = sorted(
        str(path.relative_to(ROOT.parent))
        for path in ROOT.rglob("*.py")
        if "keras.src" in path.read_text(encoding="utf-8")
    )
    assert users == ["keras_ref/_keras_compat.py"], users


@pytest.mark.parametrize("old", ["3.0.0", "3.9.2", "2.15.0"])
def test_older_keras_is_refused_with_both_versions_named(old: str):
    with pytest.raises(ImportError) as error:
        compat.check_keras_version(old)
    message = str(error.value)
    assert f"Keras {old} is installed" in message
    assert f">= {compat.KERAS_FLOOR}" in message


@pytest.mark.parametrize("ok", [compat.KERAS_FLOOR, "3.15.1", "3.10.0rc1", "3.16.0.dev2026"])
def test_floor_and_newer_are_accepted(ok: str):
    compat.check_keras_version(ok)


def test_installed_keras_is_in_the_declared_range():
    assert compat.version_tuple(compat.KERAS_FLOOR) <= compat.keras_version()
    assert compat.keras_version() < compat.version_tuple(compat.KERAS_BELOW)


def test_pyproject_declares_the_same_range():
    pyproject = (ROOT.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"keras>={compat.KERAS_FLOOR},<{compat.KERAS_BELOW}"' in pyproject


def test_version_tuple():
    assert compat.version_tuple("3.15.1") == (3, 15, 1)
    assert compat.version_tuple("3.16") == (3, 16, 0)
    assert compat.version_tuple("3.10.0rc1") == (3, 10, 0)


def test_importing_keras_ref_on_an_older_keras_fails_naming_both_versions():
    script = "import keras\nkeras.version = lambda: '3.9.2'\nimport keras_ref\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT.parent, check=False
    )
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: keras_ref needs Keras >= "), last
    assert "Keras 3.9.2 is installed" in last, last
