"""Neuron heatmaps: each collapsed neuron of a two-input network shows its output over the input
plane, as TF Playground draws its neurons (orange negative, white 0, blue positive).

The numbers come from ``mgstudio.training.neuron_maps`` (the document's graph compiled once,
replayed over a grid); here they become ``QImage``s and reach the canvas through
``CanvasScene.set_group_pictures({group id: QImage})``. The work runs off the GUI thread in the
window's background tasks, at most every ``MIN_INTERVAL_MS`` while the numbers change (during
training the weights change many times a second), and never more than one computation at a
time: a change that arrives while one runs is remembered once and served when it ends.

Which leaves are x1 and x2: the training's network (its ``input_ids``) when the document is the
one the training shows, else two leaves labelled ``x1`` and ``x2`` outside every group. The
plane: the training dataset's extent (the decision-boundary plot's), else ``DEFAULT_EXTENT``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QImage

from mgstudio.document import Document
from mgstudio.document.group_geometry import HEATMAP_SIZE
from mgstudio.training.neuron_maps import (
    Frame,
    Grid,
    NeuronMapError,
    NeuronMaps,
    grid_over,
    square_grid,
)

from ..background import BackgroundTasks, Task, tasks_for
from ..settings import StudioSettings

if TYPE_CHECKING:
    from ..host import WindowHost
    from .controller import TrainingController

#: at most this often a new map starts (4 a second: the pictures follow training smoothly
#: enough, and the worker leaves the training thread most of the cores)
MIN_INTERVAL_MS = 250
#: one grid point per pixel of the canvas' heatmap
GRID_SIZE = int(HEATMAP_SIZE)
#: TF Playground's colours: orange for -1, blue for +1; white at 0; grey where not finite
NEGATIVE = np.array([245, 147, 34], dtype=np.float64)
POSITIVE = np.array([8, 119, 189], dtype=np.float64)
ZERO = np.array([255, 255, 255], dtype=np.float64)
NOT_FINITE = (158, 158, 158)
#: activations with a range of their own are drawn on it; the others are scaled per neuron
FIXED_SCALE = {"tanh": 1.0}
#: the document events after which the pictures may be out of date
_EDIT_EVENTS = (
    "values_changed",
    "groups_changed",
    "node_added",
    "node_removed",
    "wire_added",
    "wire_removed",
)


# --- numbers -> pixels (no thread of its own: the worker calls these) ---------------------------
#: colour steps on each side of 0: one per 8-bit step of the widest channel ramp
LEVELS = 255


def _colour_table() -> np.ndarray:
    """ARGB32 words (``0xAARRGGBB``, native order, as QImage reads them) for ``-LEVELS ..
    LEVELS`` steps from orange through white to blue, then one for values that are not
    finite."""
    t = np.linspace(-1.0, 1.0, 2 * LEVELS + 1)[:, None]
    ends = np.where(t < 0, NEGATIVE, POSITIVE)
    rgb = np.rint(ZERO + (ends - ZERO) * np.abs(t)).astype(np.uint32)
    grey = np.array([NOT_FINITE], dtype=np.uint32)
    rgb = np.vstack([rgb, grey])
    return (0xFF000000 | rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).astype(np.uint32)


COLOUR_TABLE = _colour_table()


def scale_for(values: np.ndarray, kind: str) -> float:
    """The magnitude drawn at full colour: the activation's own range, else the neuron's
    largest finite |value| over the grid (0 for a neuron that is 0 everywhere)."""
    fixed = FIXED_SCALE.get(kind)
    if fixed is not None:
        return fixed
    finite = values[np.isfinite(values)]
    return float(np.abs(finite).max()) if finite.size else 0.0


def colours(values: np.ndarray, scale: float | np.ndarray) -> np.ndarray:
    """ARGB32 words shaped like ``values``: white at 0, orange towards ``-scale``, blue
    towards ``+scale`` (clipped beyond), grey where not finite. ``scale`` broadcasts (one per
    map of a stack); a scale of 0 draws white."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    s = np.asarray(scale, dtype=np.float64)
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    t = np.clip(np.where(ok, v, 0.0) * inv, -1.0, 1.0)
    index = np.rint(t * LEVELS).astype(np.intp) + LEVELS
    index[~ok] = len(COLOUR_TABLE) - 1
    return COLOUR_TABLE[index]


def _image(words: np.ndarray) -> QImage:
    words = np.ascontiguousarray(words, dtype=np.uint32)
    rows, cols = words.shape
    image = QImage(words.data, cols, rows, cols * 4, QImage.Format.Format_ARGB32)
    return image.copy()  # own the pixels: the array goes away after this call


def to_image(values: np.ndarray, kind: str) -> QImage:
    """One neuron's map as a ``cols`` x ``rows`` image (row 0 at the top)."""
    return _image(colours(values, scale_for(values, kind)))


