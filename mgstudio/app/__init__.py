"""Everything Qt: the studio window, the canvas, panels and undo commands.

Kept free of heavy imports so ``import mgstudio.app`` stays cheap; import the submodules you
need.
"""
