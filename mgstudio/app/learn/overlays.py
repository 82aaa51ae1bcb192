"""Marks drawn over the canvas: a ring around a node, a small text badge beside it.

They are projections only. Each mark remembers the node id it belongs to and is placed at that
node's item (found through the canvas's public ``item_for``); the document is never touched.
Marks follow a node when the document moves it and vanish with ``clear()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsSimpleTextItem

if TYPE_CHECKING:
    from ..canvas.view import CanvasView

RING = QColor("#ff8c00")
NEXT = QColor("#9e9e9e")  # the node the next step will take
PASS = QColor("#2e7d32")
FAIL = QColor("#c62828")
NOTE = QColor("#6a1b9a")
_Z = 1000.0  # above nodes and wires
_PAD = 6.0


class _Badge(QGraphicsPathItem):
    """Text on a rounded, filled plate."""

    def __init__(self, text: str, colour: QColor):
        super().__init__()
        self.label = QGraphicsSimpleTextItem(text, self)
        font = QFont()
        font.setBold(True)
        self.label.setFont(font)
        self.label.setBrush(QBrush(QColor("white")))
        r = self.label.boundingRect().adjusted(-5, -2, 5, 2)
        self.label.setPos(-r.left(), -r.top())
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, r.width(), r.height()), 6, 6)
        self.setPath(path)
        self.setBrush(QBrush(colour))
        self.setPen(QPen(Qt.PenStyle.NoPen))

    def text(self) -> str:
        return self.label.text()


class OverlayLayer:
    """The marks one tool owns on a canvas (each tool has its own layer, cleared on its own)."""

    def __init__(self, canvas: CanvasView) -> None:
        self.canvas = canvas
        self._marks: list[tuple[str, QGraphicsItem, str]] = []  # (node id, item, placement)

    # --- adding ---------------------------------------------------------------------------
    def ring(self, nid: str, colour: QColor = RING, dashed: bool = False) -> QGraphicsItem | None:
        """A rounded outline around the node."""
        item = QGraphicsPathItem()
        pen = QPen(colour, 4.0)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        item.setPen(pen)
        return self._add(nid, item, "ring")

    def badge(
        self, nid: str, text: str, colour: QColor, where: str = "above"
    ) -> QGraphicsItem | None:
        """A text plate above (``"above"``) or below (``"below"``) the node."""
        return self._add(nid, _Badge(text, colour), where)

    def _add(self, nid: str, item: QGraphicsItem, placement: str) -> QGraphicsItem | None:
        node_item = self.canvas.item_for(nid)
        if node_item is None:
            return None
        item.setZValue(_Z)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.setAcceptHoverEvents(False)
        item.setData(0, nid)
        self.canvas.scene().addItem(item)
        self._marks.append((nid, item, placement))
        self._place(node_item, item, placement)
        return item

    # --- keeping them in place ------------------------------------------------------------
    def _place(self, node_item, item, placement: str) -> None:
        rect = node_item.sceneBoundingRect()
        if placement == "ring":
            path = QPainterPath()
            path.addRoundedRect(rect.adjusted(-_PAD, -_PAD, _PAD, _PAD), 10, 10)
            item.setPath(path)
            return
        size = item.boundingRect()
        x = rect.center().x() - size.width() / 2
        # several marks of one node in the same place stack away from it, in the order added
        nid = item.data(0)
        rank = 0
        for n, it, p in self._marks:
            if it is item:
                break
            if n == nid and p == placement:
                rank += 1
        step = rank * (size.height() + 2)
        gap = _PAD + 4  # clear of a ring around the same node
        if placement == "above":
            item.setPos(x, rect.top() - size.height() - gap - step)
        else:
            item.setPos(x, rect.bottom() + gap + step)

    def follow(self, nid: str | None = None) -> None:
        """Re-place the marks (of one node, or all) after nodes moved; drop orphans."""
        keep = []
        for mark in self._marks:
            mid, item, placement = mark
            node_item = self.canvas.item_for(mid)
            if node_item is None:
                self._remove(item)
                continue
            keep.append(mark)
        self._marks = keep
        for mid, item, placement in self._marks:
            if nid is None or mid == nid:
                self._place(self.canvas.item_for(mid), item, placement)

    # --- reading and clearing -------------------------------------------------------------
    def marks(self) -> list[tuple[str, str]]:
        """``(node id, text)`` of every badge and ``(node id, "ring")`` of every ring."""
        out = []
        for nid, item, _placement in self._marks:
            out.append((nid, item.text() if isinstance(item, _Badge) else "ring"))
        return out

    def items(self) -> list[QGraphicsItem]:
        return [item for _n, item, _p in self._marks]

    def clear(self) -> None:
        for _nid, item, _p in self._marks:
            self._remove(item)
        self._marks = []

    def _remove(self, item) -> None:
        scene = item.scene()
        if scene is not None:
            scene.removeItem(item)
