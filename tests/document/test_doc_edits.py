"""Editing a document: typed wiring errors, incomplete nodes, live Values, exact inverses."""

import math

import pytest
from helpers.docgen import documents, snapshot
from hypothesis import given
from hypothesis import strategies as st

from mgstudio.document import (
    KINDS,
    CycleError,
    Document,
    DocumentError,
    DuplicateIdError,
    InvalidValueError,
    Node,
    NotALeafError,
    PortOccupiedError,
    SelfLoopError,
    UnknownKindError,
    UnknownNodeError,
    UnknownParamError,
    UnknownPortError,
    UnknownWireError,
    Wire,
)


def lecture():
    doc = Document()
    ids = {}
    for label, x in (("a", 2.0), ("b", -3.0), ("c", 10.0)):
        ids[label] = doc.add_node("input", label=label, value=x)
    ids["e"] = doc.add_node("mul", label="e")
    doc.connect(ids["a"], ids["e"], "a")
    doc.connect(ids["b"], ids["e"], "b")
    ids["d"] = doc.add_node("add", label="d")
    doc.connect(ids["e"], ids["d"], "a")
    doc.connect(ids["c"], ids["d"], "b")
    ids["f"] = doc.add_node("input", label="f", value=-2.0)
    ids["L"] = doc.add_node("mul", label="L")
    doc.connect(ids["d"], ids["L"], "a")
    doc.connect(ids["f"], ids["L"], "b")
    return doc, ids


# --- ids and basic reading ----------------------------------------------------------------
def test_ids_are_strings_never_reused():
    doc = Document()
    a = doc.add_node("input")
    b = doc.add_node("input")
    assert (a, b) == ("n1", "n2")
    doc.remove_node(b)
    c = doc.add_node("input")
    assert c not in (a, b)
    assert doc.add_node("input", node_id="n10") == "n10"
    assert doc.add_node("input") == "n11"
    with pytest.raises(DuplicateIdError):
        doc.add_node("input", node_id="n10")


def test_add_node_checks_every_field():
    doc = Document()
    with pytest.raises(UnknownKindError, match="no node kind 'matmul'"):
        doc.add_node("matmul")
    with pytest.raises(InvalidValueError, match="computes its value from its inputs"):
        doc.add_node("mul", value=3.0)
    with pytest.raises(InvalidValueError):
        doc.add_node("input", value=math.inf)
    with pytest.raises(InvalidValueError):
        doc.add_node("input", value=True)
    with pytest.raises(InvalidValueError):
        doc.add_node("input", label="two\nlines")
    with pytest.raises(InvalidValueError):
        doc.add_node("input", pos=(0.0, math.nan))
    with pytest.raises(UnknownParamError):
        doc.add_node("mul", params={"exponent": 2})
    assert len(doc) == 0  # nothing half-added
    nid = doc.add_node("pow", params={"exponent": 3})
    assert doc.nodes[nid].params == {"exponent": 3.0}
    assert doc.nodes[doc.add_node("constant")].value == KINDS["constant"].default_value


def test_read_only_views():
    doc, ids = lecture()
    with pytest.raises(TypeError):
        doc.nodes["x"] = None
    with pytest.raises(UnknownNodeError):
        doc.value_of("nope")
    assert [w for w in doc.wires if w.dst == ids["e"]] == [
        Wire(ids["a"], ids["e"], "a"),
        Wire(ids["b"], ids["e"], "b"),
    ]


# --- typed wiring errors ------------------------------------------------------------------
def test_connect_errors_are_typed_and_readable():
    doc, ids = lecture()
    with pytest.raises(PortOccupiedError, match=r"input 'a' of mul 'e' is already wired"):
        doc.check_connect(ids["c"], ids["e"], "a")
    doc.disconnect(doc.inputs_of(ids["e"])["a"])  # free e's input a, then feed L back into it
    with pytest.raises(CycleError, match=r"would make a cycle: 'e' → 'd' → 'L' → 'e'"):
        doc.connect(ids["L"], ids["e"], "a")
    with pytest.raises(SelfLoopError):
        doc.check_connect(ids["e"], ids["e"], "a")
    assert issubclass(SelfLoopError, CycleError)
    with pytest.raises(UnknownPortError, match="has no input 'c'"):
        doc.check_connect(ids["a"], ids["e"], "c")
    with pytest.raises(UnknownPortError, match="leaf"):
        doc.check_connect(ids["e"], ids["a"], "a")
    with pytest.raises(UnknownNodeError):
        doc.check_connect("n999", ids["e"], "a")
    for exc in (CycleError, PortOccupiedError, UnknownPortError, UnknownNodeError):
        assert issubclass(exc, DocumentError)