def render(maps: dict[str, np.ndarray], frame: Frame) -> dict[str, QImage]:
    """Every map of a frame as an image, coloured in one pass over the stack."""
    if not maps:
        return {}
    kinds = dict(zip(frame.groups, frame.kinds))
    gids = list(maps)
    stack = np.stack([maps[g] for g in gids])
    scales = np.array([scale_for(stack[i], kinds[g]) for i, g in enumerate(gids)])
    words = colours(stack, scales[:, None, None])
    return {g: _image(words[i]) for i, g in enumerate(gids)}


_MORE_INPUTS = re.compile(r"x([3-9]|[1-9][0-9]+)")


def find_inputs(doc: Document) -> tuple[str, str] | None:
    """Two leaves labelled x1 and x2 that belong to no group (a network built by hand or
    read from a file), or None; also None beside an x3, x4 ...: a picture over the plane of
    two inputs would be a slice of a network of more, at the others' current values."""
    found: dict[str, str] = {}
    for nid, node in doc.nodes.items():
        if (
            node.value is not None
            and _MORE_INPUTS.fullmatch(node.label)
            and doc.groups.group_of(nid) is None
        ):
            return None
        if node.label in ("x1", "x2") and node.value is not None:
            if doc.groups.group_of(nid) is None:
                if node.label in found:
                    return None  # two of one name: which one is meant is not ours to guess
                found[node.label] = nid
    if len(found) != 2:
        return None
    return found["x1"], found["x2"]


