"""Train a small MLP on scikit-learn's bundled digits with the legacy Nadam, next to stock Nadam.

    python examples/train_digits_nadam.py [--epochs 15]

Runs on whatever backend KERAS_BACKEND names (tensorflow by default). Both models start from the
same weights and see the same batches; only the optimizer differs.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import keras_ref


def build_model(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0)

    results = {}
    for label, optimizer in [
        ("keras_ref.Nadam()  (legacy)", keras_ref.Nadam()),
        ("keras.optimizers.Nadam(0.002)", keras.optimizers.Nadam(learning_rate=0.002)),
    ]:
        model = build_model(seed=0)
        model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, batch_size=32, epochs=args.epochs, shuffle=False, verbose=0)
        loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
        results[label] = (loss, accuracy, model.get_weights())
        print(f"{label:32s} test loss {loss:.4f}  test accuracy {accuracy:.4f}")

    (a, b) = [r[2] for r in results.values()]
    drift = max(float(np.max(np.abs(u - v))) for u, v in zip(a, b))
    backend = keras.backend.backend()
    print(f"backend {backend}: largest weight difference legacy vs stock {drift:.3e}")


if __name__ == "__main__":
    main()
