"""How groups look on the canvas: an expanded group's frame, a collapsed group's block, and the
wires that cross into a block (``GroupWire``, drawn by the wire layer like every wire).

A frame's body (a tinted rectangle behind its members) is drawn by the view's wire layer under
the wires, from ``FrameItem.frame_rect``; the item itself paints only its title bar (label,
kind, chevron), which is what a click selects, drags or toggles. A block is a cached picture
like a node record: a new number repaints only its text patch, a new heatmap only its square.
What a block shows (``BlockContent``) is worked out by the scene from the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from mgstudio.document.group_geometry import (
    FRAME_HEADER,
    HEATMAP_SIZE,
    LAYER_ROW,
    block_size,
)

from .colors import CanvasColors, mix
from .group_view import BLOCK_TEXT_PX, BLOCK_TITLE_PX, LAYER_TEXT_PX
from .numbers import MISSING, format_number, is_bad
from .port_item import RADIUS, paint_port
from .style import CanvasStyle
from .wire_item import HIT_WIDTH, WireItem, _bend

_FLAGS = (
    QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
)
_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
#: more ports than this on one side are drawn as one bundled port
MAX_PORTS = 12
CHEVRON_W = 24.0
PAD = 8.0
TITLE_H = 30.0
#: the kinds' tints (mixed into the canvas colours, so dark mode keeps its contrast)
_KIND_HUES = {
    "neuron": QColor(60, 130, 220),
    "layer": QColor(40, 160, 90),
    "mlp": QColor(150, 80, 200),
    "group": QColor(130, 130, 130),
}
_POSITIVE_W = QColor(30, 110, 210)  # TF Playground: blue for positive weights
_NEGATIVE_W = QColor(235, 120, 20)  # orange for negative ones


def kind_tint(colors: CanvasColors, kind: str, t: float) -> QColor:
    return mix(colors.background, _KIND_HUES.get(kind, _KIND_HUES["group"]), t)


def _font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(round(px))
    f.setBold(bold)
    return f


class GroupFonts:
    """The blocks' fonts, in pixel sizes (scene units): their readability is arithmetic."""

    def __init__(self) -> None:
        self.title = _font(BLOCK_TITLE_PX, bold=True)
        self.text = _font(BLOCK_TEXT_PX)
        self.row = _font(LAYER_TEXT_PX)
        self.row_bold = _font(LAYER_TEXT_PX, bold=True)
        self.header = _font(14.0, bold=True)
        self.header_kind = _font(12.0)


_FONTS: GroupFonts | None = None


def fonts() -> GroupFonts:
    global _FONTS
    if _FONTS is None:
        _FONTS = GroupFonts()
    return _FONTS


def group_title(kind: str, label: str, gid: str) -> str:
    return label or f"{kind} {gid}"


_CALL = re.compile(r"\s*\(call \d+\)$")


def short_title(kind: str, label: str, gid: str) -> str:
    """What a small block (a neuron's, a layer's row) shows of a group's title: without the
    kind the block already shows before a path (``Neuron L1.N0`` -> ``L1.N0``) and without
    a call number (the frame around says which call); the tooltip has the whole label."""
    title = group_title(kind, label, gid)
    short = _CALL.sub("", title)
    head, _, rest = short.partition(" ")
    # only before a path (a program's "Neuron L1.N0"): a learner's "Neuron 1" stays whole
    if head.lower() == kind.lower() and "." in rest and " " not in rest.strip():
        short = rest.strip()
    return short or title


def elided(painter: QPainter, text: str, width: float) -> str:
    """``text`` as it fits in ``width`` in the painter's font (an ellipsis where it is cut)."""
    metrics = painter.fontMetrics()
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(width)))


