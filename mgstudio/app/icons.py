"""The app's SVG icons (resources/icons), drawn in the palette's text colour where they ask for
``currentColor`` (or are plain black) so that toolbar glyphs stay visible in light and dark
themes. Actions given an icon through ``set_icon`` are re-drawn by ``refresh_icons`` when the
palette changes."""

from __future__ import annotations

import re
from functools import cache, partial
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from mgstudio.bundled import folder

ICONS_DIR = folder("icons")
APP_ICON = "mgstudio"  # also the desktop entry's Icon= name
_SIZES = (16, 24, 32, 48)
#: black given as a colour: drawn in the text colour too (light glyphs on a dark theme)
_BLACK = re.compile(r'(fill|stroke|color)="(?:#000|#000000|black)"')
#: the dynamic property that remembers which SVG an action shows
ICON_PROPERTY = "mgstudio_icon"


def icon_path(name: str) -> Path:
    return ICONS_DIR / f"{name}.svg"


def kind_icon(kind_name: str) -> QIcon:
    """The palette icon of a node kind (an empty icon if its SVG is missing)."""
    return icon(f"kind-{kind_name}")


def app_icon() -> QIcon:
    return icon(APP_ICON)


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; empty (not an error) when the file is missing."""
    return _icon(name, *_text_colours())


def _text_colours() -> tuple[str, str]:
    """The palette's text colour, and its colour for disabled text."""
    app = cast(QApplication | None, QApplication.instance())  # the GUI application, if any
    if app is None:
        return "#202020", "#a0a0a0"
    palette = app.palette()
    role = QPalette.ColorRole.WindowText
    return (palette.color(role).name(), palette.color(QPalette.ColorGroup.Disabled, role).name())


def _recolour(colour: str, match: re.Match[str]) -> str:
    return f'{match.group(1)}="{colour}"'


@cache
def _icon(name: str, colour: str, disabled: str) -> QIcon:
    # rendered to pixmaps here (not QIcon(path)) so currentColor can follow the palette; the
    # disabled look too (Qt's generated one barely differs on a dark palette)
    try:
        svg = icon_path(name).read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    out = QIcon()
    for mode, tint in ((QIcon.Mode.Normal, colour), (QIcon.Mode.Disabled, disabled)):
        text = _BLACK.sub(partial(_recolour, tint), svg.replace("currentColor", tint))
        renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
        if not renderer.isValid():
            return QIcon()
        for size in _SIZES:
            for scale in (1, 2):
                px = size * scale
                image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
                image.fill(Qt.GlobalColor.transparent)
                painter = QPainter(image)
                renderer.render(painter, QRectF(0, 0, px, px))
                painter.end()
                pixmap = QPixmap.fromImage(image)
                pixmap.setDevicePixelRatio(scale)
                out.addPixmap(pixmap, mode)
    return out


def icon_size() -> QSize:
    return QSize(20, 20)


def set_icon(action: QAction, name: str) -> None:
    """Give ``action`` the icon ``name`` and remember it for ``refresh_icons``."""
    action.setProperty(ICON_PROPERTY, name)
    action.setIcon(icon(name))


def refresh_icons(root) -> int:
    """Re-draw, in the current palette's colours, every icon set by ``set_icon`` on the
    actions under ``root`` (a window: its own, its plugins' and its docks' actions); returns
    how many were re-drawn."""
    count = 0
    for action in root.findChildren(QAction):
        name = action.property(ICON_PROPERTY)
        if isinstance(name, str) and name:
            action.setIcon(icon(name))
            count += 1
    return count
