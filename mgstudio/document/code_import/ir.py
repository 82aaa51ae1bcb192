"""What an imported snippet builds, as plain data: its nodes in creation order.

No ``ast`` and no Document here. The reader (``reader.py``) makes a :class:`Program` from code
without running it; the builder (``builder.py``) makes a Document from a :class:`Program`. A
second front end (the interpreter of class-based lecture code, issue 15) produces the same
``Program`` and reuses the builder: new things it records (groups of nodes, say) become new
fields here, with defaults, so the reader need not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mgstudio.engine import ops as _ops

#: the one-operand functions a snippet may call (``x.tanh()``, or ``tanh(x)`` in an
#: expression); each name is also the kind of the node it makes: the op registry's live list.
FUNCTIONS: Sequence[str] = _ops.FUNCTIONS


@dataclass(slots=True)
class IRNode:
    """One node: a leaf (``input``/``constant`` with ``value``) or an op on earlier nodes."""

    kind: str
    #: indices into ``Program.nodes``, always of earlier nodes, in the kind's port order
    operands: tuple[int, ...] = ()
    value: float | None = None
    params: dict[str, float] = field(default_factory=dict)
    label: str = ""
    line: int = 0  # where in the code it was made (1-based; 0: nowhere in particular)


@dataclass(slots=True)
class Program:
    """What a snippet builds, in creation order (operands always come first)."""

    nodes: list[IRNode]
    output: int | None  # the index of the node the document selects as its output
    notes: list[str]  # what was skipped, for the user ("line 3: … ignored")
    names: dict[str, int]  # variable name -> node index, for the nodes still bound at the end
