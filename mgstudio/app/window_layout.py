"""The studio window's arrangement: its docks, its grouped toolbars, its size on the screen, and
the layout a learner leaves behind, saved and restored the way Qt documents it.

Why the layout is restored at the first show and not when the window is built: the learning
tools and training add their docks and toolbars after the window exists, and
``restoreState`` places only docks that exist. Docks put back one by one with
``restoreDockWidget`` into a maximized window that was not shown yet piled up in its top-left
corner, over the menus (issue 12, item 1). So the launcher installs everything first and the
first show restores the geometry, then the state, in one go (Qt keeps a maximized window's
state until the window has its maximized size). What was restored is then checked once the
window has its size on screen: a layout that leaves docks off-screen, lays them over the canvas
or squeezes the canvas is dropped for the default one (View ▸ Reset Layout does the same).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QToolBar,
    QToolButton,
    QWidget,
)

from .icons import icon_size

#: saved layouts of another version are not restored (bump when docks or toolbars change)
STATE_VERSION = 2
DEFAULT_SIZE = QSize(1280, 800)
#: room left around a first-start window on small screens (frame and title bar)
SCREEN_MARGIN = QSize(32, 64)
PALETTE_WIDTH = 160
SIDE_WIDTH = 360  # the right column (training plots and settings, lessons)
SIDE_SHARE = 0.27  # ... but at most this share of the window's width
BOTTOM_SHARE = 0.31  # the panels under the canvas: this share of the window's height
INSPECTOR_SHARE = 0.42  # the inspector's share of the bottom row
MIN_CANVAS = QSize(240, 140)
CHECK_DELAY_MS = 400  # after the first show: the window manager has placed the window

Area = Qt.DockWidgetArea
TOP = Qt.ToolBarArea.TopToolBarArea

#: toolbars in the order they are laid out, left to right, a new row when one is full
TOOLBAR_ORDER = (
    "file_toolbar",
    "view_toolbar",
    "graph_toolbar",
    "training_toolbar",
    "learn_expression_toolbar",
)
#: the window's own toolbars: (object name, title, actions; None is a separator)
GROUPS = (
    ("file_toolbar", "File", ("new", "open", "save", None, "undo", "redo")),
    ("view_toolbar", "View", ("zoom_in", "zoom_out", "fit", "arrange")),
    ("graph_toolbar", "Graph", ("insert_neuron", None, "backward", "zero_grad", "step_all")),
)
#: the lesson's verbs carry their names on the toolbar
TEXT_BESIDE = ("backward", "zero_grad", "step_all")


# --- construction -----------------------------------------------------------------------------
def make_dock(
    window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea
) -> tuple[QDockWidget, bool]:
    """A dock holding ``widget``: where the window's restored layout put it (True), else added
    in ``area`` (False). Every dock is made here: the window's own (made before its layout is
    restored, so always added) and the tools' (made after: Qt keeps their part of the saved
    state for ``restoreDockWidget``)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)  # saveState/restoreState find docks by name
    dock.setWidget(widget)
    if window.restoreDockWidget(dock):
        return dock, True
    window.addDockWidget(area, dock)
    return dock, False


def add_dock(
    window: QMainWindow, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea
) -> QDockWidget:
    return make_dock(window, title, name, widget, area)[0]


def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: its dock keeps the size the layout gives it when
    the content grows (the inspector's fields appear at the first click on a node, which
    otherwise grew the dock and shifted the canvas), and scrolls on a small screen."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area


def build_docks(window) -> None:
    """The window's own docks: the palette on the left, the inspector and the backward table
    under the canvas (graphs grow sideways, so width goes to the canvas), the undo history
    hidden. The right column takes the bottom-right corner: training's plots get the height
    they need and the bottom panels stop short of them."""
    window.setDockNestingEnabled(True)
    window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
    window.palette_dock = add_dock(
        window, "Nodes", "palette_dock", window.palette_widget, Area.LeftDockWidgetArea
    )
    window.inspector_dock = add_dock(
        window,
        "Inspector",
        "inspector_dock",
        _scrolled(window.inspector),
        Area.BottomDockWidgetArea,
    )
    window.backward_dock = add_dock(
        window, "Backward", "backward_dock", window.backward_panel, Area.BottomDockWidgetArea
    )
    window.splitDockWidget(window.inspector_dock, window.backward_dock, Qt.Orientation.Horizontal)
    window.undo_dock = add_dock(
        window, "Undo History", "undo_dock", window.undo_view, Area.LeftDockWidgetArea
    )
    window.undo_dock.hide()


