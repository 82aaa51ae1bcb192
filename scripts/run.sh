#!/usr/bin/env bash
# Set up (first time) and open the mgstudio window. Arguments go to main.py (a file to open).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py "$@"
