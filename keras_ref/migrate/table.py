"""docs/migration.md's pattern table, generated from `keras_ref.legacy_facts` (no Keras import).

``python -m keras_ref.migrate.table > docs/migration.md`` rewrites the page; a test keeps the
page equal to `page()`.
"""

from __future__ import annotations

from keras_ref import legacy_facts as facts

_INTRO = """\
# Migrating Keras 2 code: what `keras-ref migrate` knows

`keras-ref migrate PATH...` reports every legacy Keras usage below with `file:line:column`, what
Keras 3 does to it and the fix; `--write` applies the rewrites (comments, layout, a UTF-8 BOM and
a PEP 263 coding line are kept; a second `--write` changes nothing). Two routes:
`--to keras_ref` (default) keeps the Keras 2 numbers with keras_ref; `--to stock` moves to the
exact stock Keras 3 equivalent and reports the places that have none. "report" below means
migrate prints the fix and leaves the code as it is. The command imports no backend.

This page is generated from `keras_ref/legacy_facts.py` by
`python -m keras_ref.migrate.table > docs/migration.md`; a test keeps the two equal.
"""


def _rows(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _optimizers() -> list[str]:
    rows = []
    for name, info in facts.OPTIMIZERS.items():
        stock = {
            "RMSprop": "report (exact only with epsilon=0)",
            "Adagrad": "report (exact only with epsilon=0, initial_accumulator_value=0)",
            "Nadam": "report (exact only with schedule_decay=1)",
        }.get(name, f"`keras.optimizers.{name}(learning_rate=...)`")
        if info.default_lr != info.stock_default_lr and name not in ("Adagrad", "Nadam"):
            stock += f", `learning_rate={info.default_lr!r}` when not given"
        rows.append(
            (f"`keras.optimizers.{name}(...)`, `{name.lower()}`", f"`keras_ref.{name}(...)`", stock)
        )
    lines = _rows(("Keras 2.2.4", "--to keras_ref", "--to stock"), rows)
    lines += [
        "",
        "Stock route, every optimizer: `lr=` becomes `learning_rate=`, `decay=d` becomes "
        "`learning_rate=keras.optimizers.schedules.InverseTimeDecay(lr, 1, d)`, `clipnorm=` "
        "becomes `global_clipnorm=`; clipnorm with clipvalue, `*args` and `epsilon=None` without "
        "`K.set_epsilon` are reported. The same holds for `optimizers.get('name')` and the "
        "optimizer names in `compile`.",
    ]
    return lines


def _tf2() -> list[str]:
    rows = []
    for name in facts.TF2_OPTIMIZERS:
        stock = f"`keras.optimizers.{name}(learning_rate=...)`"
        if name == "RMSprop":
            stock = f"report with momentum=0 (Keras 3 computes another update); else {stock}"
        elif name in facts.TF2_NO_STOCK:
            stock = "report (Keras 3 computes another update)"
        legacy = f"`tf.keras.optimizers.legacy.{name}(...)`"
        rows.append(
            (
                f"{legacy}; `tf.keras.optimizers.{name}(lr=/decay=)`",
                f"`keras_ref.tf2.{name}(...)`",
                stock,
            )
        )
    lines = _rows(("tf.keras 2.x", "--to keras_ref", "--to stock"), rows)
    lines += [
        "",
        "`tf.keras.optimizers.X(...)` without `lr=`/`decay=` is left alone (in TF 2.11+ it is "
        "the Keras 3 class). `keras.optimizers.legacy.X` counts as tf.keras 2.x (Keras 2.2.4 had "
        "no `legacy` namespace).",
    ]
    return lines


def _backend() -> list[str]:
    rows = []
    for name in sorted(facts.KERAS_REF_BACKEND):
        stock = facts.STOCK_OPS.get(name)
        rows.append(
            (
                f"`K.{name}`",
                f"`keras_ref.backend.{name}`",
                f"`keras.ops.{stock}`" if stock else "report",
            )
        )
    for name, counterpart in sorted(facts.BACKEND_COUNTERPARTS.items()):
        target = counterpart.template or counterpart.target + "(...)"
        added = ", ".join(f"`{k}={v}`" for k, v in counterpart.defaults)
        cell = f"`{target}`" + (f" (adds {added} when not given)" if added else "")
        rows.append((f"`K.{name}`", cell, cell))
    for name, fix in sorted(facts.BACKEND_BY_HAND.items()):
        rows.append((f"`K.{name}`", f"report: {fix}", f"report: {fix}"))
    rows.append(("`K.tf.<name>`", "`tf.<name>` (tensorflow backend)", "same"))
    for name, target in facts.CONTROL_FLOW_OPS.items():
        rows.append((f"`K.control_flow_ops.{name}`", f"`{target}`", "same"))
    lines = _rows(("Keras 2 `K.<name>`", "--to keras_ref", "--to stock"), rows)
    lines += [
        "",
        "A module that binds `keras` to something else (`from keras import backend as keras`) "
        "gets `import keras as keras3`, and the rewrites name `keras3.`.",
    ]
    return lines


def _losses() -> list[str]:
    rows = [
        (f"`keras.losses.{old}`, `'{old}'`", f"`keras_ref.losses.{old}`", f"`{new}`")
        for old, new in sorted(facts.REMOVED_LOSS_ATTRIBUTES.items())
    ]
    return _rows(("Keras 2 loss", "--to keras_ref", "--to stock"), rows)


def _api() -> list[str]:
    rows = []
    for module, target in facts.LEGACY_MODULES.items():
        rows.append((f"`from {module} import X`, `{module}.X`", f"`{target}.X`"))
    for method in facts.GENERATOR_METHODS.values():
        added = ", ".join(f"`{k}={v}`" for k, v in method.defaults)
        rows.append(
            (
                f"`model.{method.legacy}(gen, ...)`",
                f"`model.{method.stock}(gen, ...)`, later arguments as keywords"
                + (f", adds {added}" if added else "")
                + "; drops "
                + ", ".join(f"`{w}`" for w in sorted(facts.WORKER_ARGUMENTS)),
            )
        )
    for old, new in facts.TRAINING_KEYWORDS.items():
        rows.append((f"`{old}=` in fit/evaluate/predict", f"`{new}=`"))
    for old, fix in facts.TRAINING_BY_HAND.items():
        rows.append((f"`{old}=`", f"report: {fix}"))
    for old, new in facts.MODEL_KEYWORDS.items():
        rows.append((f"`Model({old}=...)`", f"`Model({new}=...)`"))
    for old, new in facts.KERAS1_KEYWORDS.items():
        rows.append((f"layer `{old}=`", f"`{new}=`"))
    ordering = ", ".join(f"`'{k}'` → `{v!r}`" for k, v in facts.DIM_ORDERING.items())
    rows.append(("layer `dim_ordering=`", f"`data_format=` ({ordering}; None: dropped)"))
    for old, fix in facts.KERAS1_BY_HAND.items():
        rows.append((f"layer `{old}=`", f"report: {fix}"))
    rows.append(
        (
            "`Conv2D(n, rows, cols)` / `Convolution2D(n, rows, cols)`",
            "`Conv2D(n, (rows, cols))` when both are int literals, else report",
        )
    )
    for name, fix in facts.REMOVED_APIS.items():
        rows.append((f"`{name}`", f"report: {fix}"))
    return _rows(("Keras 1 / 2", "both routes"), rows)


def page() -> str:
    """The whole docs/migration.md text."""
    parts = [
        _INTRO,
        "## Optimizers (Keras 2.2.4)\n",
        *_optimizers(),
        "\n## Optimizers (tf.keras 2.x)\n",
        *_tf2(),
        "\n## The backend (`from keras import backend as K`)\n",
        *_backend(),
        "\n## Losses\n",
        *_losses(),
        "\n## Models, layers, training and modules\n",
        *_api(),
        "\n## compile\n",
        "`--to keras_ref`: a `model.compile(...)` that Keras 3 treats differently (names such as "
        "`'acc'`, positional order, `sample_weight_mode=`, custom metric averaging, weighted "
        "reduction) becomes `keras_ref.compile(model, ...)`; `target_tensors=` is reported. "
        "`--to stock`: removed loss names are renamed, `'acc'`/`'accuracy'` become the accuracy "
        "Keras 2 picked, positional arguments become keywords; the rest is reported.",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(page(), end="")
