"""The window's actions in one table: name, menu text, shortcut, icon and tooltip.

Shortcuts are Qt's standard key sequences where one exists, so they match the platform
(Ctrl+S here, ⌘S on macOS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from mgstudio.words import QT_TRANSLATE_NOOP, translate

from .i18n import live
from .icons import icon, set_icon

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class Spec:
    text: str
    shortcut: Std | str | tuple = ()
    icon: str = ""
    tip: str = ""


SPECS: dict[str, Spec] = {
    "new": Spec(
        QT_TRANSLATE_NOOP("Actions", "&New"),
        Std.New,
        "new",
        QT_TRANSLATE_NOOP("Actions", "Start an empty graph"),
    ),
    "open": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Open…"),
        Std.Open,
        "open",
        QT_TRANSLATE_NOOP("Actions", "Open a .mgs document"),
    ),
    "save": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Save"),
        Std.Save,
        "save",
        QT_TRANSLATE_NOOP("Actions", "Save the graph"),
    ),
    "save_as": Spec(
        QT_TRANSLATE_NOOP("Actions", "Save &As…"),
        Std.SaveAs,
        "",
        QT_TRANSLATE_NOOP("Actions", "Save the graph under a new name"),
    ),
    "import_code": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Import micrograd code…"),
        "Ctrl+I",
        "",
        QT_TRANSLATE_NOOP(
            "Actions",
            "Turn a micrograd program into a graph (interpreted safely, never run by Python)",
        ),
    ),
    "export_svg": Spec(
        QT_TRANSLATE_NOOP("Actions", "&SVG…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Save a picture of the graph as SVG"),
    ),
    "export_png": Spec(
        QT_TRANSLATE_NOOP("Actions", "&PNG…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Save a picture of the graph as PNG"),
    ),
    "export_micrograd": Spec(
        QT_TRANSLATE_NOOP("Actions", "&micrograd…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Save the graph as micrograd Python code"),
    ),
    "export_torch": Spec(
        QT_TRANSLATE_NOOP("Actions", "&PyTorch…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Save the graph as PyTorch code"),
    ),
    "export_torch_module": Spec(
        QT_TRANSLATE_NOOP("Actions", "PyTorch m&odule…"),
        "",
        "",
        QT_TRANSLATE_NOOP(
            "Actions",
            "Save the trained graph as a PyTorch nn.Module with the loop that replays its run",
        ),
    ),
    # platforms without a theme plugin bind no key to Quit: Ctrl+Q is the common one
    "quit": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Quit"),
        (Std.Quit, "Ctrl+Q"),
        "",
        QT_TRANSLATE_NOOP("Actions", "Close mgstudio"),
    ),
    "cut": Spec(
        QT_TRANSLATE_NOOP("Actions", "Cu&t"),
        Std.Cut,
        "",
        QT_TRANSLATE_NOOP("Actions", "Cut the selected nodes"),
    ),
    "copy": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Copy"),
        Std.Copy,
        "",
        QT_TRANSLATE_NOOP("Actions", "Copy the selected nodes"),
    ),
    "paste": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Paste"),
        Std.Paste,
        "",
        QT_TRANSLATE_NOOP("Actions", "Paste nodes"),
    ),
    "duplicate": Spec(
        QT_TRANSLATE_NOOP("Actions", "D&uplicate"),
        "Ctrl+D",
        "",
        QT_TRANSLATE_NOOP("Actions", "Duplicate the selected nodes"),
    ),
    "delete": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Delete"),
        Std.Delete,
        "",
        QT_TRANSLATE_NOOP("Actions", "Delete the selected nodes and wires"),
    ),
    "select_all": Spec(
        QT_TRANSLATE_NOOP("Actions", "Select &All"),
        Std.SelectAll,
        "",
        QT_TRANSLATE_NOOP("Actions", "Select every node"),
    ),
    "zoom_in": Spec(
        QT_TRANSLATE_NOOP("Actions", "Zoom &In"),
        Std.ZoomIn,
        "zoom-in",
        QT_TRANSLATE_NOOP("Actions", "Zoom in"),
    ),
    "zoom_out": Spec(
        QT_TRANSLATE_NOOP("Actions", "Zoom &Out"),
        Std.ZoomOut,
        "zoom-out",
        QT_TRANSLATE_NOOP("Actions", "Zoom out"),
    ),
    "fit": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Fit Graph"),
        "Ctrl+0",
        "zoom-fit",
        QT_TRANSLATE_NOOP("Actions", "Show the whole graph"),
    ),
    "zoom_actual": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Actual Size"),
        "Ctrl+1",
        "",
        QT_TRANSLATE_NOOP("Actions", "Show the graph at 100 %"),
    ),
    "arrange": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Auto-arrange"),
        "Ctrl+L",
        "arrange",
        QT_TRANSLATE_NOOP("Actions", "Lay the graph out left to right"),
    ),
    "quick_add": Spec(
        QT_TRANSLATE_NOOP("Actions", "Add &Node…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Search node kinds (Tab on the canvas)"),
    ),
    "insert_neuron": Spec(
        QT_TRANSLATE_NOOP("Actions", "Insert &Neuron…"),
        "Ctrl+Shift+N",
        "neuron",
        QT_TRANSLATE_NOOP("Actions", "Insert the lecture's neuron: x·w + b through an activation"),
    ),
    # Ctrl+G and Ctrl+Shift+G are the walkthrough's Step Along Gradient and Step All Leaves
    # (lesson 4 names them), so grouping takes Ctrl+Alt+G and Ctrl+Alt+Shift+G
    "group": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Group Selection"),
        "Ctrl+Alt+G",
        "group",
        QT_TRANSLATE_NOOP(
            "Actions", "Put the selected nodes in a group (name it with Rename Group…)"
        ),
    ),
    "ungroup": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Ungroup"),
        "Ctrl+Alt+Shift+G",
        "ungroup",
        QT_TRANSLATE_NOOP("Actions", "Dissolve the selected group; its nodes stay where they are"),
    ),
    "toggle_group": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Collapse/Expand Group"),
        "Ctrl+.",
        "collapse-group",
        QT_TRANSLATE_NOOP(
            "Actions", "Show the selected group as one block, or open the block again"
        ),
    ),
    "rename_group": Spec(
        QT_TRANSLATE_NOOP("Actions", "Rena&me Group…"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Give the selected group a name"),
    ),
    "backward": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Backward"),
        ("Ctrl+B", "Ctrl+Return"),
        "backward",
        QT_TRANSLATE_NOOP("Actions", "Zero every grad, then backpropagate from the output"),
    ),
    "zero_grad": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Zero Grad"),
        "Ctrl+Shift+B",
        "zero-grad",
        QT_TRANSLATE_NOOP("Actions", "Set every grad to 0"),
    ),
    # not plain + and -: typed on the canvas they open the quick-add search for an operation
    "nudge_up": Spec(
        QT_TRANSLATE_NOOP("Actions", "Nudge &Up"),
        "]",
        "",
        QT_TRANSLATE_NOOP("Actions", "Increase the selected leaf by the step (+ in the inspector)"),
    ),
    "nudge_down": Spec(
        QT_TRANSLATE_NOOP("Actions", "Nudge &Down"),
        "[",
        "",
        QT_TRANSLATE_NOOP("Actions", "Decrease the selected leaf by the step (- in the inspector)"),
    ),
    # the same name as the inspector's button, with the same meaning: the selected leaves
    "step_selected": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Step Along Gradient"),
        "Ctrl+G",
        "",
        QT_TRANSLATE_NOOP("Actions", "data += step × grad for the selected leaves"),
    ),
    "step_all": Spec(
        QT_TRANSLATE_NOOP("Actions", "Step &All Leaves"),
        "Ctrl+Shift+G",
        "step",
        QT_TRANSLATE_NOOP(
            "Actions", "data += step × grad for every leaf of the output (the lecture's step)"
        ),
    ),
    "reset_layout": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Reset Layout"),
        "",
        "",
        QT_TRANSLATE_NOOP(
            "Actions", "Put every panel and toolbar back where a first start puts them"
        ),
    ),
    # Practice (mgstudio/app/practice): no shortcuts of their own, the session's keys are
    # the panel's (Enter, Tab, F1, Esc)
    "practice_grads": Spec(
        QT_TRANSLATE_NOOP("Actions", "Predict &Gradients"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Hide the grads; type each one, output first, checked"),
    ),
    "practice_grads_selection": Spec(
        QT_TRANSLATE_NOOP("Actions", "Predict Gradients of &Selection"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "The same, for the selected nodes only"),
    ),
    "practice_two_part": Spec(
        QT_TRANSLATE_NOOP("Actions", "Predict Gradients in &Two Steps"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Type each local derivative, then the grad"),
    ),
    "practice_forward": Spec(
        QT_TRANSLATE_NOOP("Actions", "Predict &Forward Values"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Hide the data; type each node's value, inputs first"),
    ),
    "practice_signs": Spec(
        QT_TRANSLATE_NOOP("Actions", "&Which Way?"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Nudge a leaf up: does the output go up, down or stay?"),
    ),
    "replay_add_twice": Spec(
        QT_TRANSLATE_NOOP("Actions", "&b = a + a: = instead of +="),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Wrong a.grad 1, right 2"),
    ),
    "replay_zero_grad": Spec(
        QT_TRANSLATE_NOOP("Actions", "Forgetting &zero_grad"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Two loss curves: without and with zero_grad"),
    ),
    "replay_backward_twice": Spec(
        QT_TRANSLATE_NOOP("Actions", "backward() &Twice"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Grads pile up when backward runs again without zeroing"),
    ),
    "replay_recursion": Spec(
        QT_TRANSLATE_NOOP("Actions", "A Naive &Recursive Backward"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "Why backward walks in topological order"),
    ),
    "replay_output_or_input": Spec(
        QT_TRANSLATE_NOOP("Actions", "tanh/exp: &Output or Input?"),
        "",
        "",
        QT_TRANSLATE_NOOP("Actions", "A backward rule using the input by mistake"),
    ),
    "about": Spec(QT_TRANSLATE_NOOP("Actions", "&About mgstudio"), "", "", ""),
    "about_qt": Spec(QT_TRANSLATE_NOOP("Actions", "About &Qt"), "", "", ""),
}


#: icons of actions made elsewhere (the undo stack makes Undo and Redo)
EXTRA_ICONS = {"undo": "undo", "redo": "redo"}


def make_actions(parent: QWidget, slots: dict[str, Callable]) -> dict[str, QAction]:
    """One QAction per spec, triggering ``slots[name]`` (if given)."""
    out: dict[str, QAction] = {}
    for name, spec in SPECS.items():
        action = QAction(parent)
        action.setObjectName(name)
        live(action.setText, partial(translate, "Actions", spec.text))
        if spec.icon:
            set_icon(action, spec.icon)
        sequences = key_sequences(spec.shortcut)
        if sequences:
            action.setShortcuts(sequences)
        if spec.tip:
            live(action.setStatusTip, partial(translate, "Actions", spec.tip))
            live(action.setToolTip, partial(translate, "Actions", spec.tip))
        slot = slots.get(name)
        if slot is not None:
            action.triggered.connect(lambda _checked=False, f=slot: f())
        out[name] = action
    return out


def key_sequences(shortcut) -> list[QKeySequence]:
    """Every key sequence of a spec: all bindings of a standard key, then the others."""
    keys = shortcut if isinstance(shortcut, tuple) else (shortcut,)
    out: list[QKeySequence] = []
    for key in keys:
        if isinstance(key, Std):
            found = QKeySequence.keyBindings(key)
        else:
            found = [QKeySequence(key)] if key else []
        out.extend(k for k in found if not k.isEmpty() and k not in out)
    return out


def refresh_icons(actions: dict[str, QAction]) -> None:
    """Re-draw the icons in the palette's text colour (after a light/dark switch)."""
    for name, action in actions.items():
        spec = SPECS.get(name)
        name = spec.icon if spec is not None else EXTRA_ICONS.get(name, "")
        if name:
            action.setIcon(icon(name))