def build_toolbars(window: QMainWindow, actions: dict[str, QAction]) -> dict[str, QToolBar]:
    """File, View and Graph toolbars (small groups that share rows as the width allows)."""
    actions["zero_grad"].setIconText("Zero grad")
    # short on the toolbar, and not "Step": that is the training step beside it
    actions["step_all"].setIconText("Step leaves")
    bars = {}
    for name, title, members in GROUPS:
        tb = QToolBar(title, window)
        tb.setObjectName(name)
        tb.setIconSize(icon_size())
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for member in members:
            if member is None:
                tb.addSeparator()
                continue
            tb.addAction(actions[member])
            if member in TEXT_BESIDE:
                text_beside(tb, actions[member])
        window.addToolBar(TOP, tb)
        bars[name] = tb
    return bars


def text_beside(toolbar: QToolBar, action: QAction) -> QToolButton | None:
    button = toolbar.widgetForAction(action)
    if isinstance(button, QToolButton):
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button
    return None


def fixed_width(toolbar: QToolBar, action: QAction, texts) -> int:
    """Give ``action``'s button the width of its widest text, so that a toggle such as
    Train/Resume never shifts its neighbours; returns that width."""
    button = toolbar.widgetForAction(action)
    if not isinstance(button, QToolButton):
        return 0
    shown = action.iconText()
    widths = []
    for text in texts:
        action.setIconText(text)
        widths.append(button.sizeHint().width())
    action.setIconText(shown if shown != action.text().replace("&", "") else "")
    width = max(widths)
    button.setFixedWidth(width)
    return width


