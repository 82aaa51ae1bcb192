"""Open the mgstudio window: ``python main.py [FILE] [--screenshot OUT.png]``."""

import sys

from mgstudio.app.launch import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
