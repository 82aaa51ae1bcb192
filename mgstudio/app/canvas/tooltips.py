"""Node tooltips: the document layer's words (``document.explain``) shown as a tooltip.

Tooltips render rich text, and the words name the learner's labels, so the text is escaped
and only our own line breaks are markup. The text is made when the tooltip is asked for,
not kept on thousands of items."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QGraphicsSceneHelpEvent, QToolTip

from mgstudio.document.explain import node_tooltip

from .roles import role_words


def tooltip_html(doc, nid: str) -> str:
    title, formula, words, grad = (html.escape(line) for line in node_tooltip(doc, nid).split("\n"))
    # the short lines stay whole and set the width; the kind's words wrap within it
    keep = "<p style='white-space:pre; margin:0'>{}</p>"
    return (
        "<qt>"
        + "".join(
            (
                keep.format(f"<b>{title}</b>"),
                keep.format(formula),
                f"<p style='margin:0'>{words}</p>",
                keep.format(grad),
                *(keep.format(html.escape(line)) for line in role_words(doc, nid).splitlines()),
            )
        )
        + "</qt>"
    )


def show_node_tooltip(scene, event: QGraphicsSceneHelpEvent) -> bool:
    """Show the tooltip of the node under a help event; False when no node is there."""
    doc = scene.document
    item = scene.node_at(event.scenePos())
    if doc is None or item is None or item.node_id not in doc.nodes or item.masked:
        return False  # (a masked node's tooltip would tell its hidden numbers)
    QToolTip.showText(event.screenPos(), tooltip_html(doc, item.node_id), event.widget())
    event.accept()
    return True