def test_unlabelled_nodes_are_named_by_kind_and_id():
    doc = Document()
    x = doc.add_node("input")
    m = doc.add_node("mul")
    doc.connect(x, m, "a")
    with pytest.raises(PortOccupiedError, match=f"input 'a' of mul {m} is already wired"):
        doc.connect(x, m, "a")


def test_disconnect_unknown_wire():
    doc, ids = lecture()
    with pytest.raises(UnknownWireError):
        doc.disconnect(Wire(ids["a"], ids["L"], "a"))


def test_failed_connect_changes_nothing():
    doc, ids = lecture()
    text = doc.to_json()
    for args in ((ids["L"], ids["e"], "a"), (ids["e"], ids["e"], "b"), (ids["a"], ids["e"], "z")):
        with pytest.raises(DocumentError):
            doc.connect(*args)
    assert doc.to_json() == text


# --- incomplete nodes ---------------------------------------------------------------------
def test_incomplete_nodes_show_nothing_and_break_nothing():
    doc, ids = lecture()
    w = doc.inputs_of(ids["e"])["b"]
    doc.disconnect(w)
    for name in ("e", "d", "L"):
        assert doc.value_of(ids[name]) is None
        assert not doc.is_complete(ids[name])
    assert doc.missing_inputs(ids["e"]) == ["b"]
    assert "needs a wire into input 'b'" in doc.why_incomplete(ids["e"])
    assert "waits for" in doc.why_incomplete(ids["d"])
    assert doc.value_of(ids["a"]).data == 2.0
    out = doc.backward(ids["L"])
    assert out == ids["L"] and doc.value_of(ids["a"]).grad == 0.0
    doc.connect(w.src, w.dst, w.port)
    assert doc.value_of(ids["L"]).data == -8.0


def test_pow_uses_param_until_exponent_is_wired():
    doc = Document()
    x = doc.add_node("input", value=3.0)
    p = doc.add_node("pow", params={"exponent": 3})
    doc.connect(x, p, "a")
    assert doc.value_of(p).data == 27.0
    doc.set_param(p, "exponent", 2)
    assert doc.value_of(p).data == 9.0
    k = doc.add_node("input", value=0.5)
    doc.connect(k, p, "exponent")
    assert doc.value_of(p).data == pytest.approx(math.sqrt(3))
    doc.backward(p)
    assert doc.value_of(k).grad == pytest.approx(3**0.5 * math.log(3))
    assert doc.value_of(x).grad == pytest.approx(0.5 * 3**-0.5)


# --- live Values --------------------------------------------------------------------------
def test_set_value_reevaluates_in_place():
    doc, ids = lecture()
    before = {nid: doc.value_of(nid) for nid in doc.nodes}
    old = doc.set_value(ids["a"], 3.0)
    assert old == 2.0
    assert all(doc.value_of(nid) is v for nid, v in before.items())
    assert doc.value_of(ids["L"]).data == (3.0 * -3.0 + 10.0) * -2.0
    assert doc.value_of(ids["a"]).label == "a"


def test_structural_edit_rebinds_only_downstream():
    doc, ids = lecture()
    before = {nid: doc.value_of(nid) for nid in doc.nodes}
    w = doc.inputs_of(ids["d"])["b"]
    doc.disconnect(w)
    doc.connect(w.src, w.dst, w.port)
    for name in ("a", "b", "c", "e", "f"):
        assert doc.value_of(ids[name]) is before[ids[name]]
    for name in ("d", "L"):
        assert doc.value_of(ids[name]) is not before[ids[name]]
    assert doc.value_of(ids["L"]).data == -8.0


