"""The status bar's ``o = 0.7071``: the output's name and value, following the document (a new
value, another output chosen, a rename)."""

from __future__ import annotations

from mgstudio.document import Document

from . import plain
from .canvas.numbers import MISSING, format_number
from .grads import output_of

_EVENTS = ("values_changed", "output_changed", "node_changed")


class OutputLabel:
    """A plain-text label (``.label``) showing the document's output and its value."""

    def __init__(self) -> None:
        self.label = plain.label()  # shows a node's label: never rich text
        self.document: Document | None = None

    def set_document(self, document: Document | None) -> None:
        """Follow ``document`` (None: stop following)."""
        if self.document is not None:
            for name in _EVENTS:
                getattr(self.document.events, name).disconnect(self.update)
        self.document = document
        if document is not None:
            for name in _EVENTS:
                getattr(document.events, name).connect(self.update)
            self.update()

    def update(self, *_args) -> None:
        doc = self.document
        out = output_of(doc) if doc is not None else None
        if doc is None or out is None:
            self.label.setText("")
            return
        v = doc.value_of(out)
        name = doc.nodes[out].label or out
        self.label.setText(f"{name} = {MISSING if v is None else format_number(v.data)}")
