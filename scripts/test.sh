#!/usr/bin/env bash
# The whole test suite from a fresh clone: set-up, lint, the import contract, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
echo "== ruff"
.venv/bin/ruff check .
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
exit $rc
