"""Every error the document raises, in one place, so the app can catch by kind.

Messages are whole sentences a learner can act on; nodes are named by label when they have one.
"""

from __future__ import annotations


class DocumentError(Exception):
    """Something about a document (an edit, a file, a fragment) that cannot be done."""


class FileFormatError(DocumentError):
    """A file or fragment that is not a valid mgstudio document."""


class NewerVersionError(FileFormatError):
    """A file written by a newer mgstudio than this one."""


class UnknownNodeError(DocumentError, KeyError):
    """A node id that is not in the document."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownKindError(DocumentError):
    """A node kind that the registry does not know."""


class UnknownPortError(DocumentError):
    """An input port that the node's kind does not have."""


class UnknownParamError(DocumentError):
    """A parameter that the node's kind does not have."""


class UnknownWireError(DocumentError):
    """A wire that is not in the document."""


class PortOccupiedError(DocumentError):
    """An input that already has a wire (each input takes exactly one)."""


class CycleError(DocumentError):
    """A wire that would make a node depend on itself."""


class SelfLoopError(CycleError):
    """A wire from a node into itself."""


class DuplicateIdError(DocumentError):
    """A node id that is already used."""


class InvalidValueError(DocumentError, ValueError):
    """A value, label, position or parameter that the document cannot hold."""


class NotALeafError(DocumentError):
    """Setting a value on a node that computes its value from its inputs."""
