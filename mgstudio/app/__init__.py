"""Everything Qt: the studio window, the canvas, panels and undo commands.

Kept free of heavy imports so ``import mgstudio.app`` stays cheap; import the submodules you
need.
"""

import sys


def _keep_none_alive() -> None:
    """Work around a reference-count bug in shiboken6 6.12 on CPython < 3.12.

    Every PySide6 call that returns nothing (``item.update()``, ``painter.drawRect(...)``, …)
    gives back ``None`` without taking a reference to it. Python 3.12+ makes ``None`` immortal,
    so nothing happens there; on 3.11 each such call drops ``None``'s count by one and after a
    few thousand calls the interpreter aborts with "none_dealloc: deallocating None" (a
    1,000-node canvas makes that many calls in one repaint). Giving ``None`` a huge count
    is exactly what 3.12 does. Remove once the project requires Python >= 3.12 or a fixed
    PySide6.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcount.value < 1 << 40:
        refcount.value += 1 << 60


_keep_none_alive()
