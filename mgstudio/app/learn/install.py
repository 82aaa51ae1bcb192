"""``install(window)``: add the learning tools to a MainWindow through Qt's public API only.

Docks (Step-through, Derivative, Gradient check, Lesson), an Expression toolbar, Graph menu
actions, dock toggles in the View menu and a Help → Lessons submenu. The tools follow the
window's document (its ``file_changed`` signal) and let go of it when the window hides.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMenu,
    QToolBar,
    QWidget,
)

from mgstudio.document import Document
from mgstudio.document.signature import structure_signature

from ..canvas.readable import show_readably
from ..host import WindowHost
from ..window_layout import make_dock
from .expression_box import ExpressionBox
from .gradcheck_view import GradcheckPanel
from .lessons import Lesson, LessonPanel, load_lessons
from .stepper_panel import StepperPanel
from .sweep_pane import SweepPane


class LearnTools(QObject):
    """The learning tools of one window (kept as ``window.learn``)."""

    def __init__(self, window: WindowHost):
        super().__init__(window.window())
        self.window = window
        self.document: Document | None = window.document
        #: the document a lesson opened (or had built) and its structure then: leaving it
        #: changed only in numbers asks nothing (see ``only_followed``)
        self._lesson_doc: tuple | None = None
        self._raised = False
        self._restored: list[QDockWidget] = []
        canvas = window.canvas
        self.stepper = StepperPanel(self.document, canvas)
        self.sweep = SweepPane(self.document)
        self.gradcheck = GradcheckPanel(self.document, canvas)
        self.lessons: list[Lesson] = load_lessons()
        self.lesson_panel = LessonPanel(self.lessons)
        self.expression = ExpressionBox(current=lambda: self.window.document)

        self.stepper_dock = self._dock("Step-through", "learn_stepper_dock", self.stepper)
        self.sweep_dock = self._dock("Derivative", "learn_sweep_dock", self.sweep)
        self.gradcheck_dock = self._dock("Gradient Check", "learn_gradcheck_dock", self.gradcheck)
        self.lesson_dock = self._dock(
            "Lesson", "learn_lesson_dock", self.lesson_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.docks = {
            "stepper": self.stepper_dock,
            "sweep": self.sweep_dock,
            "gradcheck": self.gradcheck_dock,
            "lesson": self.lesson_dock,
        }
        if not self._restored:
            anchor = window.backward_dock
            # with the backward table: grads are read in one place, stepped in the next tab
            ours = (self.stepper_dock, self.sweep_dock, self.gradcheck_dock)
            # tabified while hidden: tabifying shown docks one by one can leave a stray tab
            # bar on screen when the window already has a hidden tab group (Qt 6.12)
            for dock in ours:
                dock.hide()
            for dock in ours:
                window.tabifyDockWidget(anchor, dock)
            for dock in ours:
                dock.show()
            anchor.raise_()
            # the tab bar is built on the first layout: raise again then (unless one of ours
            # was asked for meanwhile), or the last tab added wins
            QTimer.singleShot(0, self, lambda: None if self._raised else anchor.raise_())
            self.lesson_dock.hide()

        self.toolbar = QToolBar("Expression", window.window())
        self.toolbar.setObjectName("learn_expression_toolbar")
        self.toolbar.addWidget(self.expression)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.actions = self._make_actions()
        self._add_menus()
        self._connect()
        window.installEventFilter(self)
        # a window deleted without being closed: drop the document's links to our panels
        # (plain Python objects, safe to touch while Qt tears the widgets down)
        watches = [self.stepper._watch, self.sweep._watch, self.gradcheck._watch]
        window.destroyed.connect(lambda *_args: [w.close() for w in watches])

    # --- construction -------------------------------------------------------------------------
    def _dock(
        self, title: str, name: str, widget: QWidget, area=Qt.DockWidgetArea.BottomDockWidgetArea
    ) -> QDockWidget:
        # where the saved layout knows this dock (an earlier session) it goes back there
        dock, restored = make_dock(self.window.window(), title, name, widget, area)
        if restored:
            self._restored.append(dock)
        return dock

    def _action(self, text: str, slot, shortcut: str = "", tip: str = "") -> QAction:
        action = QAction(text, self.window.window())
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # shortcuts work even when the menu is not open
        return action

    def _make_actions(self) -> dict[str, QAction]:
        return {
            "step": self._action(
                "Step Backward One &Node",
                self.step_once,
                "F10",
                "Pass the grad of the next node back to its inputs",
            ),
            "step_back": self._action(
                "Step Backward: &Undo Step",
                self.stepper.back,
                "Shift+F10",
                "Undo the last step of the step-through",
            ),
            # (Ctrl+Shift+G is Step All Leaves, beside Ctrl+G's Step Along Gradient)
            "gradcheck": self._action(
                "Gradient &Check",
                self.check_gradients,
                "Ctrl+Shift+K",
                "Compare every leaf's grad with a finite difference",
            ),
            "sweep": self._action(
                "Show &Derivative Plot",
                self.show_sweep,
                "",
                "Plot the output as one leaf sweeps a range",
            ),
            "expression": self._action(
                "Type an &Expression…",
                self.focus_expression,
                "Ctrl+E",
                "Build a graph from a typed expression",
            ),
        }

    def _add_menus(self) -> None:
        w = self.window
        menus = w.menus
        graph = menus.get("graph") or self._find_menu("Graph") or w.menuBar().addMenu("&Learn")
        graph.addSeparator()
        graph.addActions(
            [self.actions[k] for k in ("step", "step_back", "gradcheck", "sweep", "expression")]
        )
        view = menus.get("view") or self._find_menu("View")
        if view is not None:
            view.addSeparator()
            for dock in self.docks.values():
                view.addAction(dock.toggleViewAction())
            view.addAction(self.toolbar.toggleViewAction())
        help_ = menus.get("help") or self._find_menu("Help") or w.menuBar().addMenu("&Help")
        self.lessons_menu = QMenu("&Lessons", help_)
        for i, lesson in enumerate(self.lessons):
            action = self.lessons_menu.addAction(f"&{i + 1} {lesson.title}")
            action.triggered.connect(lambda _c=False, k=i: self.open_lesson(k))
        if not self.lessons:
            self.lessons_menu.addAction("No lessons found").setEnabled(False)
        self.lessons_menu.addSeparator()
        self.lessons_menu.addAction(self.lesson_dock.toggleViewAction())
        first = help_.actions()[0] if help_.actions() else None
        if first is not None:
            help_.insertMenu(first, self.lessons_menu)
            help_.insertSeparator(first)
        else:
            help_.addMenu(self.lessons_menu)

    def _find_menu(self, name: str) -> QMenu | None:
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text().replace("&", "") == name:
                return menu
        return None

    def _connect(self) -> None:
        w = self.window
        say = w.show_message
        for panel in (self.stepper, self.sweep, self.gradcheck, self.expression):
            panel.message.connect(say)
        self.gradcheck.node_clicked.connect(w.canvas.select_node)
        # docks in a tab group all count as visible; this signal knows which tab is on top
        self.sweep_dock.visibilityChanged.connect(self.sweep.set_seen)
        self.expression.built.connect(self._show_built)
        self.lesson_panel.go_to.connect(self.open_lesson)
        self.lesson_panel.reopen.connect(lambda: self.open_lesson(self.lesson_panel.index))
        w.file_changed.connect(self._follow_window)

    # --- following the window ---------------------------------------------------------------
    def _follow_window(self, *_args) -> None:
        if self.window.document is not self.document:
            self.attach(self.window.document)

    def attach(self, document) -> None:
        """Show another document in every tool."""
        self.document = document
        marked = bool(self.stepper.overlay.marks() or self.gradcheck.overlay.marks())
        self.stepper.set_document(document)
        self.sweep.set_document(document)
        self.gradcheck.set_document(document)
        if marked:
            # the canvas fitted the new graph while the old marks still widened the scene
            show_readably(self.window.canvas)

    def detach(self) -> None:
        """Let go of the document (window hidden or closing)."""
        self.stepper.detach()
        self.sweep.detach()
        self.gradcheck.detach()
        self.document = None

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and not event.spontaneous():
            if event.type() == QEvent.Type.Hide:
                self.detach()
            elif event.type() == QEvent.Type.Show and self.document is None:
                self.attach(self.window.document)
        return False

    # --- verbs ----------------------------------------------------------------------------------
    def _raise(self, name: str) -> None:
        self._raised = True
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def step_once(self):
        self._raise("stepper")
        return self.stepper.step()

    def check_gradients(self):
        self._raise("gradcheck")
        return self.gradcheck.run(self.stepper.chosen_output())

    def show_sweep(self) -> None:
        self._raise("sweep")
        self.sweep.set_seen(True)  # raised now; the dock's own signal follows a turn later

    def focus_expression(self) -> None:
        self.toolbar.show()
        self.expression.edit.setFocus()
        self.expression.edit.selectAll()

    def _show_built(self, doc) -> None:
        w = self.window
        i = self.lesson_panel.index
        asked = 0 <= i < len(self.lessons) and "expression" in self.lessons[i].panels
        if hasattr(w, "import_document"):
            if not w.import_document(doc, [f"Built {len(doc.nodes)} nodes from the expression"]):
                return
        else:
            w.set_document(doc)
        # the importer's layout is compact; spread it for the canvas's wide nodes, and keep
        # the arranging out of the new document's undo history
        w.canvas.auto_arrange(then=lambda: _forget_arrange(w, clean=False))
        if asked:  # the lesson asked for this graph: leaving it is like leaving its example
            self._lesson_doc = (w.document, structure_signature(w.document))

    # --- lessons --------------------------------------------------------------------------------
    def open_lesson(self, index: int) -> bool:
        """Open lesson ``index``: its example, its panels, its text."""
        if not 0 <= index < len(self.lessons):
            return False
        lesson = self.lessons[index]
        self._raise("lesson")  # first, so the example is fitted into the space that is left
        followed = self.only_followed()
        dropped = followed and self.window.is_modified()
        if not self._open_example(lesson, ask=not followed):
            return False
        if dropped:
            self.window.show_message(
                "Opened the next lesson's example; the last one was "
                "changed only as a lesson asks, so it was not kept"
            )
        self._lesson_doc = (self.window.document, structure_signature(self.window.document))
        self._follow_window()
        self.lesson_panel.show_lesson(index)
        doc = self.window.document
        by_label = {}
        for nid, node in doc.nodes.items():
            if node.label:
                by_label[node.label] = nid  # the last node of a label is the one code sees
        self.stepper.zero_check.setChecked(lesson.zero_grad)
        self.stepper.set_output(by_label.get(lesson.output))
        for name in lesson.panels:
            if name == "expression":
                self.focus_expression()
            elif name == "sweep":
                self.show_sweep()
            elif name in self.docks:
                self._raise(name)
        if lesson.training:
            self._prepare_training(lesson)
        if lesson.select in by_label:
            nid = by_label[lesson.select]
            self.window.canvas.select_node(nid)
            if "sweep" in lesson.panels:
                self.sweep.choose(nid)
        # shown readably now, and again as the docks shown above take their sizes (the
        # canvas is resized in the next turns of the event loop)
        show_readably(self.window.canvas)
        return True

    def _prepare_training(self, lesson: Lesson) -> bool:
        """Pick the lesson's preset (and its zero_grad choice) in the Training Settings, as a
        learner would, when the window has training installed."""
        training = self.window.training
        if training is None:
            return False
        panel = training.panel
        from mgstudio.training.errors import ConfigError
        from mgstudio.training.presets import preset

        try:
            config = preset(lesson.training, zero_grad=lesson.zero_grad)
        except ConfigError:
            return False
        combo, check = panel.preset, panel.zero_grad
        if combo.findText(lesson.training) >= 0:
            if combo.currentText() == lesson.training:
                panel.apply_config(preset(lesson.training))
            combo.setCurrentText(lesson.training)  # fills in the preset's fields
            check.setChecked(lesson.zero_grad)
        else:
            panel.apply_config(config)
        training.show_settings()
        return True

    def only_followed(self) -> bool:
        """The window shows a lesson's example, changed at most in what lessons ask for
        (numbers, settings, positions, the output): leaving it needs no save prompt. New
        nodes, wires or names are the learner's own work, and are asked about as usual."""
        shown = self._lesson_doc
        doc = self.window.document
        return shown is not None and shown[0] is doc and structure_signature(doc) == shown[1]

    def _open_example(self, lesson: Lesson, ask: bool = True) -> bool:
        w = self.window
        if lesson.example == "mlp":
            from .mlp_graph import mlp_document

            if ask and not w.maybe_save():
                return False
            w.set_document(mlp_document(), None, name="MLP (lesson)")
            # spread the importer's compact layout for the canvas's wide nodes (Graphviz, in
            # the background), not as an edit of the learner's
            w.canvas.auto_arrange(
                then=lambda: (_forget_arrange(w, clean=True), show_readably(w.canvas))
            )
            return True
        from mgstudio.document.examples import example_path

        return bool(w.open_example(example_path(lesson.example), ask=ask))


def _forget_arrange(window, clean: bool) -> bool:
    """After arranging a graph the tools just built: no undo entry (unless the learner edited
    meanwhile: False); ``clean`` or modified as a new document should be."""
    stack = window.undo_stack
    if stack.count() != 1 or stack.text(0) != "Arrange nodes":
        return False
    stack.clear()
    if clean:
        stack.setClean()
    else:
        stack.resetClean()
    return True


def install(window: WindowHost) -> LearnTools:
    """Add the learning tools to ``window`` (once); returns them (also ``window.learn``)."""
    if window.learn is not None:
        return window.learn
    window.learn = LearnTools(window)
    return window.learn
