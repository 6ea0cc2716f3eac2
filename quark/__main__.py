"""``python -m quark``: the same command line as ``quark``."""

import sys

from quark.cli import main

if __name__ == "__main__":
    sys.exit(main())