def test_labels_are_copied_onto_values():
    doc, ids = lecture()
    assert doc.set_label(ids["e"], "ab") == "e"
    assert doc.value_of(ids["e"]).label == "ab"


def test_set_value_only_on_leaves():
    doc, ids = lecture()
    with pytest.raises(NotALeafError):
        doc.set_value(ids["e"], 1.0)
    with pytest.raises(InvalidValueError):
        doc.set_value(ids["a"], math.nan)


def test_backward_zeroes_grads_first_and_picks_the_output():
    doc, ids = lecture()
    assert doc.backward() == ids["L"]
    assert doc.backward() == ids["L"]  # twice: grads do not pile up
    assert doc.value_of(ids["a"]).grad == 6.0
    assert doc.grads_current
    doc.set_value(ids["a"], 2.5)
    assert not doc.grads_current
    doc.backward(ids["d"])
    assert doc.value_of(ids["f"]).grad == 0.0 and doc.value_of(ids["c"]).grad == 1.0


def test_default_output_rules():
    doc, ids = lecture()
    assert doc.output_ids() == [ids["L"]]
    lone = doc.add_node("input", value=1.0)
    fresh = doc.add_node("tanh")  # just dropped, unwired
    assert doc.output_ids() == [ids["L"], lone, fresh]
    assert doc.default_output() == ids["L"]
    g = doc.add_node("neg", label="g")
    doc.connect(ids["d"], g, "a")
    assert doc.default_output() == ids["L"]  # a second complete output does not steal it
    doc.connect(ids["L"], fresh, "a")
    assert doc.default_output() == fresh  # extending the output moves it forward
    doc.disconnect(doc.inputs_of(fresh)["a"])
    assert doc.default_output() == ids["L"]  # fresh is incomplete again: back to a complete one
    doc.set_selected_output(ids["L"])
    assert doc.default_output() == ids["L"]
    rec = doc.remove_node(ids["L"])
    assert doc.selected_output is None
    doc.restore_node(rec)
    assert doc.selected_output == ids["L"]


# --- exact inverses -----------------------------------------------------------------------
def test_remove_and_restore_node_exactly():
    doc, ids = lecture()
    text = doc.to_json()
    rec = doc.remove_node(ids["d"])
    assert ids["d"] not in doc.nodes
    assert doc.value_of(ids["L"]) is None
    assert all(ids["d"] not in (w.src, w.dst) for w in doc.wires)
    assert doc.restore_node(rec) == [ids["d"]]
    assert doc.to_json() == text
    doc.backward()
    assert doc.value_of(ids["a"]).grad == 6.0


def test_remove_nodes_and_add_subgraph():
    doc, ids = lecture()
    text = doc.to_json()
    rec = doc.remove_nodes([ids["e"], ids["a"], ids["L"]])
    assert sorted(rec.ids) == sorted([ids["e"], ids["a"], ids["L"]])
    doc.restore_nodes(rec)
    assert doc.to_json() == text
    rec = doc.remove_nodes([ids["d"], ids["L"], ids["f"]])
    nodes = [n for _, n in rec.nodes]
    assert doc.add_subgraph(nodes, rec.wires) == [n.id for n in nodes]
    assert doc.to_json() == text


def test_add_subgraph_is_all_or_nothing():
    doc, ids = lecture()
    text = doc.to_json()
    bad = [Node("p1", "neg"), Node("p2", "neg")]
    with pytest.raises(PortOccupiedError):
        doc.add_subgraph(bad, [Wire("p1", "p2", "a"), Wire(ids["a"], "p2", "a")])
    with pytest.raises(CycleError):
        doc.add_subgraph(bad, [Wire("p1", "p2", "a"), Wire("p2", "p1", "a")])
    with pytest.raises(DuplicateIdError):
        doc.add_subgraph([Node(ids["a"], "neg")])
    assert doc.to_json() == text


