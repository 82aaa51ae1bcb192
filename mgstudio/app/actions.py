"""The window's actions in one table: name, menu text, shortcut, icon and tooltip.

Shortcuts are Qt's standard key sequences where one exists, so they match the platform
(Ctrl+S here, ⌘S on macOS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from .icons import icon, set_icon

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class Spec:
    text: str
    shortcut: Std | str | tuple = ()
    icon: str = ""
    tip: str = ""


SPECS: dict[str, Spec] = {
    "new": Spec("&New", Std.New, "new", "Start an empty graph"),
    "open": Spec("&Open…", Std.Open, "open", "Open a .mgs document"),
    "save": Spec("&Save", Std.Save, "save", "Save the graph"),
    "save_as": Spec("Save &As…", Std.SaveAs, "", "Save the graph under a new name"),
    "import_code": Spec(
        "&Import micrograd code…",
        "Ctrl+I",
        "",
        "Turn a micrograd program into a graph (interpreted safely, never run by Python)",
    ),
    "export_svg": Spec("&SVG…", "", "", "Save a picture of the graph as SVG"),
    "export_png": Spec("&PNG…", "", "", "Save a picture of the graph as PNG"),
    "export_micrograd": Spec("&micrograd…", "", "", "Save the graph as micrograd Python code"),
    "export_torch": Spec("&PyTorch…", "", "", "Save the graph as PyTorch code"),
    "export_torch_module": Spec(
        "PyTorch m&odule…",
        "",
        "",
        "Save the trained graph as a PyTorch nn.Module with the loop that replays its run",
    ),
    # platforms without a theme plugin bind no key to Quit: Ctrl+Q is the common one
    "quit": Spec("&Quit", (Std.Quit, "Ctrl+Q"), "", "Close mgstudio"),
    "cut": Spec("Cu&t", Std.Cut, "", "Cut the selected nodes"),
    "copy": Spec("&Copy", Std.Copy, "", "Copy the selected nodes"),
    "paste": Spec("&Paste", Std.Paste, "", "Paste nodes"),
    "duplicate": Spec("D&uplicate", "Ctrl+D", "", "Duplicate the selected nodes"),
    "delete": Spec("&Delete", Std.Delete, "", "Delete the selected nodes and wires"),
    "select_all": Spec("Select &All", Std.SelectAll, "", "Select every node"),
    "zoom_in": Spec("Zoom &In", Std.ZoomIn, "zoom-in", "Zoom in"),
    "zoom_out": Spec("Zoom &Out", Std.ZoomOut, "zoom-out", "Zoom out"),
    "fit": Spec("&Fit Graph", "Ctrl+0", "zoom-fit", "Show the whole graph"),
    "zoom_actual": Spec("&Actual Size", "Ctrl+1", "", "Show the graph at 100 %"),
    "arrange": Spec("&Auto-arrange", "Ctrl+L", "arrange", "Lay the graph out left to right"),
    "quick_add": Spec("Add &Node…", "", "", "Search node kinds (Tab on the canvas)"),
    "insert_neuron": Spec(
        "Insert &Neuron…",
        "Ctrl+Shift+N",
        "neuron",
        "Insert the lecture's neuron: x·w + b through an activation",
    ),
    # Ctrl+G and Ctrl+Shift+G are the walkthrough's Step Along Gradient and Step All Leaves
    # (lesson 4 names them), so grouping takes Ctrl+Alt+G and Ctrl+Alt+Shift+G
    "group": Spec(
        "&Group Selection",
        "Ctrl+Alt+G",
        "group",
        "Put the selected nodes in a group (name it with Rename Group…)",
    ),
    "ungroup": Spec(
        "&Ungroup",
        "Ctrl+Alt+Shift+G",
        "ungroup",
        "Dissolve the selected group; its nodes stay where they are",
    ),
    "toggle_group": Spec(
        "&Collapse/Expand Group",
        "Ctrl+.",
        "collapse-group",
        "Show the selected group as one block, or open the block again",
    ),
    "rename_group": Spec("Rena&me Group…", "", "", "Give the selected group a name"),
    "backward": Spec(
        "&Backward",
        ("Ctrl+B", "Ctrl+Return"),
        "backward",
        "Zero every grad, then backpropagate from the output",
    ),
    "zero_grad": Spec("&Zero Grad", "Ctrl+Shift+B", "zero-grad", "Set every grad to 0"),
    # not plain + and -: typed on the canvas they open the quick-add search for an operation
    "nudge_up": Spec(
        "Nudge &Up", "]", "", "Increase the selected leaf by the step (+ in the inspector)"
    ),
    "nudge_down": Spec(
        "Nudge &Down", "[", "", "Decrease the selected leaf by the step (- in the inspector)"
    ),
    # the same name as the inspector's button, with the same meaning: the selected leaves
    "step_selected": Spec(
        "&Step Along Gradient", "Ctrl+G", "", "data += step × grad for the selected leaves"
    ),
    "step_all": Spec(
        "Step &All Leaves",
        "Ctrl+Shift+G",
        "step",
        "data += step × grad for every leaf of the output (the lecture's step)",
    ),
    "reset_layout": Spec(
        "&Reset Layout", "", "", "Put every panel and toolbar back where a first start puts them"
    ),
    # Practice (mgstudio/app/practice): no shortcuts of their own, the session's keys are
    # the panel's (Enter, Tab, F1, Esc)
    "practice_grads": Spec(
        "Predict &Gradients", "", "", "Hide the grads; type each one, output first, checked"
    ),
    "practice_grads_selection": Spec(
        "Predict Gradients of &Selection", "", "", "The same, for the selected nodes only"
    ),
    "practice_two_part": Spec(
        "Predict Gradients in &Two Steps", "", "", "Type each local derivative, then the grad"
    ),
    "practice_forward": Spec(
        "Predict &Forward Values", "", "", "Hide the data; type each node's value, inputs first"
    ),
    "practice_signs": Spec(
        "&Which Way?", "", "", "Nudge a leaf up: does the output go up, down or stay?"
    ),
    "replay_add_twice": Spec("&b = a + a: = instead of +=", "", "", "Wrong a.grad 1, right 2"),
    "replay_zero_grad": Spec(
        "Forgetting &zero_grad", "", "", "Two loss curves: without and with zero_grad"
    ),
    "replay_backward_twice": Spec(
        "backward() &Twice", "", "", "Grads pile up when backward runs again without zeroing"
    ),
    "replay_recursion": Spec(
        "A Naive &Recursive Backward", "", "", "Why backward walks in topological order"
    ),
    "replay_output_or_input": Spec(
        "tanh/exp: &Output or Input?", "", "", "A backward rule using the input by mistake"
    ),
    "about": Spec("&About mgstudio", "", "", ""),
    "about_qt": Spec("About &Qt", "", "", ""),
}


#: icons of actions made elsewhere (the undo stack makes Undo and Redo)
EXTRA_ICONS = {"undo": "undo", "redo": "redo"}


def make_actions(parent: QWidget, slots: dict[str, Callable]) -> dict[str, QAction]:
    """One QAction per spec, triggering ``slots[name]`` (if given)."""
    out: dict[str, QAction] = {}
    for name, spec in SPECS.items():
        action = QAction(spec.text, parent)
        action.setObjectName(name)
        if spec.icon:
            set_icon(action, spec.icon)
        sequences = key_sequences(spec.shortcut)
        if sequences:
            action.setShortcuts(sequences)
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
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
