"""Performance contracts: counts (paints, redraws, sorts, collections, compiled steps) that
say the fast paths are taken, never wall time. A refactor that breaks one here changed how
much work something does, not what it shows; fix it or say why the count moved."""

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from helpers.app_fixtures import *  # noqa: E402, F403
