"""Reading the window's docks as a learner sees them."""

from __future__ import annotations


def in_front(dock) -> bool:
    """On screen: a tab behind another stays "visible" to Qt, only moved out of sight."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()
