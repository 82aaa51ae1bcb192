"""How the canvas marks a document's training roles (issue 16): a feature leaf gets an
orange stripe and an ``x0`` tag, a parameter keeps the input stripe, the prediction gets a
``ŷ`` tag; the tooltip names the role in words (its legend).

The roles are read from the document when an item paints (a cached picture: painting is
rare), so no item holds a copy that could fall behind; the scene repaints an item when its
role changes (``node_changed``, ``prediction_changed``).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

FEATURE_COLOUR = QColor(230, 126, 34)  # orange: data flowing in, unlike the trained blue
PREDICTION_COLOUR = QColor(142, 68, 173)
TAG_H = 10.0  # above the label's text (centred in a 32 px record)


def role_of(doc, nid: str) -> tuple[int | None, bool]:
    """``(feature column or None, is the prediction)`` of a node shown on the canvas."""
    if doc is None:
        return None, False
    node = doc.nodes.get(nid)
    if node is None:
        return None, False
    return node.feature, doc.prediction == nid


def paint_tag(painter: QPainter, style, label_rect: QRectF, text: str, colour: QColor) -> None:
    """A small filled tag in the top-left corner of the label cell."""
    painter.setFont(style.small)
    width = style.small_width(text) + 6.0
    tag = QRectF(label_rect.left() + 2.0, 1.0, width, TAG_H)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(tag, 3.0, 3.0)
    painter.setPen(QPen(QColor(255, 255, 255)))
    painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)


def role_words(doc, nid: str) -> str:
    """The tooltip's line about the node's training role ("" for a plain op)."""
    node = doc.nodes.get(nid)
    if node is None:
        return ""
    lines = []
    if node.kind == "input":
        if node.feature is None:
            lines.append("Training: a parameter (blue stripe): training moves it")
        else:
            lines.append(
                f"Training: feature x{node.feature} (orange stripe): fed column "
                f"x{node.feature} of each sample"
            )
    if doc.prediction == nid:
        lines.append("Training: the prediction (ŷ tag), compared with each target")
    return "\n".join(lines)


def role_menu_entries(view, menu, nid: str) -> None:
    """The node menu's training entries: Use as Prediction; an input's feature/parameter."""
    from ..model_commands import SetFeatureCommand, SetPredictionCommand

    doc, edits = view.document, view.edits
    node = doc.nodes.get(nid)
    if node is None:
        return
    menu.addSeparator()
    if doc.prediction == nid:
        menu.addAction(
            "Stop Using as Prediction", lambda: edits.push(SetPredictionCommand(doc, None))
        )
    else:
        menu.addAction("Use as Prediction", lambda: edits.push(SetPredictionCommand(doc, nid)))
    if node.kind != "input":
        return
    if node.feature is None:
        taken = doc.feature_ids()
        k = next(i for i in range(len(taken) + 1) if i not in taken)
        menu.addAction(f"Make Feature x{k}", lambda: edits.push(SetFeatureCommand(doc, nid, k)))
    else:
        menu.addAction(
            "Make Parameter (trained)", lambda: edits.push(SetFeatureCommand(doc, nid, None))
        )
