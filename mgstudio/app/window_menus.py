"""The main window's menus and what its named actions do (kept out of ``main_window.py``,
which is the document, its files and its panels)."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox

from mgstudio.document.examples import list_examples

from . import plain
from .group_commands import target_group
from .i18n import check_choice, language_menu
from .practice import add_practice_menu, practice_slots
from .theme import theme_menu


def slots(window) -> dict[str, Callable]:
    """What each named action does."""
    c = window.canvas
    return {
        "new": window.new_file,
        "open": window.open_dialog,
        "save": window.save,
        "save_as": window.save_as,
        "import_code": window.import_code_dialog,
        "export_svg": lambda: window.export_picture_dialog("svg"),
        "export_png": lambda: window.export_picture_dialog("png"),
        "export_micrograd": lambda: window.export_code_dialog("micrograd"),
        "export_torch": lambda: window.export_code_dialog("torch"),
        "export_torch_module": lambda: window.export_code_dialog("torch-module"),
        "quit": window.close,
        "cut": c.cut,
        "copy": c.copy,
        "paste": c.paste,
        "duplicate": c.duplicate,
        "delete": c.delete_selected,
        "select_all": c.select_all,
        "zoom_in": c.zoom_in,
        "zoom_out": c.zoom_out,
        "fit": c.fit_all,
        "zoom_actual": c.reset_zoom,
        "arrange": c.auto_arrange,
        "quick_add": lambda: c.open_quick_add(),
        "insert_neuron": window.insert_neuron_dialog,
        "group": c.edits.group_selection,
        "ungroup": c.edits.ungroup,
        "toggle_group": c.edits.toggle_group,
        "rename_group": lambda: rename_group_dialog(window),
        "backward": window.backward_panel.backward,
        "zero_grad": window.backward_panel.zero_grad,
        "nudge_up": lambda: window.inspector.nudge(+1),
        "nudge_down": lambda: window.inspector.nudge(-1),
        "step_selected": window.inspector.step_selected,
        "step_all": window.inspector.step_all,
        "reset_layout": lambda: window.layout_keeper.reset(),
        "about": window.about,
        "about_qt": lambda: QMessageBox.aboutQt(window),
        **practice_slots(window),
    }


def build_menus(window) -> None:
    """The menu bar: File, Edit, View, Graph, Help (plugins add theirs later)."""
    a = window.named_actions
    bar = window.menuBar()
    file = bar.addMenu("&File")
    file.addActions([a["new"], a["open"]])
    window.recent_menu = file.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(window))
    fill_recent_menu(window)
    window.examples_menu = file.addMenu("&Examples")
    fill_examples_menu(window)
    file.addSeparator()
    file.addActions([a["save"], a["save_as"]])
    file.addSeparator()
    file.addAction(a["import_code"])
    export = file.addMenu("E&xport")
    export.addActions([a["export_svg"], a["export_png"]])
    code = file.addMenu("Export &Code")
    code.addActions([a["export_micrograd"], a["export_torch"], a["export_torch_module"]])
    file.addSeparator()
    file.addAction(a["quit"])

    edit = bar.addMenu("&Edit")
    edit.addActions([a["undo"], a["redo"], a["undo_history"]])
    edit.addSeparator()
    edit.addActions([a["cut"], a["copy"], a["paste"], a["duplicate"], a["delete"]])
    edit.addSeparator()
    edit.addAction(a["select_all"])

    view = bar.addMenu("&View")
    view.addActions([a["zoom_in"], a["zoom_out"], a["zoom_actual"], a["fit"]])
    view.addSeparator()
    view.addAction(a["arrange"])
    view.addSeparator()
    for dock in (
        window.palette_dock,
        window.inspector_dock,
        window.backward_dock,
        window.undo_dock,
    ):
        view.addAction(dock.toggleViewAction())
    view.addSeparator()
    view.addMenu(theme_menu(window, window.choose_theme))
    languages = language_menu(window, window.choose_language)
    languages.aboutToShow.connect(lambda: check_choice(languages, window.settings.language()))
    check_choice(languages, window.settings.language())
    view.addMenu(languages)
    view.addAction(a["reset_layout"])

    graph = bar.addMenu("&Graph")
    graph.addActions([a["quick_add"], a["insert_neuron"]])
    graph.addSeparator()
    graph.addActions([a["group"], a["ungroup"], a["toggle_group"], a["rename_group"]])
    graph.addSeparator()
    graph.addActions([a["backward"], a["zero_grad"]])
    graph.addSeparator()
    graph.addActions([a["nudge_up"], a["nudge_down"], a["step_selected"], a["step_all"]])

    practice = add_practice_menu(window, bar, a)
    help_ = bar.addMenu("&Help")
    help_.addActions([a["about"], a["about_qt"]])
    window.menus = {"file": file, "edit": edit, "view": view, "graph": graph, "help": help_}
    window.menus["practice"] = practice
    # the group actions follow the selection (and the edits, which change what it holds);
    # a selection change hands over its ids: a big canvas making items for a selection
    # announces each of them, and asking the scene again each time made that quadratic
    window.canvas.selection_changed.connect(lambda ids: update_group_actions(window, ids))
    window.undo_stack.indexChanged.connect(lambda _i: update_group_actions(window))
    graph.aboutToShow.connect(lambda: update_group_actions(window))
    update_group_actions(window)


GROUP_ACTIONS = ("group", "ungroup", "toggle_group", "rename_group")


def update_group_actions(window, ids: list[str] | None = None) -> None:
    """Group Selection needs selected nodes; the others a group (``selected_group``).
    ``ids``: the selection, when the caller has it."""
    a, edits = window.named_actions, window.canvas.edits
    if edits.document is None:
        for name in GROUP_ACTIONS:
            a[name].setEnabled(False)
        return
    chosen: list[str] = []
    if ids is None:  # (a selection's ids hold the members of its frames and blocks already)
        ids, chosen = edits.selected_ids(), edits.selected_group_ids()
    gid = target_group(edits.doc, ids, chosen) if ids else None
    a["group"].setEnabled(bool(ids))
    for name in ("ungroup", "toggle_group", "rename_group"):
        a[name].setEnabled(gid is not None)
    if gid is not None:
        collapsed = edits.doc.groups.get(gid).collapsed
        a["toggle_group"].setText("&Expand Group" if collapsed else "&Collapse Group")
    else:
        a["toggle_group"].setText("&Collapse/Expand Group")


#: how the rename dialog asks (tests replace it): (parent, title, prompt, text) -> (text, ok)
def ask_text(parent, title: str, prompt: str, text: str) -> tuple[str, bool]:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setLabelText(prompt)
    dialog.setTextValue(text)
    plain.make_plain(*dialog.findChildren(QLabel))  # the prompt names the group: its label
    dialog.resize(max(dialog.sizeHint().width(), 420), dialog.sizeHint().height())
    ok = dialog.exec() == QInputDialog.DialogCode.Accepted
    value = dialog.textValue()
    dialog.deleteLater()
    return value, ok


def rename_group_dialog(window, gid: str | None = None) -> bool:
    """Graph ▸ Rename Group…: ask for the selected group's new name (one undo step)."""
    edits = window.canvas.edits
    gid = gid if gid is not None else edits.selected_group()
    if gid is None or gid not in edits.doc.groups:
        window.show_message("select a group (or a node inside one) to rename it")
        return False
    group = edits.doc.groups.get(gid)
    text, ok = ask_text(window, "Rename Group", f"New name of {group.name}:", group.label)
    return bool(ok) and edits.rename_group(gid, text)


def fill_recent_menu(window) -> None:
    """File ▸ Open Recent, filled each time it opens (plain-text tooltips)."""
    menu = window.recent_menu
    menu.clear()
    files = window.settings.recent_files()
    for i, path in enumerate(files):
        action = menu.addAction(
            f"&{i + 1} {os.path.basename(path)}" if i < 9 else os.path.basename(path)
        )
        action.setToolTip(plain.tooltip(path))
        action.setStatusTip(path)
        action.setData(path)
        action.triggered.connect(lambda _c=False, p=path: window.open_file(p))
    if files:
        menu.addSeparator()
        menu.addAction("Clear Menu", window.settings.clear_recent_files)
    else:
        menu.addAction("No recent files").setEnabled(False)


def fill_examples_menu(window) -> None:
    window.examples_menu.clear()
    for title, path in list_examples():
        action = window.examples_menu.addAction(title)
        action.setData(str(path))
        action.setStatusTip(path.name)
        action.triggered.connect(lambda _c=False, p=path: window.open_example(p))
    if window.examples_menu.isEmpty():
        window.examples_menu.addAction("No examples found").setEnabled(False)
