"""Every example document reproduces the walkthrough's numbers when loaded from disk."""

import math

import pytest
from helpers.readme import readme_expression

from mgstudio.document import Document
from mgstudio.document.examples import EXAMPLES_DIR, list_examples
from mgstudio.engine import Value


def _by_label(doc: Document) -> dict:
    out = {}
    for nid, node in doc.nodes.items():
        if node.label:
            out.setdefault(node.label, []).append(doc.value_of(nid))
    return {k: v[-1] for k, v in out.items()}  # a reassigned name (c, d) is its last node


def _load(name):
    doc = Document.load(EXAMPLES_DIR / name)
    return doc, doc.backward()


def test_list_examples_covers_every_file_in_teaching_order():
    found = list_examples()
    names = [p.name for _, p in found]
    assert names[:6] == [
        "derivative.mgs",
        "expression.mgs",
        "neuron.mgs",
        "neuron_exp.mgs",
        "reuse.mgs",
        "readme.mgs",
    ]
    assert sorted(names) == sorted(p.name for p in EXAMPLES_DIR.glob("*.mgs"))
    for title, path in found:
        assert title and path.is_file()
        doc = Document.load(path)
        assert doc.title == title and doc.description
        # the shipped files are already in canonical form
        assert path.read_text(encoding="utf-8") == doc.to_json()
        positions = [n.pos for n in doc.nodes.values()]
        assert len(set(positions)) == len(positions), f"{path.name}: nodes overlap"


def test_derivative_example():
    doc, out = _load("derivative.mgs")
    v = _by_label(doc)
    x = v["x"].data
    assert doc.nodes[out].label == "f"
    assert v["f"].data == 3 * x**2 - 4 * x + 5 == 20.0
    assert v["x"].grad == pytest.approx(6 * x - 4) == 14.0


def test_expression_example():
    doc, out = _load("expression.mgs")
    v = _by_label(doc)
    assert doc.nodes[out].label == "L"
    assert v["L"].data == -8.0
    grads = {k: v[k].grad for k in ("a", "b", "c", "f", "d", "e")}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "d": -2.0, "e": -2.0}


@pytest.mark.parametrize("name", ["neuron.mgs", "neuron_exp.mgs"])
def test_neuron_examples(name):
    doc, out = _load(name)
    v = _by_label(doc)
    assert doc.nodes[out].label == "o"
    assert f"{v['o'].data:.4f}" == "0.7071"
    n = v["n"].data
    do_dn = 1 - math.tanh(n) ** 2  # closed form of tanh'(n)
    assert do_dn == pytest.approx(0.5)
    assert v["n"].grad == pytest.approx(do_dn)
    assert v["x1"].grad == pytest.approx(do_dn * v["w1"].data) == pytest.approx(-1.5)
    assert v["w1"].grad == pytest.approx(do_dn * v["x1"].data) == pytest.approx(1.0)
    assert v["x2"].grad == pytest.approx(do_dn * v["w2"].data) == pytest.approx(0.5)
    assert v["w2"].grad == pytest.approx(0.0, abs=1e-12)
    assert v["b"].grad == pytest.approx(0.5)


def test_neuron_labels_match_the_lecture():
    doc, _ = _load("neuron.mgs")
    labels = [n.label for n in doc.nodes.values()]
    assert sorted(labels) == sorted(
        ["x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o"]
    )


def test_reuse_example_accumulates():
    doc, out = _load("reuse.mgs")
    (leaf,) = [nid for nid, n in doc.nodes.items() if n.kind == "input"]
    wires = doc.consumers_of(leaf)
    assert len(wires) == 2 and {w.dst for w in wires} == {out}
    assert doc.value_of(leaf).grad == 2.0


def test_readme_example_matches_the_engine_and_the_readme():
    doc, out = _load("readme.mgs")
    v = _by_label(doc)
    assert f"{v['g'].data:.4f}" == "24.7041"
    assert f"{v['a'].grad:.4f}" == "138.8338"
    assert f"{v['b'].grad:.4f}" == "645.5773"
    g, a, b = readme_expression(Value)  # the README's expression, through the engine alone
    assert v["g"].data == g.data
    assert v["a"].grad == pytest.approx(a.grad, rel=1e-12)
    assert v["b"].grad == pytest.approx(b.grad, rel=1e-12)


def test_nudging_an_example_leaf_follows_the_gradient():
    # the lecture's "fine-tuning inputs": step every leaf along its grad, L rises
    doc, out = _load("expression.mgs")
    before = doc.value_of(out).data
    leaves = [nid for nid, n in doc.nodes.items() if n.kind == "input"]
    steps = {nid: doc.value_of(nid).data + 0.01 * doc.value_of(nid).grad for nid in leaves}
    with doc.batch():
        for nid, x in steps.items():
            doc.set_value(nid, x)
    assert doc.value_of(out).data > before
    assert doc.value_of(out).data == pytest.approx(-7.286496)
