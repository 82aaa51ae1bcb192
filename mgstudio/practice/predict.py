"""Predict the gradient (or the forward value, or the sign) on a document, checked (no Qt).

A session takes the document's output, runs the step-through pass to its end (so the
document holds the grads Backward gives, announced through ``Document.publish_grads``) and
turns the record of that pass into questions, in the order the chain rule visits nodes:

* ``grad``: every node of the output's graph (or only the ones picked), output first, in
  reverse topological order: "x1w1.grad = ?". The line a right answer shows is the chain
  rule that gives it (``engine.stepper.grad_line``: ``x1w1.grad = n.grad × 1 = 0.5``);
* ``two_part``: the same, but before each grad the local derivative of every consumer
  ("dn/dx1w1 = ?"), then the product;
* ``forward``: every non-leaf node's data, in topological order (``stepper.forward_line``);
* ``sign``: for each leaf, "nudge it up: does the output go up, down or stay?", the sign of
  its grad.

The session says which numbers the canvas must hide (``masked``): the view shows them as
"?" until the question is answered or shown; the document is never changed by a reveal.
Scoring: the first readable answer to a question counts (right, or wrong, even if a later
try is right); "show me" before any answer leaves the question unscored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mgstudio.document import Document
from mgstudio.document.outputs import why_backward_idle
from mgstudio.document.stepthrough import StepThrough
from mgstudio.engine import Value
from mgstudio.engine.stepper import forward_line, grad_line

from .answers import check_number, check_sign, sign_of

MODES = {
    "grad": "Predict Gradients",
    "two_part": "Predict Gradients in Two Steps",
    "forward": "Predict Forward Values",
    "sign": "Which Way?",
}
#: a bigger graph is not something to work through by hand (and would take the lazy canvas)
MAX_NODES = 300
HIDE_DATA, HIDE_GRAD = 1, 2
OPEN, RIGHT, WRONG, RETRIED, SHOWN = "open", "right", "wrong", "right after a miss", "shown"


class PracticeError(Exception):
    """A session cannot start on this document; ``str(e)`` says why, plainly."""


@dataclass
class Question:
    node: str  # the node id it asks about
    kind: str  # "grad", "local", "data" or "sign"
    prompt: str
    answer: float | str
    line: str  # what a right answer (or "show me") shows: the rule that gives the number
    hint: str  # what a wrong answer shows: the rule without its numbers
    reveals: int = 0  # HIDE_DATA / HIDE_GRAD bits the answer uncovers on its node
    status: str = OPEN
    tries: int = 0

    @property
    def settled(self) -> bool:
        return self.status in (RIGHT, RETRIED, SHOWN)


@dataclass(frozen=True)
class Feedback:
    ok: bool  # the answer was right (or shown)
    message: str
    question: Question


@dataclass(frozen=True)
class Score:
    right: int
    scored: int
    shown: int
    total: int
    left: int

    def text(self) -> str:
        extra = f", {self.shown} shown" if self.shown else ""
        return f"Score {self.right}/{self.scored}{extra}, {self.left} to go of {self.total}"


@dataclass
class PredictSession:
    document: Document
    mode: str = "grad"
    only: Iterable[str] | None = None  # the nodes picked ("Predict Gradients of Selection")
    questions: list[Question] = field(init=False)
    index: int = field(init=False, default=0)
    root: str = field(init=False)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise PracticeError(f"unknown practice {self.mode!r}")
        doc = self.document
        root = doc.default_output()
        idle = why_backward_idle(doc, root, verb="Practice")
        if idle is not None:  # the same reasons as Backward's, worded for practice
            raise PracticeError(idle.replace("did nothing", "cannot start"))
        walk = StepThrough(doc)
        problem = walk.start(root)
        if problem is not None or root is None or walk.stepper is None:
            raise PracticeError(problem or "There is no output to practise on.")
        stepper = walk.stepper
        if len(stepper.topo) > MAX_NODES:
            raise PracticeError(
                f"Practice works on graphs of up to {MAX_NODES} nodes; this output depends "
                f"on {len(stepper.topo)}. Pick a smaller graph (or one neuron of it)."
            )
        walk.run_to_end()  # the true grads, on the document, announced once
        self.root = root
        self._ids = {id(v): nid for v in stepper.topo if (nid := walk.node_id(v)) is not None}
        picked = None if self.only is None else set(self.only)
        order = [v for v in stepper.topo if id(v) in self._ids]
        if picked is not None:
            order = [v for v in order if self._ids[id(v)] in picked]
            if not order:
                raise PracticeError("None of the selected nodes feeds the output: select some.")
        # every (consumer, local) pair that adds into a node's grad, from the pass's record
        self._parts: dict[int, list[tuple[Value, float]]] = {}
        for step in stepper.history:
            for c in step.contributions:
                self._parts.setdefault(id(c.operand), []).append((step.node, c.local))
        self._graph = [self._ids[id(v)] for v in stepper.topo if id(v) in self._ids]
        self._output = stepper.output
        self.questions = self._build(order)
        if not self.questions:
            raise PracticeError("This graph has nothing to ask: it is a single leaf.")

    # --- names --------------------------------------------------------------------------------
    def name(self, v: Value) -> str:
        nid = self._ids.get(id(v))
        if nid is None:
            return v.label or "?"
        return self.document.node(nid).label or nid

    # --- the questions ------------------------------------------------------------------------
    def _build(self, order: list[Value]) -> list[Question]:
        if self.mode == "forward":
            return [self._data_question(v) for v in order if v._prev]
        if self.mode == "sign":
            return [self._sign_question(v) for v in order if not v._prev]
        out: list[Question] = []
        for v in reversed(order):
            if self.mode == "two_part":
                out.extend(self._local_questions(v))
            out.append(self._grad_question(v))
        return out

    def _grad_question(self, v: Value) -> Question:
        name = self.name(v)
        parts = [(self.name(c), local) for c, local in self._parts.get(id(v), [])]
        if not parts and v is not self._root_value():
            parts_line = f"{name}.grad = 0 (nothing it feeds reaches the output)"
            return Question(self._ids[id(v)], "grad", f"{name}.grad = ?", v.grad, parts_line,
                            parts_line, HIDE_GRAD)  # fmt: skip
        return Question(
            self._ids[id(v)],
            "grad",
            f"{name}.grad = ?",
            v.grad,
            grad_line(name, parts, v.grad),
            grad_line(name, parts, None, numbers=False),
            HIDE_GRAD,
        )

    def _local_questions(self, v: Value) -> list[Question]:
        name, out = self.name(v), []
        for consumer, local in self._parts.get(id(v), []):
            cname = self.name(consumer)
            position = next(i for i, c in enumerate(consumer._prev) if c is v)
            rule = self._rule_words(consumer, position)
            out.append(
                Question(
                    self._ids[id(v)],
                    "local",
                    f"d{cname}/d{name} = ?",
                    local,
                    f"d{cname}/d{name} = {local:.4g}{rule}",
                    f"how much {cname} moves per unit of {name}{rule}",
                )
            )
        return out

    def _rule_words(self, consumer: Value, position: int) -> str:
        """`` (the rule: b, with b = w1)``: the registry's local derivative, its operands
        named as the registry's text names them (a, b)."""
        op = consumer.op
        if op is None:
            return ""
        text = op.derivative[position]
        named = [
            f"{letter} = {self.name(operand)}"
            for letter, operand in zip("ab", consumer._prev)
            if letter in text
        ]
        return f" (the rule: {text}{', with ' + ', '.join(named) if named else ''})"

    def _data_question(self, v: Value) -> Question:
        name = self.name(v)
        hint = forward_line(v, self.name).rsplit(" = ", 2)[0]
        return Question(self._ids[id(v)], "data", f"{name}.data = ?", v.data,
                        forward_line(v, self.name), hint, HIDE_DATA)  # fmt: skip

    def _sign_question(self, v: Value) -> Question:
        name, out = self.name(v), self.name(self._root_value())
        sign = sign_of(v.grad)
        moves = {"up": "goes up", "down": "goes down", "stay": "stays put"}[sign]
        return Question(
            self._ids[id(v)],
            "sign",
            f"Nudge {name} up a little: does {out} go up, down or stay?",
            sign,
            f"d{out}/d{name} = {name}.grad = {v.grad:.4g}, so {out} {moves}",
            f"the sign of d{out}/d{name} decides it",
            HIDE_GRAD,
        )

    def _root_value(self) -> Value:
        return self._output

    # --- where the learner is -----------------------------------------------------------------
    @property
    def current(self) -> Question:
        return self.questions[self.index]

    @property
    def done(self) -> bool:
        return all(q.settled for q in self.questions)

    def move(self, step: int) -> Question:
        """Tab (+1) / Shift+Tab (-1): the next (previous) question, wrapping around."""
        self.index = (self.index + step) % len(self.questions)
        return self.current

    def _advance(self) -> None:
        """After a settled answer: the next question still open, if any."""
        n = len(self.questions)
        for k in range(1, n + 1):
            j = (self.index + k) % n
            if not self.questions[j].settled:
                self.index = j
                return

    # --- answering ----------------------------------------------------------------------------
    def answer(self, text: str) -> Feedback:
        q = self.current
        if q.settled:
            return Feedback(True, f"Already answered: {q.line}", q)
        if q.kind == "sign":
            assert isinstance(q.answer, str)
            verdict = check_sign(text, q.answer)
        else:
            assert isinstance(q.answer, float)
            verdict = check_number(text, q.answer)
        if not verdict.readable:
            return Feedback(False, verdict.problem, q)  # not an answer: nothing is scored
        q.tries += 1
        if verdict.right:
            q.status = RIGHT if q.status == OPEN else RETRIED
            self._advance()
            return Feedback(True, f"Right: {q.line}", q)
        q.status = WRONG
        typed = verdict.typed if isinstance(verdict.typed, str) else f"{verdict.typed:.6g}"
        return Feedback(False, f"Not {typed}. Try again, or Show me (F1). Hint: {q.hint}", q)

    def show_me(self) -> Feedback:
        q = self.current
        if not q.settled:
            # before any answer it is not scored; after a miss the miss stands
            q.status = SHOWN if q.status == OPEN else RETRIED
            self._advance()
        return Feedback(True, f"Shown: {q.line}", q)

    @property
    def score(self) -> Score:
        qs = self.questions
        right = sum(q.status == RIGHT for q in qs)
        missed = sum(q.status in (WRONG, RETRIED) for q in qs)
        shown = sum(q.status == SHOWN for q in qs)
        left = sum(not q.settled for q in qs)
        return Score(right, right + missed, shown, len(qs), left)

    # --- what the canvas hides ----------------------------------------------------------------
    def masked(self) -> dict[str, int]:
        """Node id -> the numbers the canvas shows as "?" now (HIDE_DATA | HIDE_GRAD bits)."""
        hidden: dict[str, int] = {}
        for q in self.questions:
            if q.reveals and not q.settled:
                hidden[q.node] = hidden.get(q.node, 0) | q.reveals
        if self.mode in ("forward", "sign"):
            # the grads would give away the answers: all hidden until the session ends
            # (a sign answer uncovers its leaf's grad)
            uncovered = {q.node for q in self.questions if q.kind == "sign" and q.settled}
            for nid in self._graph:
                if nid not in uncovered:
                    hidden[nid] = hidden.get(nid, 0) | HIDE_GRAD
        return hidden
