r"""``keras-ref migrate``: find Keras 2 usages in Python sources and rewrite them (libcst).

>>> from keras_ref.migrate import migrate_source
>>> migrate_source("from keras import optimizers\nsgd = optimizers.SGD(lr=0.01)\n").code
'import keras_ref\n\nsgd = keras_ref.SGD(lr=0.01)\n'

Two routes: ``to="keras_ref"`` keeps the Keras 2 numbers (keras_ref optimizers, the legacy
``K``, ``keras_ref.compile``); ``to="stock"`` rewrites to the exact stock Keras 3 equivalent
where one exists and flags the rest. `add_arguments` and `run` are the CLI sub-command.
"""

from __future__ import annotations

from keras_ref.migrate.command import DESCRIPTION as DESCRIPTION
from keras_ref.migrate.command import add_arguments as add_arguments
from keras_ref.migrate.command import run as run
from keras_ref.migrate.engine import ROUTES as ROUTES
from keras_ref.migrate.engine import Migration as Migration
from keras_ref.migrate.engine import migrate_source as migrate_source
from keras_ref.migrate.findings import Effect as Effect
from keras_ref.migrate.findings import Finding as Finding

__all__ = [
    "DESCRIPTION",
    "ROUTES",
    "Effect",
    "Finding",
    "Migration",
    "add_arguments",
    "migrate_source",
    "run",
]
