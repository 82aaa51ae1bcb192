"""``python main.py [FILE] [--screenshot OUT.png]``: open the studio window.

Without FILE the walkthrough's neuron example opens. ``--screenshot`` shows the window, lets it
paint, saves a PNG of it and exits 0; errors then go to stderr instead of message boxes, so it
runs unattended (e.g. under ``xvfb-run``). Otherwise unsaved work is autosaved and a crashed
session's work is offered back at the next start (``mgstudio.app.autosave``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from mgstudio import __version__

DEFAULT_EXAMPLE = "neuron.mgs"
SCREENSHOT_SIZE = (1400, 860)


def build_parser() -> argparse.ArgumentParser:
    from .theme import THEMES

    parser = argparse.ArgumentParser(
        prog="mgstudio",
        description="Open the mgstudio window (a studio for learning "
        "backpropagation). Sub-commands: python -m mgstudio --help.",
    )
    parser.add_argument(
        "file", nargs="?", help="a .mgs graph to open (default: the neuron example)"
    )
    parser.add_argument("--version", action="version", version=f"mgstudio {__version__}")
    parser.add_argument(
        "--screenshot", metavar="OUT.png", help="save a picture of the window to OUT.png and exit"
    )
    parser.add_argument(
        "--theme",
        choices=THEMES,
        default=None,
        help="colour scheme for this run (default: the one chosen in View ▸ "
        "Theme, at first the system's)",
    )
    parser.add_argument(
        "--language",
        choices=("system", "en", "zh_CN"),
        default=None,
        help="the window's language for this run (default: the one chosen in View ▸ "
        "Language, at first the system's)",
    )
    parser.add_argument(
        "--backward", action="store_true", help="run Backward once the graph is open"
    )
    parser.add_argument(
        "--select", metavar="LABEL", help="select the node with this label (shown in the inspector)"
    )
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add mgstudio to the desktop's application menu (writes "
        "~/.local/share/applications/mgstudio.desktop and its icon) and exit",
    )
    parser.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove what --install-desktop wrote and exit",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check that icons, examples and lessons are installed, and exit",
    )
    return parser


def default_example() -> Path:
    from mgstudio.document.examples import example_path

    return example_path(DEFAULT_EXAMPLE)


TOOLS = ("mgstudio.app.learn", "mgstudio.app.training")


def install_tools(window) -> list[str]:
    """Add the learning and training tools (each package's ``install(window)``) when they are
    part of this build; returns the ones installed."""
    import importlib

    installed = []
    for name in TOOLS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # not in this build
            raise
        module.install(window)
        installed.append(name)
    return installed


def chosen_theme(args, settings) -> str:
    """``--theme`` for this run, else the one chosen in View ▸ Theme (at first "system")."""
    return args.theme or settings.theme()


def _desktop(install: bool) -> int:
    from mgstudio import desktop
    from mgstudio.document import DocumentError

    try:
        paths = desktop.install() if install else desktop.uninstall()
    except DocumentError as exc:  # write_atomic's message names the file and the reason
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"error: can't {'install' if install else 'remove'} the desktop entry: "
            f"{exc.filename}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1
    verb = "wrote" if install else "removed"
    for path in paths:
        print(f"{verb} {path}")
    if not paths:
        print("nothing to remove")
    return 0


def _stderr_error(title: str, text: str) -> None:
    print(f"error: {title}: {text}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.install_desktop or args.uninstall_desktop:
        return _desktop(args.install_desktop)
    from PySide6.QtWidgets import QApplication

    from .icons import app_icon
    from .theme import apply_theme

    # instance() is typed as the core application; here it can only be our QApplication
    app = cast(QApplication, QApplication.instance()) or QApplication(
        [sys.argv[0] if sys.argv else "mgstudio"]
    )
    app.setOrganizationName("mgstudio")
    app.setApplicationName("mgstudio")
    app.setApplicationDisplayName("mgstudio")
    app.setDesktopFileName("mgstudio")  # Wayland/X11 match the window to mgstudio.desktop
    if args.self_check:
        apply_theme(app, args.theme or "system")
        app.setWindowIcon(app_icon())
        from .selfcheck import main as self_check

        return self_check()

    from .main_window import MainWindow
    from .settings import StudioSettings

    settings = StudioSettings()
    if args.screenshot:
        # unattended pictures neither read nor change the user's layout and recent files
        import tempfile

        from PySide6.QtCore import QSettings

        scratch = tempfile.mkdtemp(prefix="mgstudio-shot-")
        settings = StudioSettings(QSettings(f"{scratch}/settings.ini", QSettings.Format.IniFormat))
    apply_theme(app, chosen_theme(args, settings))
    app.setWindowIcon(app_icon())
    from . import i18n

    i18n.fix_number_format()
    i18n.retranslator(app)
    i18n.apply(app, args.language or settings.language())
    window = MainWindow(settings=settings)
    install_tools(window)
    if args.screenshot:
        window.show_error = _stderr_error
        window.resize(*SCREENSHOT_SIZE)
    if args.file:
        window.open_file(args.file, ask=False)
    else:
        example = default_example()
        if example.exists():
            window.open_example(example, ask=False)
    if args.backward:
        window.backward_panel.backward()
    window.show()
    if not args.screenshot:  # unattended pictures never prompt nor keep swap files
        window.enable_autosave()
        window.offer_recovery()
    if args.select:
        found = [nid for nid, n in window.document.nodes.items() if n.label == args.select]
        if found:
            window.canvas.select_node(found[0])
        else:
            print(f"note: no node labelled {args.select!r}", file=sys.stderr)
    if args.screenshot:
        try:
            return _screenshot(app, window, args.screenshot)
        finally:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    return app.exec()


def _screenshot(app, window, out: str) -> int:
    from PySide6.QtCore import QEventLoop, QTimer

    window.raise_()
    window.activateWindow()
    # let the window map, lay out and paint (several event-loop turns, then a short wait)
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    app.processEvents()  # the canvas showed its graph readably once it had its size
    problem = _write_png(window.grab(), out)
    window.settings.sync()
    window.undo_stack.setClean()  # never prompt while closing unattended
    window.close()
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _write_png(pixmap, out: str) -> str | None:
    """Write the picture; returns what went wrong, or None."""
    from PySide6.QtCore import QBuffer, QIODevice

    from mgstudio.document import DocumentError
    from mgstudio.document.fileio import write_atomic

    buffer = QBuffer()  # encoded in memory, then written by the one atomic writer
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not pixmap.save(buffer, "PNG"):
        return f"can't write the screenshot {out}"
    try:
        write_atomic(out, bytes(buffer.data().data()))
    except DocumentError as exc:
        return str(exc)
    return None
