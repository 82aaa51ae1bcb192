"""Predict sessions on the walkthrough neuron: questions, answers, order, score, the mask."""

from __future__ import annotations

import pytest
from helpers.oracle import OracleValue

from mgstudio.document import Document
from mgstudio.document.examples import example_path
from mgstudio.practice.predict import (
    HIDE_DATA,
    HIDE_GRAD,
    MAX_NODES,
    PracticeError,
    PredictSession,
)


@pytest.fixture
def neuron():
    return Document.load(example_path("neuron.mgs"))


def _ids(doc):
    return {n.label: nid for nid, n in doc.nodes.items()}


def _oracle_grads():
    """The same neuron in PyPI micrograd (with the lecture's tanh, as the oracle adds it)."""
    V = OracleValue
    x1, w1, x2, w2, b = V(2.0), V(-3.0), V(0.0), V(1.0), V(6.881373587019543)
    n = x1 * w1 + x2 * w2 + b
    n.tanh().backward()
    return {"x1": x1.grad, "w1": w1.grad, "x2": x2.grad, "w2": w2.grad, "b": b.grad, "n": n.grad}


def test_the_questions_walk_backward_from_the_output_with_the_true_grads(neuron):
    session = PredictSession(neuron, "grad")
    labels = [neuron.node(q.node).label for q in session.questions]
    assert labels[:2] == ["o", "n"] and set(labels) == set(_ids(neuron))
    # each node's question comes after every node it feeds (reverse topological order)
    for q in session.questions:
        for wire in neuron.consumers_of(q.node):
            assert labels.index(neuron.node(wire.dst).label) < labels.index(
                neuron.node(q.node).label
            )
    answers = {neuron.node(q.node).label: q.answer for q in session.questions}
    oracle = _oracle_grads()
    for label, grad in oracle.items():
        assert answers[label] == pytest.approx(grad, rel=1e-12, abs=1e-12)
    assert answers["o"] == 1.0 and answers["n"] == pytest.approx(0.5)
    assert answers["x1"] == pytest.approx(-1.5) and answers["w1"] == pytest.approx(1.0)
    # the document holds them too (published, as Backward would)
    assert neuron.value_of(_ids(neuron)["x1"]).grad == pytest.approx(-1.5)


def test_right_and_wrong_answers_lines_and_score(neuron):
    s = PredictSession(neuron, "grad")
    f = s.answer("1")
    assert f.ok and f.message == "Right: o.grad = 1 (the output: do/do = 1)"
    f = s.answer("0.4")
    assert not f.ok and "Not 0.4" in f.message and "n.grad = o.grad × do/dn" in f.message
    assert s.current.prompt == "n.grad = ?"  # a miss stays on the question
    f = s.answer("0.5")
    assert f.ok and f.message == "Right: n.grad = o.grad × 0.5 = 0.5"
    assert s.score.right == 1 and s.score.scored == 2  # the miss counts, the retry not
    while s.current.prompt != "x1w1.grad = ?":
        s.move(+1)
    assert s.answer("0.5").message == "Right: x1w1.grad = x1w1x2w2.grad × 1 = 0.5"
    while s.current.prompt != "x1.grad = ?":
        s.move(+1)
    assert s.answer("-1.5").message == "Right: x1.grad = x1w1.grad × -3 = -1.5"
    assert s.score.text() == "Score 3/4, 6 to go of 10"


def test_show_me_is_unscored_and_unreadable_text_scores_nothing(neuron):
    s = PredictSession(neuron, "grad")
    assert not s.answer("1/2").ok
    assert s.score.scored == 0 and s.current.tries == 0
    f = s.show_me()
    assert f.message == "Shown: o.grad = 1 (the output: do/do = 1)"
    assert s.score.scored == 0 and s.score.shown == 1
    s.answer("7")
    s.show_me()  # after a miss: the miss stands
    assert s.score.scored == 1 and s.score.right == 0 and s.score.shown == 1


def test_the_mask_uncovers_what_was_answered(neuron):
    ids = _ids(neuron)
    s = PredictSession(neuron, "grad")
    assert s.masked() == {nid: HIDE_GRAD for nid in ids.values()}
    s.answer("1")
    assert ids["o"] not in s.masked() and ids["n"] in s.masked()
    for _ in s.questions:
        s.show_me()
    assert s.done and s.masked() == {}


