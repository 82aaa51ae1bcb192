"""Pictures of the graph: Graphviz's draw_dot-style rendering when ``dot`` is installed,
otherwise the canvas scene itself drawn into an SVG or PNG."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter

from mgstudio.document import DocumentError
from mgstudio.document.fileio import write_atomic

from .canvas.scene import CanvasScene

MARGIN = 20.0


TOO_LARGE_HINT = (
    "save the graph and run 'python -m mgstudio render FILE -o OUT.svg --force' "
    "to wait for dot anyway, or copy a part of it into a new graph and export "
    "that"
)


def start_picture_export(
    tasks,
    doc,
    scene: CanvasScene,
    path: str | os.PathLike,
    done: Callable[[str], None],
    failed: Callable[[str], None],
):
    """Write ``path`` (.svg or .png) in a background task of ``tasks``: Graphviz's picture,
    or the canvas scene drawn (in the GUI thread, when the task ends) if ``dot`` is missing.
    ``done(how)`` gets "graphviz" or "canvas". Refusals (the suffix, a graph too big for
    ``dot``) raise DocumentError at once."""
    from mgstudio.document import graphviz_io

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise DocumentError(f"can't export '{path.name}': name it .svg or .png")
    limit = graphviz_io.DOT_NODE_LIMIT
    graphviz_io.check_dot_size(len(doc.nodes), limit, hint=TOO_LARGE_HINT)
    # the worker draws a copy: the document may change while dot works
    snapshot = graphviz_io.PictureSnapshot.of(doc)

    def job(progress):
        try:
            graphviz_io.render(snapshot, path, fmt, progress=progress, max_nodes=limit)
        except graphviz_io.DotTooLargeError:
            raise
        except graphviz_io.GraphvizNotFoundError:
            return "canvas"
        return "graphviz"

    def finished(how: str) -> None:
        if how == "canvas":
            try:
                render_scene(scene, path, fmt)
            except DocumentError as exc:
                failed(str(exc))
                return
        done(how)

    return tasks.run(f"Exporting {path.name}", job, on_done=finished, on_failed=failed)


def render_scene(scene: CanvasScene, path: Path, fmt: str) -> None:
    """Draw every node and wire of the canvas scene into an SVG or PNG file."""
    # zoomed out, the canvas draws nodes as boxes in its view; a picture wants the records
    with scene.items_painting():
        _render(scene, path, fmt)


def _render(scene: CanvasScene, path: Path, fmt: str) -> None:
    # wires are drawn by the scene, not items of it: content_rect counts them in
    source = scene.content_rect().marginsAdded(QMarginsF(MARGIN, MARGIN, MARGIN, MARGIN))
    if source.isEmpty():
        source = QRectF(0, 0, 100, 100)
    target = QRectF(0, 0, source.width(), source.height())
    buffer = QBuffer()  # drawn in memory, then written by the one atomic writer
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "svg":
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        gen.setSize(QSize(round(target.width()), round(target.height())))
        gen.setViewBox(target)
        gen.setTitle("mgstudio graph")
        painter = QPainter(gen)
        scene.render(painter, target, source)
        painter.end()
        ok = buffer.size() > 0
    else:
        scale = 2.0  # crisp on high-density screens and in slides
        image = QImage(
            round(target.width() * scale),
            round(target.height() * scale),
            QImage.Format.Format_ARGB32,
        )
        image.fill(
            scene.backgroundBrush().color()
            if scene.backgroundBrush().style() != Qt.BrushStyle.NoBrush
            else Qt.GlobalColor.white
        )
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, image.width(), image.height()), source)
        painter.end()
        # the stub wants bytes for the format, but PySide6 6.11 takes only str here
        ok = image.save(buffer, "PNG")  # type: ignore[call-overload]
    if not ok:
        raise DocumentError(f"can't write {path}")
    write_atomic(path, bytes(buffer.data().data()))


def export_code(doc, path: str | os.PathLike, flavour: str) -> None:
    """Write the graph as a micrograd or PyTorch script, or a trained graph as a PyTorch
    module (``flavour``: micrograd | torch | torch-module). A document the module export
    refuses (no features, an op PyTorch lacks, too large) raises DocumentError with why."""
    from mgstudio.document import code_export
    from mgstudio.document.code_export_classes import export_program
    from mgstudio.training.torch_export import TorchExportError, export_torch_module

    if flavour == "torch-module":
        try:
            text = export_torch_module(doc)
        except TorchExportError as exc:
            raise DocumentError(f"can't write a PyTorch module: {exc}") from None
    elif flavour == "torch":
        text = code_export.export_torch(doc)
    else:
        # a document of MLPs as the lecture's classes, anything else flat (as the CLI)
        text = export_program(doc)
    write_atomic(path, text)