def test_fragment_and_paste():
    doc, ids = lecture()
    frag = doc.fragment([ids["a"], ids["b"], ids["e"], ids["L"]])
    assert [n["id"] for n in frag["nodes"]] == [ids["a"], ids["b"], ids["e"], ids["L"]]
    assert len(frag["wires"]) == 2  # only the wires among the copied nodes
    new = doc.paste_fragment(frag, offset=(50.0, 20.0))
    assert len(new) == 4 and not set(new) & set(ids.values())
    assert doc.value_of(new[2]).data == -6.0 and doc.value_of(new[3]) is None
    assert doc.nodes[new[0]].pos == (
        doc.nodes[ids["a"]].pos[0] + 50.0,
        doc.nodes[ids["a"]].pos[1] + 20.0,
    )
    rec = doc.remove_nodes(new)
    doc.restore_nodes(rec)
    assert doc.value_of(new[2]).data == -6.0
    with pytest.raises(DocumentError, match="not mgstudio clipboard data"):
        doc.paste_fragment({"format": "other", "version": 1, "nodes": []})
    whole = Document.from_json(doc.to_json())
    assert len(doc.paste_fragment(whole.to_json())) == len(whole)  # a whole file pastes too
    with pytest.raises(DocumentError):
        doc.paste_fragment({**frag, "nodes": [{"id": "x", "kind": "eval"}]})


def test_paste_fragment_builds_a_neuron_from_local_ids():
    doc = Document()
    frag = {
        "format": "mgstudio-fragment",
        "version": 1,
        "nodes": [
            {"id": "x1", "kind": "input", "label": "x1", "value": 2.0},
            {"id": "w1", "kind": "input", "label": "w1", "value": -3.0},
            {"id": "b", "kind": "input", "label": "b", "value": 6.8813735870195432},
            {"id": "m", "kind": "mul"},
            {"id": "s", "kind": "add"},
            {"id": "o", "kind": "tanh"},
        ],
        "wires": [
            {"src": "x1", "dst": "m", "port": "a"},
            {"src": "w1", "dst": "m", "port": "b"},
            {"src": "m", "dst": "s", "port": "a"},
            {"src": "b", "dst": "s", "port": "b"},
            {"src": "s", "dst": "o", "port": "a"},
        ],
    }
    new = doc.paste_fragment(frag)
    assert doc.backward() == new[-1]
    assert doc.value_of(new[-1]).data == pytest.approx(math.tanh(2 * -3 + 6.8813735870195432))


EDITS = (
    "add",
    "remove",
    "remove_many",
    "connect",
    "disconnect",
    "value",
    "label",
    "param",
    "move",
    "paste",
    "select",
    "backward",
)


@given(
    documents(),
    st.lists(st.tuples(st.sampled_from(EDITS), st.randoms(use_true_random=False)), max_size=12),
)
def test_random_edits_then_inverses_restore_the_document(doc, edits):
    original = doc.to_json()
    undo = []
    for what, rnd in edits:
        inverse = _apply(doc, what, rnd)
        if inverse is not None:
            undo.append(inverse)
        # incremental binding always agrees with binding from scratch
        assert snapshot(doc) == snapshot(Document.from_json(doc.to_json()))
    for inverse in reversed(undo):
        inverse()
    assert doc.to_json() == original
    assert snapshot(doc) == snapshot(Document.from_json(original))


