import os
import tempfile

# Qt must never look for a display in tests (without one pytest dies with "Aborted").
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# Autosave swap files of test windows never go to (or come from) the user's app-data folder.
os.environ.setdefault("MGSTUDIO_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="mgstudio-autosave-"))

import pytest  # noqa: E402
from hypothesis import is_hypothesis_test, settings  # noqa: E402

# Hypothesis profiles; suites scale their own example counts by the profile's max_examples
# (helpers.budget.examples). "ci": the full run (CI and scripts/test.sh, the README's test
# command); "quick": a fifth of it, the default of a bare local pytest; "long": 20 times the
# full run, for fuzzing. HYPOTHESIS_PROFILE picks one; otherwise CI=true picks "ci".
settings.register_profile("ci", deadline=None, max_examples=100)  # replaces hypothesis' own
settings.register_profile("quick", deadline=None, max_examples=20)
settings.register_profile("long", deadline=None, max_examples=2000)


def _profile() -> str:
    chosen = os.environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    on_ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    return "ci" if on_ci else "quick"


settings.load_profile(_profile())


def pytest_collection_modifyitems(items):
    # every hypothesis suite is `slow` (`-m "not slow"` leaves them out), new ones included
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.slow)
