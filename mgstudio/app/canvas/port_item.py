"""Ports: where wires attach. Drawn by their node (thousands of child items would slow the scene
down), but with their own geometry, hit test and painting here."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter

from .colors import CanvasColors

RADIUS = 4.5
HIT_RADIUS = 10.0  # generous, so a learner does not have to hit a 9-pixel circle exactly
INPUT = "in"
OUTPUT = "out"


@dataclass(frozen=True)
class PortRef:
    """One end a wire can attach to: a node's output, or one of its named inputs."""

    node_id: str
    side: str  # INPUT or OUTPUT
    name: str = ""  # the input's port name; "" for the output

    @property
    def is_output(self) -> bool:
        return self.side == OUTPUT


def paint_port(
    painter: QPainter, centre: QPointF, wired: bool, colors: CanvasColors, hot: bool = False
) -> None:
    """A hollow circle for a free port, a filled one for a wired port; ``hot`` is under the
    cursor during a wire drag."""
    painter.setPen(colors.port_pen(hot))
    painter.setBrush(colors.port_wired if wired else colors.port_free)
    r = RADIUS + (1.5 if hot else 0.0)
    painter.drawEllipse(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r))


def near(a: QPointF, b: QPointF, radius: float = HIT_RADIUS) -> bool:
    dx, dy = a.x() - b.x(), a.y() - b.y()
    return dx * dx + dy * dy <= radius * radius
