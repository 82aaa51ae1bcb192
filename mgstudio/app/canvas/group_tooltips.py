"""Tooltips of groups: a block names its group and its output's numbers; a wire into a
collapsed neuron names the weight that multiplies it, with its data and grad (as TF
Playground shows a link's weight). Escaped: labels are the learner's text."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsSceneHelpEvent, QToolTip

from .group_items import BlockItem, GroupWire
from .numbers import MISSING, format_number


def _numbers(doc, nid: str | None) -> tuple[str, str]:
    v = doc.value_of(nid) if nid is not None and nid in doc.nodes else None
    if v is None:
        return MISSING, MISSING
    return format_number(v.data), format_number(v.grad)


def weight_tooltip(doc, wire: GroupWire) -> str | None:
    """The words for a wire into a collapsed neuron (None: it has no weight)."""
    if wire.weight is None or wire.weight not in doc.nodes:
        return None
    data, grad = _numbers(doc, wire.weight)
    label = doc.nodes[wire.weight].label or wire.weight
    src = doc.nodes[wire.wire.src].label or wire.wire.src if wire.wire.src in doc.nodes else ""
    return f"weight {label} (times {src})\ndata {data}\ngrad {grad}"


def block_tooltip(doc, block: BlockItem) -> str:
    c = block.content
    # "neuron 'L1.N2' · tanh"; a group named after its kind reads once ("neuron · tanh");
    # the whole label where the block shows it short
    title = c.label or c.title
    name = c.kind if title == c.kind else f"{c.kind} {title!r}"
    lines = [name + (f" · {c.subtitle}" if c.subtitle else "")]
    if c.summary:
        lines.append(c.summary)
    if c.output is not None and c.output in doc.nodes:
        data, grad = _numbers(doc, c.output)
        lines.append(f"{doc.nodes[c.output].label or c.output}: data {data}, grad {grad}")
    lines.append("double-click to expand")
    return "\n".join(lines)


def _as_html(text: str) -> str:
    return "<qt>" + "<br>".join(html.escape(line) for line in text.split("\n")) + "</qt>"


def show_group_tooltip(scene, event: QGraphicsSceneHelpEvent) -> bool:
    """Show the tooltip of a block or of a weight's wire under a help event (False: none)."""
    doc = scene.document
    if doc is None or not doc.groups:
        return False
    pos = event.scenePos()
    text = None
    item = scene.group_item_at(pos)
    if isinstance(item, BlockItem):
        text = block_tooltip(doc, item)
    else:
        x, y = pos.x(), pos.y()
        for wire in reversed(scene.wires_in(QRectF(x, y, 0.0, 0.0))):
            if isinstance(wire, GroupWire) and wire.contains(pos):
                text = weight_tooltip(doc, wire)
                break
    if text is None:
        return False
    QToolTip.showText(event.screenPos(), _as_html(text), event.widget())
    event.accept()
    return True
