"""Save dialogs that add the file's suffix themselves, so their own overwrite prompt covers it.

``QFileDialog.getSaveFileName`` with a filter but no default suffix returns "graph" when the
user types "graph"; adding ".mgs" afterwards replaced an existing graph.mgs without a word,
because the dialog had confirmed a different name. Here the dialog knows the suffix
(``setDefaultSuffix``), so the name it checks for overwriting is the name that is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from . import plain

#: use the platform's dialog where there is one (``MGSTUDIO_NATIVE_DIALOGS=0``: Qt's own)
NATIVE = os.environ.get("MGSTUDIO_NATIVE_DIALOGS", "1") != "0"


def save_dialog(
    parent: QWidget | None, title: str, start: str | os.PathLike, name_filter: str, suffix: str
) -> QFileDialog:
    """A Save dialog (not shown yet) starting at ``start`` (a folder or a file name) that adds
    ``suffix`` (".mgs") to a name typed without one and asks before replacing a file."""
    start = Path(start)
    dialog = QFileDialog(parent, title, str(start.parent if start.suffix else start), name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix(suffix.lstrip("."))
    if not NATIVE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if start.suffix:
        dialog.selectFile(start.name)
    return dialog


def ask_save_path(
    parent: QWidget | None, title: str, start: str | os.PathLike, name_filter: str, suffix: str
) -> str | None:
    """The path the user chose to save to (its replacing confirmed), or None."""
    dialog = save_dialog(parent, title, start, name_filter, suffix)
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return None
    files = dialog.selectedFiles()
    if not files:
        return None
    path = files[0]
    if not Path(path).suffix:
        # a platform dialog that ignored the default suffix: the name it confirmed is not
        # the one written, so ask here before replacing anything
        path += suffix
        if (
            os.path.exists(path)
            and plain.ask(
                parent,
                QMessageBox.Icon.Warning,
                title,
                f"{os.path.basename(path)} already exists. Do you want to replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return None
    return path


def ask_csv_path(parent: QWidget | None, title: str) -> str:
    """A CSV file to read ("" when cancelled): the training data, a table's samples."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", "CSV files (*.csv);;All files (*)")
    return path
