"""Screenshots of the learning tools (run under Xvfb): the f(x) example with the derivative
sweep, a few backward steps on L, the gradient check, the reuse example, a lesson.

    xvfb-run -a .venv/bin/python benchmarks/shot_learn.py [OUT_DIR]   (default /tmp)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("/tmp")
    # a throwaway settings file: never read or write the user's window layout
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        tempfile.mkdtemp(prefix="mgstudio-shot-"),
    )
    app = QApplication.instance() or QApplication(sys.argv)
    from mgstudio.app.learn import install
    from mgstudio.app.main_window import MainWindow
    from mgstudio.document.examples import example_path

    win = MainWindow()
    win.resize(1500, 950)
    try:  # the real window has training too; the lessons set it up
        from mgstudio.app.training import install as install_training
    except ImportError:
        install_training = None
    if install_training is not None:
        install_training(win)
    tools = install(win)
    win.show()

    def settle():
        for _ in range(5):
            app.processEvents()

    def shot(name: str, widget=None) -> None:
        win.tasks.wait_all()  # arranging (and checks) run in background tasks
        settle()
        path = out / f"learn_{name}.png"
        (widget or win).grab().save(str(path))
        print(path)

    win.open_example(example_path("derivative.mgs"), ask=False)
    ids = {n.label: nid for nid, n in win.document.nodes.items() if n.label}
    tools.show_sweep()
    tools.sweep.choose(ids["x"], ids["f"])
    shot("sweep")
    win.document.set_value(ids["x"], 1.0)
    shot("sweep_moved", tools.sweep_dock)

    win.open_example(example_path("expression.mgs"), ask=False)
    tools.step_once()
    tools.step_once()
    shot("steps")
    tools.check_gradients().wait()  # checks, builds and layouts run in background tasks
    shot("gradcheck")

    win.open_example(example_path("reuse.mgs"), ask=False)
    tools.step_once()
    shot("reuse")

    tools.open_lesson(0)
    shot("lesson_derivative")
    tools.open_lesson(2)
    tools.step_once()
    shot("lesson")
    tools.open_lesson(6)
    tools.stepper.run_to_end()
    tools.stepper.run_to_end()
    shot("lesson_zero_grad")
    tools.open_lesson(5)
    win.tasks.wait_all()
    tools.check_gradients().wait()
    shot("mlp")

    tools.expression.edit.setText("x=3; f = 3*x**2 - 4*x + 5")
    tools.expression.build().wait()
    win.tasks.wait_all()
    shot("expression")
    tools.expression.edit.setText("3*x**")
    tools.expression.build().wait()
    shot("expression_error", tools.toolbar)

    win.undo_stack.setClean()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