class NeuronHeatmaps(QObject):
    """Keeps the canvas' neuron pictures in step with the window's document.

    ``scene`` (tests: a recorder) receives the pictures; by default the window's canvas scene,
    which can show them once it has ``set_group_pictures`` (helper B2's canvas work; until then
    nothing is computed for it). ``controller`` is the training, if installed: its network's
    inputs and its dataset's extent."""

    #: View ▸ Neuron Heatmaps (set by ``install_heatmaps``)
    action: QAction | None = None

    def __init__(
        self,
        window: WindowHost,
        controller: TrainingController | None = None,
        scene: Any = None,
        interval_ms: int = MIN_INTERVAL_MS,
        settings: StudioSettings | None = None,
        tasks: BackgroundTasks | None = None,
    ):
        super().__init__(controller if controller is not None else window.window())
        self.window = window
        self.controller = controller
        self.settings = settings if settings is not None else StudioSettings()
        self.tasks = tasks if tasks is not None else tasks_for(window.window())
        self.interval_ms = interval_ms
        self.maps = NeuronMaps()
        self.enabled = self.settings.neuron_heatmaps()
        #: the pictures on show (group id -> image), the maps they show, and what those were
        #: computed from
        self.pictures: dict[str, QImage] = {}
        self.values: dict[str, np.ndarray] = {}
        self._shown: tuple | None = None
        #: why the document has no pictures ('' when it has them or needs none)
        self.problem = ""
        #: counts for tests: maps started, delivered, skipped as unchanged; the most that
        #: were ever in flight at once
        self.started = self.delivered = self.unchanged = 0
        self.in_flight = self.max_in_flight = 0
        self._scene = scene
        self._task: Task | None = None
        self._pending = False
        self._last_start = -1e9
        self._doc: Document | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.request)
        window.file_changed.connect(self._follow_document)
        if controller is not None:
            controller.state_changed.connect(self._on_training_state)
        self._follow_document()

    # --- what the pictures are for -------------------------------------------------------------
    def scene(self) -> Any:
        return self._scene if self._scene is not None else self.window.canvas.canvas_scene

    def can_show(self) -> bool:
        """Whether the scene draws pictures (the canvas does once B2's
        ``CanvasScene.set_group_pictures`` is merged)."""
        return hasattr(self.scene(), "set_group_pictures")

    def _deliver(self, pictures: dict[str, QImage]) -> bool:
        show = getattr(self.scene(), "set_group_pictures", None)
        if show is None:
            return False
        show(pictures)
        return True

    def _inputs(self, doc: Document) -> tuple[str, str] | None:
        ctl = self.controller
        sync = ctl.sync if ctl is not None else None
        if sync is not None and sync.net.document is doc and len(sync.net.input_ids) == 2:
            a, b = sync.net.input_ids
            return a, b
        return find_inputs(doc)

    def grid(self) -> Grid:
        """The plane the maps cover: the training dataset's (with the decision-boundary
        plot's margin) when it has two inputs, else ``DEFAULT_EXTENT``."""
        trainer = self.controller.trainer if self.controller is not None else None
        if trainer is not None and trainer.dataset.n_inputs == 2:
            return grid_over(trainer.dataset.X, size=GRID_SIZE)
        return square_grid(size=GRID_SIZE)

    @property
    def idle(self) -> bool:
        """Nothing computing, waiting for the interval, or remembered for later."""
        return self._task is None and not self._pending and not self._timer.isActive()

    # --- switching ---------------------------------------------------------------------------
    def set_enabled(self, on: bool) -> None:
        """Show (and compute) the pictures or not; remembered for the next start."""
        on = bool(on)
        self.settings.set_neuron_heatmaps(on)
        if on == self.enabled:
            return
        self.enabled = on
        if on:
            self.request()
        else:
            self._timer.stop()
            self._pending = False
            self._clear()

    def _clear(self) -> None:
        self._shown = None
        self.values = {}
        if self.pictures:
            self.pictures = {}
            self._deliver({})

    def _follow_document(self, *_args: object) -> None:
        doc = self.window.document
        if doc is self._doc:
            return
        if self._doc is not None:
            for name in _EDIT_EVENTS:
                getattr(self._doc.events, name).disconnect(self._on_edit)
        self._doc = doc
        for name in _EDIT_EVENTS:
            getattr(doc.events, name).connect(self._on_edit)
        if self._task is not None:
            self._task.cancel()  # its pictures are the old document's: dropped when it ends
        self.problem = ""
        self._clear()
        self.request()

    def _on_edit(self, *_args: object) -> None:
        self.request()

    def _on_training_state(self, _state: str) -> None:
        self.request()  # a new trainer may bring another dataset, so another plane

    # --- scheduling ----------------------------------------------------------------------------
    def request(self) -> None:
        """The pictures may be out of date: compute them now, or when the interval has passed,
        or when the computation in flight ends (one request is remembered, not a queue)."""
        if not self.enabled or self._doc is None:
            return
        if self._task is not None:
            self._pending = True
            return
        wait_ms = self.interval_ms - (time.monotonic() - self._last_start) * 1000.0
        if wait_ms > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait_ms) + 1)
            return
        self._start()

    def _start(self) -> None:
        self._pending = False
        doc = self._doc
        if doc is None or not self.can_show():
            return
        has_neurons = any(g.kind == "neuron" for g in doc.groups)
        inputs = self._inputs(doc) if has_neurons else None
        if inputs is None:
            self._clear()
            return
        try:
            frame = self.maps.prepare(doc, inputs)
            grid = self.grid()
        except NeuronMapError as exc:
            self.problem = str(exc)
            self._clear()
            return
        self.problem = ""
        if not frame.groups:  # no neuron (or none complete): nothing to draw
            self._clear()
            return
        stamp = (frame.key, frame.data.tobytes(), grid.extent, grid.shape)
        if stamp == self._shown:
            self.unchanged += 1  # a grad or a label changed: the maps did not
            return
        self._last_start = time.monotonic()
        maps = self.maps

        def job(progress: Callable[[int, int], None]) -> tuple[dict, dict[str, QImage]]:
            progress(0, 0)  # a cancelled map stops here
            values = maps.run(frame, grid)
            progress(1, 2)
            return values, render(values, frame)

        self.started += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        task = self.tasks.run(
            "Neuron heatmaps",
            job,
            on_done=lambda result: self._arrived(doc, stamp, *result),
            on_failed=self._failed,
            dialog=False,
        )
        if not task.running:  # the window is closing: nothing was started
            self.in_flight -= 1
            return
        self._task = task
        task.ended.connect(self._ended)

    def _arrived(
        self,
        doc: Document,
        stamp: tuple,
        values: dict[str, np.ndarray],
        pictures: dict[str, QImage],
    ) -> None:
        if doc is not self._doc or not self.enabled:
            return
        self._shown = stamp
        self.values, self.pictures = values, pictures
        if self._deliver(pictures):
            self.delivered += 1

    def _failed(self, message: str) -> None:
        self.problem = f"the neuron heatmaps failed: {message}"
        self.window.show_message(self.problem)

    def _ended(self, _state: str) -> None:
        self._task = None
        self.in_flight -= 1
        if self._pending:
            self.request()


def heatmaps_action(service: NeuronHeatmaps, parent: QObject) -> QAction:
    """View ▸ Neuron Heatmaps: checkable, in step with the service (and its setting)."""
    action = QAction("Neuron &Heatmaps", parent)
    action.setObjectName("view_neuron_heatmaps")
    action.setCheckable(True)
    action.setChecked(service.enabled)
    tip = "Collapsed neurons of a two-input network show their output over the input plane"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.toggled.connect(service.set_enabled)
    return action


def install_heatmaps(
    window: WindowHost, controller: TrainingController | None = None
) -> NeuronHeatmaps:
    """The heatmap service of ``window`` and its toggle at the end of the View menu (and in
    ``controller.actions["heatmaps"]``, for the training's own chrome). A canvas that cannot
    draw pictures gets no toggle: a switch that changes nothing is not offered."""
    service = NeuronHeatmaps(window, controller)
    action = heatmaps_action(service, window.window())
    action.setVisible(service.can_show())
    view = window.menus.get("view")
    if view is not None:
        view.addSeparator()
        view.addAction(action)
    if controller is not None:
        controller.actions["heatmaps"] = action
    service.action = action
    return service
