"""Pause Python's cycle collector while a big graph is built.

Building a 5,000-node document and its canvas allocates tens of thousands of objects in a
burst; the collector then runs again and again over everything alive, and each pass walks the
whole heap (measured: a third of the time to open such a file). Our Values hold no reference
cycles (see engine.value), so nothing is lost by collecting once, afterwards, instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cycle collector inside the block (nesting is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
