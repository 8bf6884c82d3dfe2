"""``python -m keras_ref.migrate PATH...`` runs ``keras-ref migrate``."""

from __future__ import annotations

import sys

from keras_ref.migrate.command import main

sys.exit(main())
