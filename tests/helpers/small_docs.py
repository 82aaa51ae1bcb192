"""Tiny documents more than one test file builds."""

from __future__ import annotations

from mgstudio.document import Document


def x_times_w(head: str = "tanh", mul_label: str = "xw", **head_params: float):
    """``head(x * w)`` with x = 2, w = -3: ``(doc, (x, w, mul, head))``."""
    doc = Document()
    x = doc.add_node("input", label="x", value=2.0)
    w = doc.add_node("input", label="w", value=-3.0)
    m = doc.add_node("mul", label=mul_label)
    doc.connect(x, m, "a")
    doc.connect(w, m, "b")
    top = doc.add_node(head, label="o" if head == "tanh" else head[0], params=head_params or None)
    doc.connect(m, top, "a")
    return doc, (x, w, m, top)
