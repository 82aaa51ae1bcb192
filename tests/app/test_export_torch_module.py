"""File > Export Code > PyTorch module… (#16.6): the real save dialog, the file it writes
(the CLI's text), and a document that is no model refused in a message, nothing written."""

from __future__ import annotations

import ast

from PySide6.QtWidgets import QMenu
from test_save_dialogs import drive_save_dialog, qt_dialogs  # noqa: F401 (Qt's own dialog)

from mgstudio.cli import main
from mgstudio.document import Document
from mgstudio.training.torch_export import export_torch_module


def _menu_action(window, menu_title: str, text: str):
    for menu in window.findChildren(QMenu):
        if menu.title().replace("&", "") == menu_title:
            for action in menu.actions():
                if action.text().replace("&", "") == text:
                    return action
    raise AssertionError(f"no {text!r} in {menu_title!r}")


def test_the_export_menu_writes_the_pytorch_module(window, tmp_path, capsys):
    saved = tmp_path / "walk.mgs"
    assert main(["train", "--preset", "walkthrough", "--steps", "5", "--save", str(saved)]) == 0
    capsys.readouterr()
    assert window.open_file(saved, ask=False)
    log: list = []
    drive_save_dialog(tmp_path, "model", replace=None, log=log)
    _menu_action(window, "Export Code", "PyTorch module…").trigger()
    written = tmp_path / "model.py"
    assert ("suffix", "py") in log and written.exists(), log
    text = written.read_text(encoding="utf-8")
    assert text == export_torch_module(Document.load(saved))
    ast.parse(text)
    assert "class Net(nn.Module):" in text and "for k in range(5):" in text
    assert window.statusBar().currentMessage() == "Exported model.py"


def test_a_document_that_is_no_model_is_refused_in_a_message(
    window, open_example, tmp_path, errors
):
    open_example("neuron.mgs")  # no input is a feature
    out = tmp_path / "model.py"
    assert not window.export_code(out, "torch-module")
    assert not out.exists()
    [(title, text)] = errors
    assert title == "Can't export the code"
    assert text.startswith("can't write a PyTorch module: no input is a feature: mark the")
    assert "Traceback" not in text
