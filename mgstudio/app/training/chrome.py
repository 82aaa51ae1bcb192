"""What training adds to the window's chrome: its actions, the Settings and Plots docks, the
toolbar and the Training menu (kept out of the controller, which runs the training)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QScrollArea, QToolBar

from ..icons import icon_size, set_icon
from ..window_layout import fixed_width, make_dock, text_beside

if TYPE_CHECKING:
    from .controller import TrainingController

ACTIONS = {  # name: (text, shortcut, icon (resources/icons, drawn in the text colour), tip)
    "train": (
        "&Train",
        "F5",
        "train",
        "Train the MLP, or this graph when a leaf is a feature (or resume a paused run); "
        "after a finished run, start over",
    ),
    "pause": ("&Pause", "F6", "pause", "Pause training (Train resumes)"),
    "step": ("S&tep", "F7", "train-step", "One SGD step, then pause"),
    "reset": ("&Reset", "F8", "reset", "Back to step 0: same seed, same data, fresh weights"),
    "show_network": (
        "Show &Network on Canvas",
        "Ctrl+Shift+M",
        "network",
        "Open the MLP as one expression graph for one sample; its numbers follow the training",
    ),
    "save_figure": ("Save &Figure…", "", "save", "Save the plots as PNG"),
    "train_graph": (
        "Train This &Graph",
        "",
        "train",
        "Train the document on the canvas (its feature leaves take the data, its other "
        "inputs are trained), even before any leaf is a feature",
    ),
    "edit_points": (
        "Draw &Points on the Map",
        "",
        "network",
        "Edit points on the decision-boundary map: click adds a point, Shift+click the "
        "other class, drag moves, right-click deletes",
    ),
    "edit_dataset": (
        "Edit &Dataset…",
        "",
        "training-settings",
        "The document's own samples: a table to type, paste or import, or a generator",
    ),
}
#: shorter names on the toolbar (the menu and the tooltips say it all)
TOOLBAR_TEXT = {"settings": "Settings", "show_network": "Network"}


def build(ctl: TrainingController) -> None:
    """Make the actions, docks, toolbar and menu of ``ctl`` (on its window)."""
    _actions(ctl)
    _docks(ctl)
    _toolbar(ctl)
    _menu(ctl)


def _actions(ctl) -> None:
    ctl.actions.clear()
    slots = {
        "train": ctl.train,
        "pause": ctl.pause,
        "step": ctl.step,
        "reset": ctl.reset,
        "show_network": ctl.show_network,
        "save_figure": ctl.plots.save_figure_dialog,
        "train_graph": ctl.train_graph_toggled,
        "edit_dataset": ctl.edit_dataset,
        "edit_points": ctl.point_editor.start_editing,
    }
    for name, (text, key, icon_name, tip) in ACTIONS.items():
        action = QAction(text, ctl.window.window())
        set_icon(action, icon_name)
        action.setObjectName(f"training_{name}")
        if key:
            action.setShortcut(QKeySequence(key))
            tip = f"{tip} ({key})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slots[name])
        ctl.actions[name] = action
    ctl.actions["train_graph"].setCheckable(True)


def _docks(ctl) -> None:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(ctl.panel)
    ctl.settings_dock, restored = _dock(ctl, "Training Settings", "training_settings_dock", scroll)
    ctl.plots_dock, restored2 = _dock(ctl, "Training Plots", "training_plots_dock", ctl.plots)
    if not (restored or restored2):
        # tabs in the right column: the form and the plots each need its height; the
        # plots on top, showing what will appear there (matplotlib loads when a run
        # starts, not at start-up)
        ctl.window.tabifyDockWidget(ctl.settings_dock, ctl.plots_dock)
        ctl.plots_dock.raise_()
        QTimer.singleShot(0, ctl, lambda: _raise_plots_once(ctl))  # tab bars are built later
    # not the dock's toggle: a tab behind another is "open" yet unseen; this brings it up
    settings = QAction("Training &Settings", ctl.window.window())
    set_icon(settings, "training-settings")
    settings.setObjectName("training_settings")
    settings.setToolTip("Show the training settings")
    settings.triggered.connect(ctl.show_settings)
    ctl.actions["settings"] = settings
    ctl.actions["plots"] = ctl.plots_dock.toggleViewAction()
    ctl.actions["plots"].setText("Training P&lots")


def _raise_plots_once(ctl) -> None:
    if not ctl.settings_dock.isVisible() or ctl.plots_dock.isVisible():
        return
    if ctl.window.tabifiedDockWidgets(ctl.plots_dock):
        ctl.plots_dock.raise_()


def _dock(ctl, title: str, name: str, widget) -> tuple[QDockWidget, bool]:
    """A dock where the window's saved state put it (True), else on the right, hidden."""
    return make_dock(
        ctl.window.window(), title, name, widget, Qt.DockWidgetArea.RightDockWidgetArea
    )


def _toolbar(ctl) -> None:
    tb = QToolBar("Training", ctl.window.window())
    tb.setObjectName("training_toolbar")
    tb.addAction(ctl.actions["settings"])
    tb.addSeparator()
    for name in ("train", "pause", "step", "reset"):
        tb.addAction(ctl.actions[name])
    tb.addSeparator()
    tb.addAction(ctl.actions["show_network"])
    tb.setIconSize(icon_size())
    for name, text in TOOLBAR_TEXT.items():
        ctl.actions[name].setIconText(text)
    for action in tb.actions():
        text_beside(tb, action)
    # a toggle keeps its width when Train becomes Resume: its neighbours never shift
    fixed_width(tb, ctl.actions["train"], ("Train", "Resume"))
    ctl.window.addToolBar(tb)
    ctl.toolbar = tb


def _menu(ctl) -> None:
    menu = ctl.window.menuBar().addMenu("T&raining")
    menu.setObjectName("training_menu")
    for name in ("train", "pause", "step", "reset"):
        menu.addAction(ctl.actions[name])
    menu.addSeparator()
    menu.addActions([ctl.actions["show_network"], ctl.actions["save_figure"]])
    menu.addSeparator()
    menu.addActions([ctl.actions[name] for name in ("train_graph", "edit_dataset", "edit_points")])
    menu.addSeparator()
    menu.addActions([ctl.actions["settings"], ctl.actions["plots"]])
    help_menu = ctl.window.menus.get("help")
    if help_menu is not None:  # keep Help last, where people look for it
        bar = ctl.window.menuBar()
        bar.removeAction(menu.menuAction())
        bar.insertMenu(help_menu.menuAction(), menu)
    ctl.menu = menu
