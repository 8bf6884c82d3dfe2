"""`python -m keras_ref` runs the `keras-ref` command line."""

import sys

from keras_ref.cli import main

sys.exit(main())