# --- sizes ------------------------------------------------------------------------------------
def available_geometry(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


def default_size(window: QWidget) -> QSize:
    """1280x800, or less on a smaller screen: a first start never opens partly off-screen."""
    avail = available_geometry(window).size() - SCREEN_MARGIN
    return DEFAULT_SIZE.boundedTo(avail).expandedTo(QSize(640, 480))


def place_default(window: QWidget) -> None:
    """The default size, centred on the available part of the screen."""
    size = default_size(window)
    window.resize(size)
    avail = available_geometry(window)
    window.move(
        avail.x() + max(0, (avail.width() - size.width()) // 2),
        avail.y() + max(0, (avail.height() - size.height() - 30) // 2),
    )


def flow_toolbars(window: QMainWindow, width: int | None = None) -> int:
    """Lay the top toolbars out in ``TOOLBAR_ORDER``, starting a new row where the next one
    would not fit ``width`` (the window's); returns the number of rows."""
    width = window.width() if width is None else width
    known = {
        tb.objectName(): tb
        for tb in window.findChildren(QToolBar)
        if window.toolBarArea(tb) == TOP and tb.parent() is window
    }
    bars = [known.pop(name) for name in TOOLBAR_ORDER if name in known]
    bars += sorted(known.values(), key=lambda tb: tb.objectName())
    for tb in bars:
        window.removeToolBarBreak(tb)
        window.addToolBar(TOP, tb)  # moves it to the end of the row, in order
    rows, used = 1, 0
    for tb in bars:
        if tb.isHidden():
            continue
        w = tb.sizeHint().width() + 8
        if used and used + w > width:
            window.insertToolBarBreak(tb)
            rows, used = rows + 1, 0
        used += w
    return rows


def apply_default_sizes(window: QMainWindow) -> None:
    """Dock sizes for the window's current size (the palette narrow, the panels under the
    canvas about a third of the height, the right column about a third of the width)."""
    w, h = window.width(), window.height()
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical

    def shown(name: str, area) -> QDockWidget | None:
        dock = docks.get(name)
        if dock is None or dock.isHidden() or dock.isFloating():
            return None
        return dock if window.dockWidgetArea(dock) == area else None

    palette = shown("palette_dock", Area.LeftDockWidgetArea)
    if palette is not None:
        window.resizeDocks([palette], [PALETTE_WIDTH], H)
    side = [
        d
        for d in docks.values()
        if not d.isHidden()
        and not d.isFloating()
        and window.dockWidgetArea(d) == Area.RightDockWidgetArea
    ]
    side_width = min(SIDE_WIDTH, int(w * SIDE_SHARE)) if side else 0
    if side:
        window.resizeDocks(side[:1], [side_width], H)
    inspector = shown("inspector_dock", Area.BottomDockWidgetArea)
    backward = shown("backward_dock", Area.BottomDockWidgetArea)
    bottom = int(h * BOTTOM_SHARE)
    row = max(w - side_width, 400)
    if inspector is not None and backward is not None:
        share = int(row * INSPECTOR_SHARE)
        window.resizeDocks([inspector, backward], [share, row - share], H)
    for dock in (inspector, backward):
        if dock is not None:
            window.resizeDocks([dock], [bottom], V)
            break


# --- checking a layout ------------------------------------------------------------------------
def layout_problems(window: QMainWindow) -> list[str]:
    """What is wrong with the window's layout as shown: docks off-screen, outside the window,
    over the canvas or the menus, or a canvas squeezed to nothing. Empty when it is fine."""
    problems = []
    screens = [s.availableGeometry() for s in QGuiApplication.screens()]

    def on_screen(rect: QRect) -> bool:
        return any(
            rect.intersected(s).width() >= min(80, rect.width())
            and rect.intersected(s).height() >= min(40, rect.height())
            for s in screens
        )

    if not on_screen(window.frameGeometry()):
        problems.append("the window is off-screen")
    central = window.centralWidget()
    canvas = central.geometry() if central is not None else QRect()
    if canvas.width() < MIN_CANVAS.width() or canvas.height() < MIN_CANVAS.height():
        problems.append(f"the canvas is squeezed to {canvas.width()}x{canvas.height()}")
    menu = window.menuBar().geometry() if window.menuBar().isVisible() else QRect()
    inside = window.rect()
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisible():
            continue
        name = dock.windowTitle() or dock.objectName()
        if dock.isFloating() or dock.window() is not window:
            if not on_screen(dock.window().frameGeometry()):
                problems.append(f"{name} is off-screen")
            continue
        g = dock.geometry()
        if window.tabifiedDockWidgets(dock) and not g.intersects(inside):
            continue  # a tab behind another: Qt parks it out of sight, still "visible"
        if window.dockWidgetArea(dock) == Area.NoDockWidgetArea:
            problems.append(f"{name} is in no dock area")
        elif not inside.contains(g):
            problems.append(f"{name} is outside the window")
        elif g.intersects(canvas):
            problems.append(f"{name} lies over the canvas")
        elif menu.isValid() and g.intersects(menu):
            problems.append(f"{name} lies over the menus")
    for tb in window.findChildren(QToolBar):
        if (
            tb.isVisible()
            and tb.parent() is window
            and not tb.isFloating()
            and tb.geometry().intersects(canvas)
        ):
            problems.append(f"the {tb.windowTitle()} toolbar lies over the canvas")
    return problems


# --- the keeper -------------------------------------------------------------------------------
class WindowLayout(QObject):
    """Restores, checks, saves and resets one window's layout (kept as ``window.layout_keeper``).

    ``restore`` runs once, just before the window is first shown (``MainWindow.setVisible``);
    the default layout of that moment (every plugin's docks included) is what Reset Layout
    goes back to."""

    #: the layout was reset: the reason (a saved layout failed its check, or the user asked)
    was_reset = Signal(str)

    def __init__(self, window: QMainWindow, settings):
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.restored = False
        #: whether the layout on screen came from the settings (it is checked after the show)
        self.from_settings = False
        self.default_state: QByteArray | None = None
        self.problems: list[str] = []
        self._checked = False
        window.installEventFilter(self)

    def restore(self) -> bool:
        """The saved geometry, then the saved dock and toolbar state (once; before the first
        show). Returns whether a saved state was applied."""
        if self.restored:
            return self.from_settings
        self.restored = True
        w = self.window
        flow_toolbars(w)
        apply_default_sizes(w)
        self.default_state = w.saveState(STATE_VERSION)
        geometry = self.settings.geometry()
        if geometry is not None and not w.restoreGeometry(geometry):
            place_default(w)
        state = self.settings.window_state()
        self.from_settings = state is not None and w.restoreState(state, STATE_VERSION)
        return self.from_settings

    def check(self) -> list[str]:
        """Drop a restored layout that does not fit (see ``layout_problems``)."""
        self._checked = True
        self.problems = layout_problems(self.window)
        if self.problems and self.from_settings:
            self.reset(
                f"The saved window layout did not fit ({self.problems[0]}): "
                "back to the default layout"
            )
        return self.problems

    def reset(self, reason: str = "Window layout reset") -> None:
        """Every dock and toolbar back where a first start puts them (View ▸ Reset Layout)."""
        w = self.window
        if self.default_state is not None:
            w.restoreState(self.default_state, STATE_VERSION)
        if not (w.isMaximized() or w.isFullScreen()):
            avail = available_geometry(w)
            if w.width() > avail.width() or w.height() > avail.height():
                place_default(w)
        flow_toolbars(w)
        apply_default_sizes(w)
        self.from_settings = False
        self.settings.forget_window()
        self.was_reset.emit(reason)

    def save(self) -> None:
        w = self.window
        self.settings.save_window(w.saveGeometry(), w.saveState(STATE_VERSION))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Show and not self._checked:
            self._checked = True
            QTimer.singleShot(CHECK_DELAY_MS, self, self.check)
        return False
