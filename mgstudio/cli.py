"""``python -m mgstudio …`` / ``mgstudio …``: headless sub-commands, and the GUI with none.

Each sub-command lives in ``mgstudio/commands/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``. Errors a user can cause print one line ``error: …`` on stderr and exit 1,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from mgstudio import __version__

if TYPE_CHECKING:
    #: what each command's ``add_parser(subparsers)`` is given
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

#: a command's ``run(args) -> int``
Handler = Callable[[argparse.Namespace], int]

COMMANDS = ("check", "import", "export", "render", "train", "network")
VERSION_TEXT = f"mgstudio {__version__}"


class UserError(Exception):
    """An error caused by the user's input: reported as one ``error:`` line, exit code 1."""


def _load(name: str) -> ModuleType | None:
    module = "import_" if name == "import" else name
    try:
        return importlib.import_module(f"mgstudio.commands.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"mgstudio.commands.{module}":
            return None
        raise


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    parser = argparse.ArgumentParser(
        prog="mgstudio",
        description="mgstudio: a studio for learning backpropagation. With no sub-command it "
        "opens the window.",
        epilog="The command line speaks English; the window speaks English and Chinese "
        "(View > Language, or main.py --language zh_CN).",
    )
    parser.add_argument("--version", action="version", version=VERSION_TEXT)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for name in COMMANDS:
        mod = _load(name)
        if mod is not None:
            mod.add_parser(sub)
            handlers[name] = mod.run
    return parser, handlers


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:  # answered before any command (or numpy) is imported
        print(VERSION_TEXT)
        return 0
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        from mgstudio.app.launch import main as gui_main  # the window, only when asked for

        return gui_main(argv)
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    if args.command not in handlers:
        parser.error(f"the {args.command!r} command is not available in this build")
    try:
        return int(handlers[args.command](args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``check --json | head``): nothing more can be said to it, and
        # Python's own flush at exit would fail again, so stdout is pointed at /dev/null
        _quiet_stdout()
        return 141  # what a shell reports for a command killed by SIGPIPE


def _quiet_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
