"""A small Keras 2 training script: SGD with gradient clipping and a custom `K` metric.

`legacy_keras2_training.py` is the script as it was written for Keras 2.2.4; Keras 3 rejects it
(``SGD(lr=...)``, ``K.mean``) and would change its numbers (the ``"acc"`` key, the epoch average
of ``mean_pred``). `migrated_training.py` is what ``keras-ref migrate --write`` makes of it: it
runs on Keras 3 and keeps the Keras 2 numbers. To regenerate it::

    cp examples/legacy_keras2_training.py examples/migrated_training.py
    keras-ref migrate --write examples/migrated_training.py
"""

import numpy as np
from keras import backend as K
from keras import optimizers
from keras.layers import Dense
from keras.models import Sequential


def mean_pred(y_true, y_pred):
    return K.mean(y_pred)


def main(epochs=3, samples=500):
    rng = np.random.RandomState(0)
    x = rng.rand(samples, 20).astype("float32")
    y = (x.sum(axis=1) > 10).astype("float32")

    model = Sequential()
    model.add(Dense(16, activation="relu", input_dim=20))
    model.add(Dense(1, activation="sigmoid"))

    sgd = optimizers.SGD(lr=0.01, clipvalue=0.5)  # the seed's optimizer
    model.compile(
        loss="mean_squared_error",
        optimizer=sgd,
        metrics=["accuracy", mean_pred],
    )
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    logs = history.history
    for epoch in range(epochs):
        print(
            f"epoch {epoch + 1}: loss {logs['loss'][epoch]:.4f}  acc {logs['acc'][epoch]:.4f}  "
            f"mean_pred {logs['mean_pred'][epoch]:.4f}"
        )
    return history


if __name__ == "__main__":
    main()
