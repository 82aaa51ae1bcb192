#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, lint and format check, types, the import
# contract, pytest, then the wheel a user would install (scripts/wheel_smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
# every hypothesis example (a bare local pytest runs the quick profile; tests/conftest.py)
export HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-ci}
echo "== ruff"
.venv/bin/ruff check .
echo "== ruff format"
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/python -m mypy  # what and how strictly: [tool.mypy] in pyproject.toml
echo "== import contract"
.venv/bin/lint-imports
echo "== pytest"
set +e
.venv/bin/python -m pytest -n 2 "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
[ $rc -eq 0 ] || exit $rc
echo "== the wheel, installed into a fresh venv"
if [ $# -eq 0 ]; then
  bash scripts/wheel_smoke.sh
else
  echo "skipped: pytest was given arguments (a targeted run); bash scripts/wheel_smoke.sh runs it"
fi
