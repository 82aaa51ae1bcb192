"""The node palette: every kind of ``mgstudio.document.KINDS`` by category, with its icon and
its doc as a tooltip. Drag an entry onto the canvas, or double-click it to add one in the
middle of the view."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from mgstudio.document import CATEGORIES, kinds_in

from .icons import kind_icon

MIME_KIND = "application/x-mgstudio-kind"
_KIND_ROLE = Qt.ItemDataRole.UserRole


def kind_mime(kind_name: str) -> QMimeData:
    """The drag payload the canvas accepts: the kind name, utf-8."""
    mime = QMimeData()
    mime.setData(MIME_KIND, kind_name.encode("utf-8"))
    mime.setText(kind_name)
    return mime


class PaletteWidget(QTreeWidget):
    """Node kinds grouped by category."""

    #: a kind was double-clicked (or activated with Enter): add it
    kind_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setIconSize(QSize(22, 22))
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setUniformRowHeights(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setExpandsOnDoubleClick(False)
        self._items: dict[str, QTreeWidgetItem] = {}
        self._populate()
        # double-click, not itemActivated: some desktops activate on a single click
        self.itemDoubleClicked.connect(self._on_activated)

    def _populate(self) -> None:
        for category in CATEGORIES:
            group = QTreeWidgetItem(self, [category])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for kind in kinds_in(category):
                title = (
                    kind.title
                    if kind.symbol in (kind.title, "")
                    else f"{kind.title}   {kind.symbol}"
                )
                item = QTreeWidgetItem(group, [title])
                item.setIcon(0, kind_icon(kind.name))
                item.setToolTip(0, f"<b>{escape(kind.title)}</b><br>{escape(kind.doc)}")
                item.setData(0, _KIND_ROLE, kind.name)
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
                self._items[kind.name] = item
            group.setExpanded(True)

    def kinds(self) -> list[str]:
        return list(self._items)

    def item_for(self, kind_name: str) -> QTreeWidgetItem:
        return self._items[kind_name]

    def refresh_icons(self) -> None:
        """Re-render icons (after a palette change)."""
        for name, item in self._items.items():
            item.setIcon(0, kind_icon(name))

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, _KIND_ROLE)
        if name:
            self.kind_activated.emit(name)

    def keyPressEvent(self, event) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._on_activated(item, 0)
            return
        super().keyPressEvent(event)

    def mimeTypes(self) -> list[str]:
        return [MIME_KIND]

    def mimeData(self, items) -> QMimeData:
        names = [it.data(0, _KIND_ROLE) for it in items if it.data(0, _KIND_ROLE)]
        return kind_mime(names[0]) if names else QMimeData()

    def startDrag(self, supported_actions) -> None:
        item = self.currentItem()
        name = item.data(0, _KIND_ROLE) if item is not None else None
        if not name:
            return
        drag = QDrag(self)
        drag.setMimeData(kind_mime(name))
        drag.setPixmap(kind_icon(name).pixmap(32, 32))
        drag.exec(Qt.DropAction.CopyAction)
