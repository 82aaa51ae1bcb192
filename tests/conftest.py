import os
import tempfile

# Qt must never look for a display in tests (without one pytest dies with "Aborted").
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# Autosave swap files of test windows never go to (or come from) the user's app-data folder.
os.environ.setdefault("MGSTUDIO_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="mgstudio-autosave-"))

from hypothesis import settings  # noqa: E402

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("long", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
