"""The app tests' fixtures live in tests/helpers/app_fixtures.py (tests/perf uses them too)."""

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from helpers.app_fixtures import *  # noqa: E402, F403
