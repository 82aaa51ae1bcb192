"""The window's language: Qt's translators, View ▸ Language, and texts that follow a switch.

English is the source language; ``resources/translations/mgstudio_<code>.qm`` holds the others
(compiled by ``scripts/translations.py`` from one ``.ts`` file per area of the code), and Qt's own
catalog (``qt_<code>.qm``, shipped with PySide6) translates the standard dialogs' buttons.
:func:`apply` installs them and points the Qt-free layers' hook (``mgstudio.words``) at
``QCoreApplication.translate``; Qt then sends ``QEvent.LanguageChange`` to the application,
which :class:`Retranslator` answers by setting every text registered with :func:`live` again,
so a switch takes effect at once, without a restart. Numbers keep one format whatever the
language (``2.0000``; typed numbers take ``.``): :func:`fix_number_format`. See docs/I18N.md.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from mgstudio import words
from mgstudio.bundled import folder
from mgstudio.words import translate

#: the choices of View ▸ Language; a language's name is written in that language
CHOICES = ("system", "en", "zh_CN")
LANGUAGES = ("en", "zh_CN")
OWN_NAMES = {"en": "English", "zh_CN": "中文"}
#: the application property holding the language applied last (the menu shows it checked)
LANGUAGE_PROPERTY = "mgstudio_language"


def resolve(choice: str, system: QLocale | None = None) -> str:
    """The language a choice means: "system" is Chinese on a Chinese system, else English."""
    if choice in LANGUAGES:
        return choice
    locale = QLocale.system() if system is None else system
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def fix_number_format() -> None:
    """Every number is read and written the C way (``2.0000``, never ``2,0000``), whatever the
    language or the system's locale: the default locale of spin boxes and validators."""
    locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    QLocale.setDefault(locale)


class _Translators(QObject):
    """The installed translators (kept alive here: Qt does not own them)."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.installed: list[QTranslator] = []


def _translators(app: QCoreApplication) -> _Translators:
    found = app.findChild(_Translators, "mgstudio_translators")
    if found is None:
        found = _Translators(app)
        found.setObjectName("mgstudio_translators")
    return found


def _hook(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def apply(app: QCoreApplication, choice: str) -> str:
    """Switch the whole program to ``choice`` (one of :data:`CHOICES`); returns the language
    applied. A missing catalog leaves English in place (a broken install still works)."""
    language = resolve(choice if choice in CHOICES else "system")
    words.set_hook(_hook)  # first: the LanguageChange that installing sends retranslates
    holder = _translators(app)
    for old in holder.installed:
        app.removeTranslator(old)
    holder.installed = []
    if language != "en":
        ours = folder("translations")
        qt_own = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, where in ((f"qt_{language}", qt_own), (f"mgstudio_{language}", str(ours))):
            translator = QTranslator(holder)
            if ours is not None and translator.load(name, where):
                app.installTranslator(translator)
                holder.installed.append(translator)
    app.setProperty(LANGUAGE_PROPERTY, language)
    if not holder.installed:
        # no translator was installed, so Qt sent no LanguageChange: send it ourselves
        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
    return language


def current_language() -> str:
    app = QCoreApplication.instance()
    value = app.property(LANGUAGE_PROPERTY) if app is not None else None
    return value if value in LANGUAGES else "en"


# --- texts that follow the language --------------------------------------------------------------
_bindings: list[tuple[weakref.ref, str, Callable[[], str]]] = []


def live(setter: Callable[[str], Any], text: Callable[[], str]) -> None:
    """Call ``setter(text())`` now and again after every language switch, for as long as the
    setter's object lives: ``live(button.setText, lambda: translate("Lesson", "Next ▶"))``."""
    owner = getattr(setter, "__self__", None)
    name = getattr(setter, "__name__", "")
    if owner is None or not name:
        raise TypeError("live() needs a bound method such as button.setText")
    setter(text())
    _bindings.append((weakref.ref(owner), name, text))


def retranslate_all() -> None:
    """Set every live text again (and forget those whose object is gone)."""
    kept = []
    for ref, name, text in _bindings:
        owner = ref()
        if owner is None or not shiboken6.isValid(owner):
            continue
        getattr(owner, name)(text())
        kept.append((ref, name, text))
    _bindings[:] = kept


class Retranslator(QObject):
    """Watches the application for ``QEvent.LanguageChange`` and retranslates: live texts
    first, then whoever listens to :attr:`changed` (texts made from the state, such as a
    status line, re-make themselves)."""

    changed = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange and watched is QCoreApplication.instance():
            retranslate_all()
            self.changed.emit()
        return False


def retranslator(app: QCoreApplication) -> Retranslator:
    """The application's one :class:`Retranslator` (installed on first use)."""
    found = app.findChild(Retranslator, "mgstudio_retranslator")
    if found is None:
        found = Retranslator(app)
        found.setObjectName("mgstudio_retranslator")
        app.installEventFilter(found)
    return found


def language_menu(parent: QWidget, on_choose: Callable[[str], None]) -> QMenu:
    """View ▸ Language: System / English / 中文, one checked; ``on_choose(choice)`` after a
    pick. The checked entry is the remembered choice (``chosen()``)."""
    menu = QMenu(parent)
    menu.setObjectName("language_menu")
    live(menu.setTitle, lambda: translate("Menus", "&Language"))
    group = QActionGroup(menu)
    group.setExclusive(True)
    for choice in CHOICES:
        action = QAction(menu)
        action.setObjectName(f"language_{choice}")
        action.setCheckable(True)
        action.setData(choice)
        if choice == "system":
            live(action.setText, lambda: translate("Menus", "&System"))
            live(
                action.setStatusTip,
                lambda: translate(
                    "Menus", "Follow the system's language (中文 on a Chinese system)"
                ),
            )
        else:
            action.setText(OWN_NAMES[choice])
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _c=False, c=choice: on_choose(c))
    return menu


def check_choice(menu: QMenu, choice: str) -> None:
    for action in menu.actions():
        action.setChecked(action.data() == choice)
