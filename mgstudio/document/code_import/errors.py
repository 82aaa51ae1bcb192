"""The two ways an import ends without a document, and the progress / cancel hooks."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import DocumentError

#: ``progress(fraction)``: called now and then with how much of the import is done (0 to 1)
Progress = Callable[[float], object]
#: ``cancel()``: asked now and then; True stops the import with :class:`ImportCancelled`
Cancel = Callable[[], bool]


class CodeImportError(DocumentError):
    """Code the importer does not understand; ``line`` is where (1-based, or None)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line
        self.reason = message


class ImportCancelled(Exception):
    """The caller's ``cancel()`` returned True; nothing was built. Not a DocumentError: it is
    the caller's own choice, not a problem with the code."""


class Steps:
    """Progress reports and cancel checks at fixed steps (deterministic, cheap when unused)."""

    __slots__ = ("progress", "cancel")

    def __init__(self, progress: Progress | None = None, cancel: Cancel | None = None):
        self.progress, self.cancel = progress, cancel

    def check(self) -> None:
        """Stop with :class:`ImportCancelled` if the caller asks to."""
        if self.cancel is not None and self.cancel():
            raise ImportCancelled("the import was cancelled")

    def at(self, fraction: float) -> None:
        self.check()
        if self.progress is not None:
            self.progress(min(1.0, max(0.0, fraction)))

    def part(self, lo: float, hi: float) -> Steps:
        """The same hooks for a stage that is ``lo`` to ``hi`` of the whole (its 0 to 1)."""
        progress = self.progress
        if progress is None:
            return Steps(None, self.cancel)
        return Steps(lambda f: progress(lo + (hi - lo) * f), self.cancel)
