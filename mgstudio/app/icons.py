"""The app's SVG icons (resources/icons), drawn in the palette's text colour where they ask for
``currentColor`` so that toolbar glyphs stay visible in light and dark themes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from mgstudio.bundled import folder

ICONS_DIR = folder("icons")
APP_ICON = "mgstudio"  # also the desktop entry's Icon= name
_SIZES = (16, 24, 32, 48)


def icon_path(name: str) -> Path:
    return ICONS_DIR / f"{name}.svg"


def kind_icon(kind_name: str) -> QIcon:
    """The palette icon of a node kind (an empty icon if its SVG is missing)."""
    return icon(f"kind-{kind_name}")


def app_icon() -> QIcon:
    return icon(APP_ICON)


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; empty (not an error) when the file is missing."""
    return _icon(name, _text_colour())


def _text_colour() -> str:
    app = QApplication.instance()
    if app is None:
        return "#202020"
    return app.palette().color(QPalette.ColorRole.WindowText).name()


@cache
def _icon(name: str, colour: str) -> QIcon:
    # rendered to pixmaps here (not QIcon(path)) so currentColor can follow the palette
    try:
        svg = icon_path(name).read_text(encoding="utf-8")
    except OSError:
        return QIcon()
    renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", colour).encode("utf-8")))
    if not renderer.isValid():
        return QIcon()
    out = QIcon()
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
            out.addPixmap(pixmap)
    return out


def icon_size() -> QSize:
    return QSize(20, 20)