def _apply(doc, what, rnd):
    ids = list(doc.nodes)
    pick = lambda: rnd.choice(ids)  # noqa: E731
    if what == "add" or not ids:
        kind = rnd.choice(list(KINDS))
        nid = doc.add_node(kind, label=rnd.choice(["", "x", "ü"]), pos=(rnd.uniform(-99, 99), 0.0))
        return lambda: doc.remove_node(nid)
    if what == "remove":
        rec = doc.remove_node(pick())
        return lambda: doc.restore_node(rec)
    if what == "remove_many":
        rec = doc.remove_nodes(rnd.sample(ids, k=rnd.randint(1, len(ids))))
        return lambda: doc.restore_nodes(rec)
    if what == "connect":
        dst = pick()
        ports = KINDS[doc.nodes[dst].kind].inputs
        if not ports:
            return None
        try:
            w = doc.connect(pick(), dst, rnd.choice(ports))
        except DocumentError:
            return None
        return lambda: doc.disconnect(w)
    if what == "disconnect":
        if not doc.wires:
            return None
        w = doc.disconnect(rnd.choice(doc.wires))
        return lambda: doc.connect(w.src, w.dst, w.port)
    if what == "value":
        leaves = [n for n in ids if KINDS[doc.nodes[n].kind].is_leaf]
        if not leaves:
            return None
        nid = rnd.choice(leaves)
        old = doc.set_value(nid, rnd.uniform(-5, 5))
        return lambda: doc.set_value(nid, old)
    if what == "label":
        nid = pick()
        old = doc.set_label(nid, rnd.choice(["", "q", "long label"]))
        return lambda: doc.set_label(nid, old)
    if what == "param":
        pows = [n for n in ids if doc.nodes[n].kind == "pow"]
        if not pows:
            return None
        nid = rnd.choice(pows)
        old = doc.set_param(nid, "exponent", rnd.choice([0.5, 2, 3, -1]))
        return lambda: doc.set_param(nid, "exponent", old)
    if what == "move":
        nid = pick()
        old = doc.move_node(nid, (rnd.uniform(-9, 9), rnd.uniform(-9, 9)))
        return lambda: doc.move_node(nid, old)
    if what == "paste":
        new = doc.paste_fragment(
            doc.fragment(rnd.sample(ids, k=rnd.randint(1, len(ids)))), offset=(10.0, 10.0)
        )
        return lambda: doc.remove_nodes(new)
    if what == "select":
        old = doc.set_selected_output(rnd.choice([None, *ids]))
        return lambda: doc.set_selected_output(old)
    doc.backward()  # changes grads only: nothing in the file
    return None


def test_zero_grad_and_neighbourhoods():
    doc, ids = lecture()
    doc.backward()
    got = []
    doc.events.values_changed.connect(got.append)
    changed = doc.zero_grad()
    assert set(changed) == set(ids.values()) and len(got) == 1
    assert all(doc.value_of(n).grad == 0.0 for n in doc.nodes) and not doc.grads_current
    assert doc.upstream_ids(ids["d"]) == [ids["a"], ids["b"], ids["e"], ids["c"], ids["d"]]
    assert doc.downstream_ids(ids["b"]) == [ids["b"], ids["e"], ids["d"], ids["L"]]


def test_automatic_ids_skip_ids_taken_by_a_file():
    doc = Document.from_json(
        '{"format": "mgstudio", "version": 1, "nodes": [{"id": "n0", "kind": "input"},'
        ' {"id": "n2", "kind": "input"}], "wires": []}'
    )
    assert doc.add_node("input") == "n3"
    with pytest.raises(UnknownKindError):
        doc.add_node("nope")
    assert doc.add_node("input") == "n4"  # a failed add hands out no id


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["connect", "disconnect", "remove", "restore", "add"]),
            st.integers(0, 50),
            st.integers(0, 50),
        ),
        max_size=30,
    )
)
def test_outputs_follow_every_structural_edit(steps):
    """``output_ids`` is remembered between edits; it must match a fresh count every time."""
    doc, _ = lecture()
    removed = []
    for op, i, j in steps:
        ids = list(doc.nodes)
        try:
            if op == "connect" and ids:
                dst = ids[j % len(ids)]
                ports = KINDS[doc.nodes[dst].kind].inputs
                if ports:
                    doc.connect(ids[i % len(ids)], dst, ports[i % len(ports)])
            elif op == "disconnect" and doc.wires:
                doc.disconnect(list(doc.wires)[i % len(doc.wires)])
            elif op == "remove" and ids:
                removed.append(doc.remove_node(ids[i % len(ids)]))
            elif op == "restore" and removed:
                doc.restore_node(removed.pop())
            elif op == "add":
                doc.add_node(["input", "tanh", "add"][i % 3], value=1.0 if i % 3 == 0 else None)
        except DocumentError:
            pass
        consumed = {w.src for w in doc.wires}
        assert doc.output_ids() == [nid for nid in doc.nodes if nid not in consumed]
