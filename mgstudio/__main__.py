"""``python -m mgstudio`` and the ``mgstudio`` entry point."""

import sys

from mgstudio.cli import main

if __name__ == "__main__":
    sys.exit(main())
