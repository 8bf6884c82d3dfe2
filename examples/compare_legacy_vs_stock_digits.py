"""Keras 2 numbers (keras_ref) vs stock Keras 3 on scikit-learn's digits: what a migration changes.

    python examples/compare_legacy_vs_stock_digits.py digits.png [--epochs 8] [--only adam nadam]

Notebook style: run it as a script, or cell by cell (the ``# %%`` markers) in an editor. For each
optimizer, three runs from the same initial weights over the same batches:

- **legacy**: the Keras 2.2.4 optimizer with its defaults (`keras_ref`, compiled with
  `keras_ref.compile`), i.e. what the Keras 2 script computed;
- **stock defaults**: ``optimizer="<name>"`` in Keras 3, what a naive migration gets;
- **stock equivalent**: the exact stock Keras 3 counterpart (``keras-ref migrate --to stock``),
  where one exists: none for RMSprop, Adagrad and Nadam.

The training loss per epoch of each run is plotted to the path given (PNG, PDF, SVG, ...).
"""

# %% Setup
from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keras_ref
from keras_ref.audit.stock import stock_default, stock_equivalent
from keras_ref.reference.optimizers import DEFAULTS

OPTIMIZERS = ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"]


def load_data(seed: int = 0):
    """Digits scaled to [0, 1], split 75/25."""
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.25, random_state=seed)


def build_model(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


# %% One run: fit from the seed's weights, return the per-epoch loss and the test accuracy
def run(optimizer, legacy: bool, data, epochs: int, seed: int = 0) -> tuple[list[float], float]:
    x_train, x_test, y_train, y_test = data
    model = build_model(seed)
    if legacy:
        keras_ref.compile(model, optimizer, "sparse_categorical_crossentropy", metrics=["acc"])
    else:
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, shuffle=False, verbose=0)
    accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    return [float(v) for v in history.history["loss"]], float(accuracy)


# %% All optimizers: legacy, stock defaults, stock equivalent
def compare(names: list[str], epochs: int) -> dict[str, dict[str, tuple[list[float], float]]]:
    data = load_data()
    results = {}
    for name in names:
        rows = {"legacy": run(keras_ref.optimizers.get(name), True, data, epochs)}
        rows["stock defaults"] = run(stock_default(name), False, data, epochs)
        equivalent = stock_equivalent(name, {}, DEFAULTS[name])
        if equivalent is not None:
            rows["stock equivalent"] = run(equivalent, False, data, epochs)
        results[name] = rows
    return results


def print_table(results) -> None:
    print(f"{'optimizer':10s} {'run':17s} {'final loss':>10s} {'test acc':>9s}")
    for name, rows in results.items():
        for label, (losses, accuracy) in rows.items():
            print(f"{name:10s} {label:17s} {losses[-1]:10.4f} {accuracy:9.4f}")
        if "stock equivalent" not in rows:
            print(f"{name:10s} {'stock equivalent':17s} {'none':>10s}")


# %% Plot the loss curves
def plot(results, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    columns = min(4, len(results))
    rows = -(-len(results) // columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False, sharex=True
    )
    styles = {"legacy": "-", "stock defaults": "--", "stock equivalent": ":"}
    for axis, (name, runs) in zip(axes.flat, results.items()):
        for label, (losses, _) in runs.items():
            epochs = np.arange(1, len(losses) + 1)
            axis.plot(epochs, losses, styles[label], label=label, linewidth=2)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.set_ylabel("training loss")
        axis.legend(fontsize=8)
    for axis in list(axes.flat)[len(results) :]:
        axis.set_visible(False)
    figure.suptitle(f"digits, {keras.backend.backend()} backend: Keras 2 (keras_ref) vs Keras 3")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


# %% Main
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plot", help="where to write the figure (e.g. digits.png)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--only", nargs="+", choices=OPTIMIZERS, default=OPTIMIZERS)
    args = parser.parse_args(argv)
    results = compare(args.only, args.epochs)
    print_table(results)
    plot(results, args.plot)
    print(f"plot written to {args.plot}")


if __name__ == "__main__":
    main()