# --- frames ---------------------------------------------------------------------------------
class FrameItem(QGraphicsItem):
    """The title bar of an expanded group's frame (the body is drawn by the wire layer)."""

    def __init__(self, group_id: str, kind: str, label: str, depth: int, style: CanvasStyle):
        super().__init__()
        self.group_id = group_id
        self.kind = kind
        self.label = label
        self.style = style
        #: the whole frame in scene coordinates (members, margin and title bar)
        self.frame_rect = QRectF()
        #: where the document puts it (a drag moves the item away from here until released)
        self.home = QPointF()
        self._w = 0.0
        self.setFlags(_FLAGS)
        self.setZValue(0.2 + 0.01 * depth)  # under the nodes (z 1), inner frames over outer

    def set_rect(self, rect: QRectF) -> None:
        if rect.width() != self._w:
            self.prepareGeometryChange()
            self._w = rect.width()
        self.frame_rect = QRectF(rect)
        self.home = rect.topLeft()
        self.setPos(self.home)
        self.update()

    def set_title(self, label: str) -> None:
        if label != self.label:
            self.label = label
            self.update()

    def chevron_rect(self) -> QRectF:
        """The chevron, in scene coordinates (a click there collapses the group)."""
        return QRectF(self.x(), self.y(), CHEVRON_W, FRAME_HEADER)

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, 0.0, self._w, FRAME_HEADER)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        c, f = self.style.colors, fonts()
        r = self.boundingRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(c.selected, 2.5) if self.isSelected() else Qt.PenStyle.NoPen)
        painter.setBrush(kind_tint(c, self.kind, 0.35))
        painter.drawRoundedRect(r.adjusted(1, 1, -1, 0), 6.0, 6.0)
        painter.setPen(c.text)
        painter.setFont(f.header)
        painter.drawText(
            QRectF(0.0, 0.0, CHEVRON_W, FRAME_HEADER), Qt.AlignmentFlag.AlignCenter, "▾"
        )
        title = group_title(self.kind, self.label, self.group_id)
        text_r = QRectF(CHEVRON_W, 0.0, max(0.0, self._w - CHEVRON_W - PAD), FRAME_HEADER)
        painter.drawText(text_r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(f.header_kind)
        painter.setPen(c.muted_text)
        painter.drawText(
            text_r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, self.kind
        )


def paint_frame_body(painter: QPainter, colors: CanvasColors, kind: str, rect: QRectF) -> None:
    """A frame's body, drawn by the wire layer under the wires."""
    painter.setPen(QPen(kind_tint(colors, kind, 0.55), 1.5))
    painter.setBrush(kind_tint(colors, kind, 0.10))
    painter.drawRoundedRect(rect, 8.0, 8.0)


# --- blocks ---------------------------------------------------------------------------------
@dataclass
class BlockContent:
    """What a collapsed group's block shows, from the document (the scene works it out)."""

    kind: str
    title: str
    #: the group's whole label when ``title`` is its short form (the tooltip shows it)
    label: str = ""
    #: shown instead of numbers by a group with no output of its own ("41 leaves")
    summary: str = ""
    #: the activation's name (a neuron), else ""
    subtitle: str = ""
    #: the node whose ``data``/``grad`` the block shows (a neuron's, a group's output)
    output: str | None = None
    #: a layer's rows: (neuron label, its output node)
    rows: list[tuple[str, str | None]] = field(default_factory=list)
    #: the input slots (one per crossing wire for a neuron, per outside source else) and
    #: each incoming wire's slot; a neuron's slots name their weight leaf (or None)
    n_inputs: int = 0
    weights: list[str | None] = field(default_factory=list)
    #: the output nodes and their slot (a layer's are its rows)
    outputs: dict[str, int] = field(default_factory=dict)
    n_outputs: int = 0


class BlockItem(QGraphicsItem):
    """A collapsed group drawn as one block, top-left at the anchor of its members."""

    picture: QImage | None = None

    def __init__(self, group_id: str, content: BlockContent, style: CanvasStyle):
        super().__init__()
        self.group_id = group_id
        self.style = style
        self.home = QPointF()
        self._texts: dict[str, str] = {}
        self._values: dict[str, tuple[float | None, float | None]] = {}
        self._tint: QColor | None = None
        self.setFlags(_FLAGS)
        self.setCacheMode(_CACHE)
        self.setZValue(1.5)  # over the nodes: a block stands for a group, whose place it takes
        self.set_content(content)

    # --- layout -----------------------------------------------------------------------------
    def set_content(self, content: BlockContent) -> None:
        self.prepareGeometryChange()
        self.content = content
        w, h = block_size(content.kind, len(content.rows))
        self._w, self._h = w, h
        self._rect = QRectF(0.0, 0.0, w, h)
        m = RADIUS + 3.0
        self._bounds = self._rect.adjusted(-m, -m, m, m)
        heat = HEATMAP_SIZE if content.kind == "neuron" else 0.0
        text_w = w - 2 * PAD - (heat + PAD if heat else 0.0)
        self.heat_rect = QRectF(w - PAD - heat, TITLE_H, heat, heat) if heat else QRectF()
        #: the text patches a new number repaints: zone name -> item rectangle
        self.zones: dict[str, QRectF] = {}
        if content.kind == "neuron":
            self.zones["data"] = QRectF(PAD, TITLE_H + 2, text_w, 30.0)
            self.zones["grad"] = QRectF(PAD, TITLE_H + 32, text_w, 30.0)
        elif content.kind == "layer":
            for i, _row in enumerate(content.rows):
                self.zones[f"row{i}"] = QRectF(PAD, FRAME_HEADER + i * LAYER_ROW, text_w, LAYER_ROW)
        else:
            self.zones["data"] = QRectF(PAD, FRAME_HEADER + 2, text_w, 21.0)
            self.zones["grad"] = QRectF(PAD, FRAME_HEADER + 23, text_w, 21.0)
        self._texts = {}
        self._values = {}
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def block_rect(self) -> QRectF:
        """The block in scene coordinates (what Fit and the frames around it count)."""
        return self._rect.translated(self.x(), self.y())

    def place(self, x: float, y: float) -> None:
        self.home = QPointF(x, y)
        self.setPos(self.home)

    def chevron_rect(self) -> QRectF:
        return QRectF(self.x(), self.y(), CHEVRON_W, TITLE_H)

    # --- ports ------------------------------------------------------------------------------
    def _slot_y(self, slot: int, count: int) -> float:
        top = TITLE_H if self.content.kind != "layer" else FRAME_HEADER
        span = self._h - top
        return top + span * (slot + 0.5) / max(count, 1)

    def input_xy(self, slot: int) -> tuple[float, float]:
        return self.x(), self.y() + self._slot_y(slot, self.content.n_inputs)

    def output_xy(self, slot: int) -> tuple[float, float]:
        c = self.content
        if c.kind == "layer" and c.n_outputs == len(c.rows) and c.n_outputs > 1:
            return self.x() + self._w, self.y() + FRAME_HEADER + (slot + 0.5) * LAYER_ROW
        return self.x() + self._w, self.y() + self._slot_y(slot, c.n_outputs)

    # --- numbers ----------------------------------------------------------------------------
    def show_values(self, value_of, max_abs_grad: float, colors: CanvasColors) -> list[str]:
        """Take the numbers shown from the document; repaint only the patches that changed
        (returns their zone names, for tests)."""
        changed = []
        for zone, text in self._zone_texts(value_of, max_abs_grad, colors).items():
            if self._texts.get(zone) != text:
                if zone in self._texts:
                    changed.append(zone)
                self._texts[zone] = text
        if changed and len(changed) < len(self.zones):
            for zone in changed:
                self.update(self.zones[zone])
        elif changed:
            self.update()
        return changed

    def _zone_texts(self, value_of, max_abs_grad: float, colors: CanvasColors) -> dict[str, str]:
        c = self.content
        out: dict[str, str] = {}

        def numbers(nid: str | None) -> tuple[float | None, float | None]:
            v = value_of(nid) if nid is not None else None
            return (None, None) if v is None else (v.data, v.grad)

        if c.kind == "layer":
            for i, (label, nid) in enumerate(c.rows):
                data, _grad = numbers(nid)
                out[f"row{i}"] = f"{label}\t{MISSING if data is None else format_number(data)}"
            return out
        if c.output is None and c.summary:
            self._values["out"] = (None, None)
            self._tint = None
            return {"data": c.summary, "grad": "expand to see them"}
        data, grad = numbers(c.output)
        self._values["out"] = (data, grad)
        tint = None if grad is None else colors.grad_tint(grad, max_abs_grad)
        out["data"] = f"data {MISSING if data is None else format_number(data)}"
        out["grad"] = f"grad {MISSING if grad is None else format_number(grad)}" + (
            "" if tint is None else f"\t{tint.name()}"
        )
        self._tint = tint
        return out

    def texts(self) -> list[str]:
        """What the block shows (tests read it): the title, then each zone's text."""
        return [self.content.title] + [
            self._texts.get(z, "").split("\t")[0]
            if not z.startswith("row")
            else self._texts.get(z, "").replace("\t", " ")
            for z in self.zones
        ]

    def set_picture(self, picture: QImage | None) -> None:
        if picture is not self.picture:
            self.picture = picture
            if self.content.kind == "neuron":
                self.update(self.heat_rect)

    # --- painting ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        c, f = self.style.colors, fonts()
        exposed = option.exposedRect
        for name, zone in self.zones.items():
            if zone.contains(exposed):  # a new number: its patch alone
                self._paint_zone(painter, name, zone)
                return
        if self.heat_rect.contains(exposed):
            self._paint_picture(painter)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(c.selected, 2.5) if self.isSelected() else QPen(c.border, 1.2))
        painter.setBrush(c.node_fill)
        painter.drawRoundedRect(self._rect, 8.0, 8.0)
        kind = self.content.kind
        title_h = TITLE_H if kind == "neuron" else FRAME_HEADER
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kind_tint(c, kind, 0.35))
        painter.drawRoundedRect(QRectF(1.0, 1.0, self._w - 2.0, title_h - 1.0), 7.0, 7.0)
        painter.setPen(c.text)
        painter.setFont(f.header)
        painter.drawText(QRectF(0.0, 0.0, CHEVRON_W, title_h), Qt.AlignmentFlag.AlignCenter, "▸")
        painter.setFont(f.title)
        title_r = QRectF(CHEVRON_W, 0.0, self._w - CHEVRON_W - PAD, title_h)
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        room = title_r.width()
        if self.content.subtitle:
            painter.setFont(f.text)
            painter.setPen(c.muted_text)
            painter.drawText(title_r, right, self.content.subtitle)
            room -= painter.fontMetrics().horizontalAdvance(self.content.subtitle) + PAD
            painter.setPen(c.text)
            painter.setFont(f.title)
        painter.drawText(title_r, left, elided(painter, self.content.title, room))
        for name, zone in self.zones.items():
            self._paint_zone(painter, name, zone)
        if kind == "neuron":
            self._paint_picture(painter)
        self._paint_ports(painter)

    def _paint_zone(self, painter: QPainter, name: str, zone: QRectF) -> None:
        c, f = self.style.colors, fonts()
        text = self._texts.get(name, "")
        painter.fillRect(zone, c.node_fill)
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        if name.startswith("row"):
            label, _, number = text.partition("\t")
            painter.setPen(c.text)
            painter.setFont(f.row)
            painter.drawText(zone, right, number)
            room = zone.width() - painter.fontMetrics().horizontalAdvance(number) - PAD
            painter.setFont(f.row_bold)
            painter.drawText(zone, left, elided(painter, label, room))
            return
        shown, _, tint = text.partition("\t")
        if name == "grad" and tint:
            painter.fillRect(zone.adjusted(0, 2, 0, -2), QColor(tint))
        bad = self._values.get("out", (None, None))[0 if name == "data" else 1]
        painter.setPen(c.bad_number if is_bad(bad) else c.text)
        painter.setFont(f.text)
        painter.drawText(zone, left, shown)

    def _paint_picture(self, painter: QPainter) -> None:
        if self.heat_rect.isEmpty():
            return
        if self.picture is not None and not self.picture.isNull():
            painter.drawImage(self.heat_rect, self.picture)
        else:
            painter.fillRect(self.heat_rect, self.style.colors.node_fill)

    def _paint_ports(self, painter: QPainter) -> None:
        c = self.content
        colors = self.style.colors
        for i in range(c.n_inputs):
            x, y = self.input_xy(i)
            paint_port(painter, QPointF(x - self.x(), y - self.y()), True, colors)
        for i in range(c.n_outputs):
            x, y = self.output_xy(i)
            paint_port(painter, QPointF(x - self.x(), y - self.y()), True, colors)


