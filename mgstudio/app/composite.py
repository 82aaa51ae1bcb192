"""One undo step made of several edits (orange-canvas-core's parent/child ``UndoCommand``).

A gesture that makes several edits (a palette drop spliced into a wire, quick add wired to a
port, a drag that ends on a wire, a step of every leaf along the gradient) is one
``CompositeCommand`` whose children are the edits' own commands: redo replays them in order,
undo in reverse. A child is applied as soon as it is added, because a later edit may need an
earlier one's result (the new node's id); the composite is pushed once at the end, and the
first ``redo`` (the one ``QUndoStack.push`` makes) does nothing, the children being applied.

The children are kept in a Python list, not made with Qt's ``QUndoCommand(parent=…)``:
PySide6 does not hand a parented command to its parent, so Python frees the child while the
parent still points at it (a crash when the stack is cleared; tried with PySide6 6.11).

A refused child (``DocumentCommand.error``) is not kept; a composite all of whose children
were refused is not pushed at all, so no empty entry stays on the stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QUndoCommand, QUndoStack


class CompositeCommand(QUndoCommand):
    """Several child commands shown as one undo entry named ``text``."""

    def __init__(self, text: str):
        super().__init__(text)
        self._children: list[QUndoCommand] = []
        self._applied = False  # the children were applied while the gesture built them

    def add(self, child: QUndoCommand) -> bool:
        """Apply ``child`` now and keep it; False (and not kept) if the document refused it
        (the reason is on ``child.error``)."""
        child.redo()
        if getattr(child, "error", None) is not None:
            return False
        self._children.append(child)
        self._applied = True
        return True

    def children(self) -> tuple[QUndoCommand, ...]:
        return tuple(self._children)

    def redo(self) -> None:
        if self._applied:  # QUndoStack.push's redo: the gesture applied them already
            self._applied = False
            return
        for child in self._children:
            child.redo()

    def undo(self) -> None:
        for child in reversed(self._children):
            child.undo()

    def push_to(self, stack: QUndoStack) -> bool:
        """Push onto ``stack`` if any child was accepted; True if it was pushed."""
        if not self._children:
            return False
        stack.push(self)
        return True


@contextmanager
def composite(stack: QUndoStack, text: str) -> Iterator[CompositeCommand]:
    """``with composite(stack, text) as step: step.add(command)``: the edits made in the
    block are one undo step, pushed at its end (also when the block raises, so the stack
    stays in step with the document)."""
    step = CompositeCommand(text)
    try:
        yield step
    finally:
        step.push_to(stack)
