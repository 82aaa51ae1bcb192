"""The editable graph a learner builds: node kinds, nodes, wires, validation, live ``Value``
binding, events and the versioned ``.mgs`` file format. No Qt; imports only the engine."""

from .errors import (
    CycleError,
    DocumentError,
    DuplicateIdError,
    FileFormatError,
    InvalidValueError,
    NewerVersionError,
    NotALeafError,
    PortOccupiedError,
    SelfLoopError,
    UnknownKindError,
    UnknownNodeError,
    UnknownParamError,
    UnknownPortError,
    UnknownWireError,
)
from .events import DocumentEvents
from .kinds import CATEGORIES, KIND_FOR_OP, KINDS, Kind, Param, kinds_in
from .model import Document, Removal
from .nodes import Node, Wire

__all__ = [
    "CATEGORIES",
    "KINDS",
    "KIND_FOR_OP",
    "CycleError",
    "Document",
    "DocumentError",
    "DocumentEvents",
    "DuplicateIdError",
    "FileFormatError",
    "InvalidValueError",
    "Kind",
    "NewerVersionError",
    "Node",
    "NotALeafError",
    "Param",
    "PortOccupiedError",
    "Removal",
    "SelfLoopError",
    "UnknownKindError",
    "UnknownNodeError",
    "UnknownParamError",
    "UnknownPortError",
    "UnknownWireError",
    "Wire",
    "kinds_in",
]
