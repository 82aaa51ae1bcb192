"""Text from a file, a label, a file name or an error is shown as text, never as HTML.

Qt guesses: a QLabel, a QMessageBox and every tooltip render their text as rich text when it
*looks* like HTML (``Qt.mightBeRichText``), so a document whose ``format`` field held
``<h2>…</h2><a href=…>`` showed a heading and a live link in "Can't open the file". Widgets
that show such text are made here (or pass through ``make_plain``), so the guess is never
made; tooltips are always rich, so user text in them is escaped (``tooltip``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # Qt's text helpers live on QtGui's namespace
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PLAIN = Qt.TextFormat.PlainText
Button = QMessageBox.StandardButton
Icon = QMessageBox.Icon


def make_plain(*labels: QLabel) -> None:
    """Show these labels' text literally, whatever it contains."""
    for label in labels:
        label.setTextFormat(PLAIN)


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows its text literally (for anything a user or a file wrote)."""
    out = QLabel(parent)
    out.setTextFormat(PLAIN)
    out.setText(text)
    return out


def tooltip(text: str) -> str:
    """A tooltip showing ``text`` literally: tooltips guess rich text like labels do, and
    have no plain-text switch, so the text is escaped into a paragraph of its own."""
    return GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal) if text else ""


def message_box(
    parent: QWidget | None,
    icon: Icon,
    title: str,
    text: str,
    buttons: Button = Button.Ok,
    default: Button = Button.NoButton,
    informative: str = "",
) -> QMessageBox:
    """A message box whose text and informative text are plain text (not shown yet)."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(PLAIN)  # also governs the informative text
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def ask(
    parent: QWidget | None,
    icon: Icon,
    title: str,
    text: str,
    buttons: Button,
    default: Button = Button.NoButton,
) -> Button:
    """Like ``QMessageBox.warning/question/critical``, with plain text: the button pressed."""
    return Button(message_box(parent, icon, title, text, buttons, default).exec())


def critical(parent: QWidget | None, title: str, text: str) -> None:
    ask(parent, Icon.Critical, title, text, Button.Ok)
