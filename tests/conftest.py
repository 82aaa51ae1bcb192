import os
import tempfile

# Qt must never look for a display in tests (without one pytest dies with "Aborted").
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# Autosave swap files of test windows never go to (or come from) the user's app-data folder.
os.environ.setdefault("MGSTUDIO_AUTOSAVE_DIR", tempfile.mkdtemp(prefix="mgstudio-autosave-"))

from hypothesis import settings  # noqa: E402

# PySide6 6.12 on CPython 3.11 under-counts references to None; mgstudio.app applies the fix at
# import. Test processes load PySide6 through pytest-qt even where no app code runs, so apply it
# here too (the import is cheap: no Qt is loaded by it).
import mgstudio.app  # noqa: E402, F401

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("long", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
