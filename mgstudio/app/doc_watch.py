"""Subscribing a panel to one document's events, and letting go of them again (every panel
that follows "the" document: inspector, learn tools; the canvas scene and backward table keep
their own lists for now)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Slot = Callable[..., Any]

#: the events that change what a graph computes (structure or numbers): what a panel showing
#: a result must start over on
EDITS = ("node_added", "node_removed", "wire_added", "wire_removed", "values_changed")


class DocWatch:
    """Connections from one document's signals to a panel's slots; ``close()`` undoes them."""

    def __init__(self) -> None:
        self._connections: list[tuple[Any, Slot]] = []

    def watch(self, document: Any, slots: Mapping[str, Slot] | Iterable[tuple[str, Slot]]) -> None:
        """Follow ``document`` (None: nothing) instead of the one watched before. ``slots``
        maps a signal name of ``document.events`` to a callable, or is a list of
        ``(name, callable)`` pairs when one signal feeds several slots."""
        self.close()
        if document is None:
            return
        pairs = slots.items() if isinstance(slots, Mapping) else slots
        for name, slot in pairs:
            signal = getattr(document.events, name)
            signal.connect(slot)
            self._connections.append((signal, slot))

    def close(self) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections.clear()
