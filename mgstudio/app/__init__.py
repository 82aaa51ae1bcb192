"""Everything Qt: the studio window, the canvas, panels and undo commands.

Kept import-free so ``import mgstudio.app`` stays cheap; import the submodules you need.
"""
