"""Tab (or typing a letter) on the canvas: a searchable list of node kinds at the cursor."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from mgstudio.document import KINDS


def _rank(kind, text: str) -> int | None:
    """How well a kind matches the filter: 0 exact, 1 prefix, 2 substring, None not at all."""
    text = text.strip().lower()
    names = [s.lower() for s in (kind.name, kind.title, kind.symbol)]
    if not text or text in names:
        return 0
    if any(s.startswith(text) for s in names):
        return 1
    if any(text in s for s in names):
        return 2
    return None


class QuickAddPopup(QFrame):
    """A filter line over the kinds; Enter (or a click) picks the highlighted one."""

    kind_chosen = Signal(str)

    def __init__(self, parent=None, text: str = ""):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Add node…")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setMinimumWidth(220)
        for kind in KINDS.values():
            item = QListWidgetItem(f"{kind.title}    {kind.symbol}")
            item.setData(Qt.ItemDataRole.UserRole, kind.name)
            item.setToolTip(kind.doc)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._refilter)
        self.filter.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.itemClicked.connect(lambda _item: self.accept())
        self.filter.installEventFilter(self)
        self.filter.setText(text)
        self._refilter(text)

    def visible_kinds(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if not self.list.item(i).isHidden()
        ]

    def _refilter(self, text: str) -> None:
        best, best_rank = None, None
        for i in range(self.list.count()):
            item = self.list.item(i)
            rank = _rank(KINDS[item.data(Qt.ItemDataRole.UserRole)], text)
            item.setHidden(rank is None)
            if rank is not None and (best_rank is None or rank < best_rank):
                best, best_rank = item, rank
        if best is not None:
            self.list.setCurrentItem(best)
        else:
            self.list.setCurrentRow(-1)  # what setCurrentItem(None) does in Qt: no current row

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        self.close()
        self.kind_chosen.emit(name)

    def eventFilter(self, obj, event) -> bool:
        # arrow keys in the filter line move through the list, as in a command palette
        if obj is self.filter and event.type() == event.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                visible = [
                    self.list.item(i)
                    for i in range(self.list.count())
                    if not self.list.item(i).isHidden()
                ]
                if visible:
                    cur = self.list.currentItem()
                    i = visible.index(cur) if cur in visible else -1
                    i = (i + (1 if key == Qt.Key.Key_Down else -1)) % len(visible)
                    self.list.setCurrentItem(visible[i])
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(obj, event)

    def popup_at(self, global_pos: QPoint) -> None:
        self.adjustSize()
        self.move(global_pos)
        self.show()
        self.filter.setFocus()
        self.filter.end(False)