# --- wires into and out of blocks ------------------------------------------------------------
def weight_pen(weight: float | None, colors: CanvasColors, strong: bool) -> QPen:
    """A wire into a neuron, as TF Playground draws links: colour by the weight's sign,
    thickness by its size (a plain wire when there is no weight or no number)."""
    if weight is None or weight != weight:
        return colors.wire_pen(strong)
    width = 1.0 + min(abs(weight), 3.0) * 2.0 + (1.5 if strong else 0.0)
    color = _POSITIVE_W if weight >= 0 else _NEGATIVE_W
    pen = QPen(colors.wire_hover if strong else color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class GroupWire(WireItem):
    """A wire drawn to or from a block's port: one document wire (``wire``) or several that
    end at the same two ports (``wires``, drawn once). ``ends`` comes from the scene."""

    def __init__(self, wire, ends_of, colors: CanvasColors):
        self.wire = wire
        self.wires = [wire]
        self.src_item = self.dst_item = None
        self.colors = colors
        self._ends_of = ends_of
        #: the weight leaf that multiplies this input inside the neuron, and its data
        self.weight: str | None = None
        self.weight_data: float | None = None
        self.visual_pen = colors.wire_pen(False)
        self.ends = self.box = (0.0, 0.0, 0.0, 0.0)
        self._reshape()

    @property
    def bundled(self) -> bool:
        return len(self.wires) > 1

    def _reshape(self) -> None:
        x0, y0, x1, y1 = self.ends = self._ends_of()
        self._path = self._hit = None
        dx, h = _bend(x0, x1), HIT_WIDTH / 2
        self.box = (min(x0, x1 - dx) - h, min(y0, y1) - h, max(x0 + dx, x1) + h, max(y0, y1) + h)

    def _pen(self) -> QPen:
        return weight_pen(self.weight_data, self.colors, self.selected or self.is_hot)

    def set_weight(self, data: float | None) -> None:
        if data != self.weight_data:
            self.weight_data = data
            self._restyle()
