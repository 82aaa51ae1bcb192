"""Subscribing a panel to one document's events, and letting go of them again."""

from __future__ import annotations


class DocWatch:
    """Connections from one document's signals to a panel's slots; ``close()`` undoes them."""

    def __init__(self):
        self._connections: list = []

    def watch(self, document, slots: dict) -> None:
        """``slots`` maps a signal name of ``document.events`` to a callable."""
        self.close()
        if document is None:
            return
        for name, slot in slots.items():
            signal = getattr(document.events, name)
            signal.connect(slot)
            self._connections.append((signal, slot))

    def close(self) -> None:
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections.clear()
