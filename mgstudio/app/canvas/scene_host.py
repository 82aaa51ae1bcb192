"""What the scene's mixins (scene_wires, scene_lazy, scene_detail) share of ``CanvasScene``:
its state and the methods one mixin calls on another, declared for the type checker.

Only imported under ``TYPE_CHECKING``: at run time each mixin derives from ``object``, so the
scene's method lookup is what it was before the split. mypy checks the declarations against
the definitions (in ``CanvasScene`` and in each mixin), so they cannot drift apart.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene

from mgstudio.document.model import Document
from mgstudio.document.nodes import Node

from .group_items import BlockItem, FrameItem, GroupWire
from .node_item import NodeItem
from .pending import Pending
from .style import CanvasStyle
from .wire_index import WireIndex
from .wire_item import WireItem
from .wire_layer import WireLayer


class SceneHost(QGraphicsScene):
    # the scene's canvas style shadows QGraphicsScene.style() (a QStyle getter the canvas
    # never calls); the views, interactions and tests all read it as ``scene.style``
    style: CanvasStyle  # type: ignore[assignment]
    document: Document | None
    wire_layers: list[WireLayer]
    building: bool
    made_nodes: int
    made_wires: int
    _pending: Pending | None
    _nodes: dict[str, NodeItem]
    _wires: dict[tuple[str, str], WireItem]
    _max_abs_grad: float
    _selected_wires: set[WireItem]
    _wire_index: WireIndex
    _wire_order: dict[tuple[str, str], int]
    _wire_count: int
    _hover_wire: WireItem | None
    _cached_details: bool
    _crowding: dict[int, tuple[tuple[float | int, ...], bool]]
    _stale: set[NodeItem]
    _retint: bool
    _bounds: QRectF | None
    _hooked_views: set[int]
    # scene_groups'
    group_level: int
    _hidden: dict[str, str]
    _blocks: dict[str, BlockItem]
    _frames: dict[str, FrameItem]
    _watch: dict[str, list[str]]
    _weight_wires: dict[str, list[GroupWire]]
    _group_wires: list[GroupWire]

    # --- CanvasScene's own, used by the mixins ------------------------------------------------
    @abstractmethod
    def _add_node_item(self, nid: str, bulk: bool = False) -> NodeItem | None: ...
    @abstractmethod
    def nodes_bounding_rect(self) -> QRectF: ...
    @abstractmethod
    def refresh_visible(self, view: object = None) -> None: ...
    @abstractmethod
    def _new_node_item(
        self, nid: str, node: Node, shape: object = None, ports_wired: bool = False
    ) -> NodeItem: ...

    # --- scene_wires, used by the other mixins ------------------------------------------------
    @abstractmethod
    def wires_changed(self, rect: QRectF | None) -> None: ...
    @abstractmethod
    def wire_moved(self, item: WireItem, old_box: tuple[float, float, float, float]) -> None: ...
    @abstractmethod
    def _remove_wire_item(self, item: WireItem) -> None: ...

    # --- scene_groups, used by the other mixins ---------------------------------------------
    @abstractmethod
    def wire_grouped(self, wire: object) -> bool: ...
    @abstractmethod
    def update_group_level(self) -> None: ...
    @abstractmethod
    def groups_follow_node(self, nid: str) -> None: ...

    # --- scene_lazy, used by the other mixins -------------------------------------------------
    @abstractmethod
    def _item(self, nid: str, complete: bool = False) -> NodeItem | None: ...
    @abstractmethod
    def _still_feeds(self, item: NodeItem) -> bool: ...
    @abstractmethod
    def _pending_wire(self, dst: str, port: str) -> WireItem | None: ...
    @abstractmethod
    def _pending_shown(self, rect: QRectF) -> int: ...
    @abstractmethod
    def _hook_rubber_band(self) -> None: ...
    @abstractmethod
    def make_in(self, rect: QRectF) -> int: ...
    @abstractmethod
    def make_wires_in(self, rect: QRectF) -> None: ...
    @abstractmethod
    def _make_wire(self, j: int) -> WireItem: ...
    @abstractmethod
    def make_all(self) -> None: ...
    @abstractmethod
    def pending_count(self) -> int: ...
    @abstractmethod
    def paint_pending_wires(self, painter: QPainter, rect: QRectF) -> None: ...
    @abstractmethod
    def pending_boxes(
        self, rect: QRectF, top_grad: float
    ) -> Iterator[tuple[QColor, bool, QRectF]]: ...
    # scene_lazy / scene_groups (read by scene_bounds)
    @abstractmethod
    def pending_bounds(self) -> QRectF | None: ...
    @abstractmethod
    def groups_bounds(self) -> QRectF | None: ...
