"""Application-wide look: the Fusion style over the system palette, so the studio follows the
system's light or dark colour scheme (``QStyleHints.colorScheme``); View ▸ Theme or
``--theme dark|light`` forces one. The choice made in the menu is remembered (settings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

THEMES = ("system", "light", "dark")
TITLES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
#: the application property holding the theme applied last (the menu shows it checked)
THEME_PROPERTY = "mgstudio_theme"


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Fusion everywhere (the same widgets on every platform), coloured by the scheme."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}")
    app.setStyle("Fusion")
    app.setProperty(THEME_PROPERTY, theme)
    hints = QGuiApplication.styleHints()
    if theme == "system":
        hints.unsetColorScheme()
        # a palette we set for a forced theme would hide the system's: back to the platform's
        if app.property("mgstudio_own_palette"):
            app.setPalette(QPalette())
            app.setProperty("mgstudio_own_palette", False)
        return
    hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    # platforms without a theme plugin (plain X11, offscreen) ignore the scheme: set it ourselves
    if is_dark(app.palette()) != (theme == "dark"):
        app.setPalette(dark_palette() if theme == "dark" else app.style().standardPalette())
        app.setProperty("mgstudio_own_palette", True)


def current_theme(app: QApplication | None = None) -> str:
    app = app if app is not None else cast(QApplication | None, QApplication.instance())
    theme = app.property(THEME_PROPERTY) if app is not None else None
    return theme if theme in THEMES else "system"


def theme_menu(parent: QWidget, on_choose: Callable[[str], None]) -> QMenu:
    """View ▸ Theme: System / Light / Dark, one checked; ``on_choose(name)`` after a pick."""
    menu = QMenu("&Theme", parent)
    menu.setObjectName("theme_menu")
    group = QActionGroup(menu)
    group.setExclusive(True)
    tips = {
        "system": "Follow the system's light or dark colour scheme",
        "light": "Always light",
        "dark": "Always dark",
    }
    for name in THEMES:
        action = QAction(TITLES[name], menu)
        action.setObjectName(f"theme_{name}")
        action.setCheckable(True)
        action.setData(name)
        action.setStatusTip(tips[name])
        group.addAction(action)
        menu.addAction(action)
        action.triggered.connect(lambda _c=False, n=name: on_choose(n))
    # the menu shows what is applied now, also when --theme picked it
    menu.aboutToShow.connect(lambda: _check(menu))
    _check(menu)
    return menu


def _check(menu: QMenu) -> None:
    theme = current_theme()
    for action in menu.actions():
        action.setChecked(action.data() == theme)


def dark_palette() -> QPalette:
    """A dark palette in Fusion's spirit, for platforms that do not provide one."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    for r, c in (
        (role.Window, window),
        (role.WindowText, text),
        (role.Base, base),
        (role.AlternateBase, QColor(40, 40, 43)),
        (role.ToolTipBase, QColor(60, 60, 64)),
        (role.ToolTipText, text),
        (role.PlaceholderText, QColor(140, 140, 140)),
        (role.Text, text),
        (role.Button, QColor(55, 55, 58)),
        (role.ButtonText, text),
        (role.BrightText, QColor(255, 80, 80)),
        (role.Highlight, QColor(42, 130, 218)),
        (role.HighlightedText, QColor(255, 255, 255)),
        (role.Link, QColor(90, 160, 240)),
        (role.Light, QColor(75, 75, 78)),
        (role.Midlight, QColor(62, 62, 65)),
        (role.Mid, QColor(40, 40, 42)),
        (role.Dark, QColor(25, 25, 27)),
        (role.Shadow, QColor(10, 10, 10)),
    ):
        p.setColor(r, c)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor(120, 120, 120))
    return p


def is_dark(palette: QPalette | None = None) -> bool:
    if palette is None:
        palette = QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
