"""Copy and paste of canvas fragments through the system clipboard, as JSON text."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from mgstudio.document import DocumentError
from mgstudio.document.fileformat import load_json

MIME_FRAGMENT = "application/x-mgstudio-fragment"
MAX_CLIPBOARD_BYTES = 5_000_000


def put_fragment(fragment: dict) -> str:
    """Place a document fragment on the clipboard (our MIME type and plain text)."""
    text = json.dumps(fragment, ensure_ascii=False, allow_nan=False)
    mime = QMimeData()
    mime.setData(MIME_FRAGMENT, text.encode("utf-8"))
    mime.setText(text)
    QApplication.clipboard().setMimeData(mime)
    return text


def get_fragment_text() -> str | None:
    """The clipboard's fragment text, if it holds something that looks like one. The document
    validates it fully when pasting; nothing here is evaluated."""
    mime = QApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_FRAGMENT):
        raw = bytes(mime.data(MIME_FRAGMENT))
    elif mime.hasText():
        raw = mime.text().encode("utf-8")
    else:
        return None
    if len(raw) > MAX_CLIPBOARD_BYTES:
        return None
    text = raw.decode("utf-8", errors="replace")
    return text if text.lstrip().startswith("{") else None


def fragment_bounds(text: str) -> tuple[float, float, float, float] | None:
    """``(left, top, right, bottom)`` of the fragment's node positions, if readable. (The
    document validates the fragment when pasting; a bad one is refused there.)"""
    try:
        nodes = load_json(text, MAX_CLIPBOARD_BYTES, what="the clipboard").get("nodes", [])
        xs = [float(n["pos"][0]) for n in nodes]
        ys = [float(n["pos"][1]) for n in nodes]
    except (DocumentError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None
    if not xs or not all(math.isfinite(v) for v in (*xs, *ys)):
        return None
    return (min(xs), min(ys), max(xs), max(ys))


#: room below a copied piece for its last row of nodes (about a node's height and a gap)
BELOW_GAP = 110.0


@dataclass(frozen=True)
class Placement:
    """How far a paste moves the fragment's nodes."""

    dx: float
    dy: float
    step_down: float  # a repeated paste moves on by this (below the last copy)
    anchored: tuple[float, float] | None  # the scene point it was aimed at, if any

    def offset(self, count: int, step: float) -> tuple[float, float]:
        """The offset of the ``count``-th paste in a row at the same place."""
        if self.anchored is not None:
            return (self.dx + step * (count - 1), self.dy + step * (count - 1))
        return (self.dx, self.dy + self.step_down * (count - 1))


def paste_offset(text: str, at: tuple[float, float] | None) -> Placement:
    """Put the fragment's top-left at ``at``; without a point, just below the original."""
    bounds = fragment_bounds(text)
    if bounds is None:
        return Placement(0.0, 0.0, 0.0, at)
    left, top, _right, bottom = bounds
    if at is not None:
        return Placement(at[0] - left, at[1] - top, 0.0, at)
    below = bottom - top + BELOW_GAP
    return Placement(0.0, below, below, None)
