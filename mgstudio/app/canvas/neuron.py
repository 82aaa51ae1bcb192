"""The lecture's neuron on the canvas: ``document.clipboard.neuron_fragment`` laid out with
the canvas's node heights (``x_i, w_i, b -> * -> + -> act``).

With two inputs it carries the walkthrough's numbers (x1=2, x2=0, w1=-3, w2=1,
b=6.8813735870195432), so Backward shows o = 0.7071 and x1.grad = -1.5 as in the lecture.
"""

from __future__ import annotations

from collections.abc import Mapping

from mgstudio.document import KINDS
from mgstudio.document import clipboard as _piece
from mgstudio.document.clipboard import COLUMN, LECTURE_VALUES, MAX_INPUTS, ROW
from mgstudio.engine.nn import ACTIVATIONS

__all__ = ["ACTIVATIONS", "COLUMN", "LECTURE_VALUES", "MAX_INPUTS", "ROW", "neuron_fragment"]


def node_height(kind: str) -> float:
    """Height of a node of ``kind`` on the canvas."""
    from .node_item import node_height as height  # local: no QtWidgets just to build a fragment

    return height(len(KINDS[kind].inputs))


def neuron_fragment(
    n_inputs: int = 2,
    activation: str | None = "tanh",
    origin=(0.0, 0.0),
    values: Mapping[str, float] | None = None,
) -> dict:
    """The fragment ``Document.paste_fragment`` inserts, laid out left to right at ``origin``."""
    return _piece.neuron_fragment(
        n_inputs, activation, origin, values, height=node_height, activations=ACTIVATIONS
    )