def test_two_part_asks_the_local_derivative_then_the_product(neuron):
    s = PredictSession(neuron, "two_part")
    prompts = [q.prompt for q in s.questions]
    i = prompts.index("x1.grad = ?")
    assert prompts[i - 1] == "dx1w1/dx1 = ?" and s.questions[i - 1].answer == -3.0
    assert prompts[1:3] == ["do/dn = ?", "n.grad = ?"]
    s.answer("1")
    f = s.answer("0.5")
    assert f.ok and "1 − tanh(a)², with a = n" in f.message
    assert s.current.prompt == "n.grad = ?"


def test_forward_mode_asks_data_in_topological_order(neuron):
    ids = _ids(neuron)
    s = PredictSession(neuron, "forward")
    assert [q.prompt for q in s.questions] == [
        "x1w1.data = ?", "x2w2.data = ?", "x1w1x2w2.data = ?", "n.data = ?", "o.data = ?",
    ]  # fmt: skip
    masked = s.masked()
    assert masked[ids["x1w1"]] == HIDE_DATA | HIDE_GRAD and masked[ids["x1"]] == HIDE_GRAD
    assert s.answer("-6").message == "Right: x1w1 = x1 * w1 = 2 * -3 = -6"
    assert not s.answer("1").ok
    assert s.answer("0").ok
    s.answer("-6")
    assert s.answer("0.8814").message == "Right: n = x1w1x2w2 + b = -6 + 6.881 = 0.8814"
    assert s.answer("0.7071").ok and s.done
    assert s.score.text() == "Score 4/5, 0 to go of 5"


def test_sign_questions_follow_the_grads_signs(neuron):
    s = PredictSession(neuron, "sign")
    asked = {neuron.node(q.node).label: q.answer for q in s.questions}
    assert asked == {"x1": "down", "w1": "up", "x2": "up", "w2": "stay", "b": "up"}
    assert s.current.prompt == "Nudge x1 up a little: does o go up, down or stay?"
    assert not s.answer("up").ok
    f = s.answer("d")
    assert f.ok and f.message == "Right: do/dx1 = x1.grad = -1.5, so o goes down"
    assert s.answer("sideways").message.startswith("Answer up, down or stay")


def test_selection_mode_asks_only_the_picked_nodes(neuron):
    ids = _ids(neuron)
    s = PredictSession(neuron, "grad", only=[ids["w1"], ids["x1w1"]])
    assert [q.prompt for q in s.questions] == ["x1w1.grad = ?", "w1.grad = ?"]
    assert set(s.masked()) == {ids["w1"], ids["x1w1"]}
    with pytest.raises(PracticeError, match="selected"):
        PredictSession(neuron, "grad", only=[])


def test_a_shared_node_sums_its_consumers_in_its_line():
    doc = Document.load(example_path("neuron.mgs"))
    with doc.batch():
        a = doc.add_node("input", label="a", value=3.0)
        b = doc.add_node("add", label="b")
        doc.connect(a, b, "a")
        doc.connect(a, b, "b")
        doc.set_selected_output(b)
    s = PredictSession(doc, "grad")
    q = next(q for q in s.questions if q.node == a)
    assert q.answer == 2.0 and q.line == "a.grad = b.grad × 1 + b.grad × 1 = 2"


def test_documents_it_cannot_practise_on_are_refused_plainly():
    with pytest.raises(PracticeError, match="Practice cannot start: the graph is empty"):
        PredictSession(Document(), "grad")
    big = Document()
    with big.batch():
        prev = big.add_node("input", label="x", value=0.1)
        for _ in range(MAX_NODES):
            nxt = big.add_node("tanh")
            big.connect(prev, nxt, "a")
            prev = nxt
    with pytest.raises(PracticeError, match=f"up to {MAX_NODES} nodes"):
        PredictSession(big, "grad")
    with pytest.raises(PracticeError, match="unknown"):
        PredictSession(Document.load(example_path("neuron.mgs")), "guess")
