"""Copy and paste of canvas fragments through the system clipboard, as JSON text (what a
fragment holds and where it lands: ``mgstudio.document.clipboard``)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication

# where a paste lands is decided in the document (Qt-free); re-exported for the view
from mgstudio.document.clipboard import (
    BELOW_GAP,
    MAX_CLIPBOARD_BYTES,
    Placement,
    fragment_bounds,
    paste_offset,
)

__all__ = [
    "BELOW_GAP",
    "MAX_CLIPBOARD_BYTES",
    "MIME_FRAGMENT",
    "Placement",
    "fragment_bounds",
    "get_fragment_text",
    "paste_offset",
    "put_fragment",
]

MIME_FRAGMENT = "application/x-mgstudio-fragment"


def put_fragment(fragment: dict) -> str:
    """Place a document fragment on the clipboard, as plain text (JSON).

    Text only, set through ``setText``, so Qt makes the clipboard's data itself: a QMimeData
    made in Python and handed to the clipboard (to carry ``MIME_FRAGMENT`` too) crashed
    PySide 6.11 once the clipboard freed it (a text field taking the selection; the clipboard
    going away at exit). Pasting still reads ``MIME_FRAGMENT`` when another program offers it.
    """
    text = json.dumps(fragment, ensure_ascii=False, allow_nan=False)
    QApplication.clipboard().setText(text)
    return text


def get_fragment_text() -> str | None:
    """The clipboard's fragment text, if it holds something that looks like one. The document
    validates it fully when pasting; nothing here is evaluated."""
    mime = QApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_FRAGMENT):
        raw = bytes(mime.data(MIME_FRAGMENT).data())
    elif mime.hasText():
        raw = mime.text().encode("utf-8")
    else:
        return None
    if len(raw) > MAX_CLIPBOARD_BYTES:
        return None
    text = raw.decode("utf-8", errors="replace")
    return text if text.lstrip().startswith("{") else None
