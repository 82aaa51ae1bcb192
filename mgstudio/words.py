"""The words users read, in their language: the one translation hook of the Qt-free layers.

Every user-visible sentence of mgstudio, Qt-free layers included, is written as
``translate("Context", "English source {name}").format(name=…)`` (``%n`` for counts, with
``n=``). Qt's ``pyside6-lupdate`` reads these calls by their name, so the whole program has one
catalog per language (``resources/translations/``) and one tool chain, and the document and
training layers stay free of Qt: here ``translate`` asks whatever hook the window installed
(``QCoreApplication.translate``, thread-safe, so a training thread's messages are translated
too) and, with none — the command line, which stays English — returns the source text.
Tables that are translated later (a node kind's title) mark their texts with
``QT_TRANSLATE_NOOP`` so that lupdate finds them; the reader translates them when shown.
See docs/I18N.md.
"""

from __future__ import annotations

from collections.abc import Callable

Hook = Callable[[str, str, "str | None", int], str]


def _english(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return text.replace("%n", str(n)) if n >= 0 else text


_hook: Hook = _english


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the window's language (``%n`` replaced by ``n`` when ``n`` >= 0)."""
    return _hook(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Marks ``text`` for the catalog without translating it now."""
    return text


def set_hook(hook: Hook | None) -> None:
    """Install the window's translator (None: back to the English source)."""
    global _hook
    _hook = _english if hook is None else hook
