"""Undo commands against a real Document: every edit kind undoes and redoes exactly."""

from __future__ import annotations

import math

import pytest
from helpers.budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from mgstudio.app.commands import (
    AddNodeCommand,
    ConnectCommand,
    DisconnectCommand,
    InsertNeuronCommand,
    MoveNodesCommand,
    PasteCommand,
    RemoveNodesCommand,
    SetLabelCommand,
    SetParamCommand,
    SetValueCommand,
    SpliceCommand,
)
from mgstudio.document import CycleError, Document, PortOccupiedError, Wire


def roundtrip(stack: QUndoStack, doc: Document, command, times: int = 3) -> None:
    """Push ``command``; undo and redo it ``times`` times, checking both states each time."""
    before = doc.to_json()
    stack.push(command)
    assert command.error is None
    after = doc.to_json()
    assert after != before
    for _ in range(times):
        stack.undo()
        assert doc.to_json() == before
        stack.redo()
        assert doc.to_json() == after


def test_add_node_keeps_its_id_through_undo_redo(doc, undo_stack):
    cmd = AddNodeCommand(doc, "mul", (10, 20))
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Add mul"
    assert list(doc.nodes) == [cmd.node_id]
    assert doc.nodes[cmd.node_id].pos == (10.0, 20.0)


def test_connect_text_and_roundtrip(doc, undo_stack):
    a = doc.add_node("input", label="a", value=2.0)
    e = doc.add_node("mul", label="e")
    cmd = ConnectCommand(doc, a, e, "a")
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Connect a → e.a"
    assert Wire(a, e, "a") in doc.wires


def test_disconnect_one_and_many(doc, undo_stack, neuron):
    w = next(w for w in doc.wires if w.dst == neuron["o"])
    one = DisconnectCommand(doc, w)
    roundtrip(undo_stack, doc, one)
    assert one.text() == "Disconnect n → o.a"
    many = DisconnectCommand(doc, [x for x in doc.wires if x.dst == neuron["x1w1"]])
    roundtrip(undo_stack, doc, many)
    assert many.text() == "Cut 2 wires"


def test_set_value_recomputes_and_undoes(doc, undo_stack, neuron):
    cmd = SetValueCommand(doc, neuron["x1"], 2.5)
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Set x1 = 2.5"
    assert doc.value_of(neuron["x1w1"]).data == pytest.approx(2.5 * -3.0)
    undo_stack.undo()
    assert doc.value_of(neuron["x1w1"]).data == pytest.approx(-6.0)
    assert doc.value_of(neuron["o"]).data == pytest.approx(math.sqrt(0.5))


def test_consecutive_value_edits_of_one_leaf_merge(doc, undo_stack, neuron):
    x1, w1 = neuron["x1"], neuron["w1"]
    for v in (2.1, 2.2, 2.3):
        undo_stack.push(SetValueCommand(doc, x1, v))
    assert undo_stack.count() == 1
    assert undo_stack.text(0) == "Set x1 = 2.3"
    undo_stack.push(SetValueCommand(doc, w1, 0.5))  # another leaf: a new step
    undo_stack.push(SetValueCommand(doc, w1, 0.7, merge=False))  # typed on purpose: new step
    assert undo_stack.count() == 3
    undo_stack.undo()
    undo_stack.undo()
    undo_stack.undo()
    assert doc.nodes[x1].value == 2.0
    assert doc.nodes[w1].value == -3.0


def test_nudging_back_to_the_start_leaves_nothing_to_undo(doc, undo_stack, neuron):
    x1 = neuron["x1"]
    undo_stack.push(SetValueCommand(doc, x1, 2.1))
    undo_stack.push(SetValueCommand(doc, x1, 2.0))
    assert undo_stack.count() == 0
    assert doc.nodes[x1].value == 2.0


def test_label_and_param(doc, undo_stack):
    p = doc.add_node("pow", label="p")
    rename = SetLabelCommand(doc, p, "sq")
    roundtrip(undo_stack, doc, rename)
    assert rename.text() == "Rename p to sq"
    exponent = SetParamCommand(doc, p, "exponent", 3.0)
    roundtrip(undo_stack, doc, exponent)
    assert doc.nodes[p].params["exponent"] == 3.0
    undo_stack.push(SetParamCommand(doc, p, "exponent", 4.0))
    assert undo_stack.count() == 2  # merged into the previous exponent edit
    undo_stack.undo()
    assert doc.nodes[p].params["exponent"] == 2.0


def test_move_several_nodes_is_one_step(doc, undo_stack, neuron):
    ids = [neuron["x1"], neuron["w1"], neuron["b"]]
    cmd = MoveNodesCommand(doc, {nid: (100.0 * i, 50.0) for i, nid in enumerate(ids)})
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Move 3 nodes"
    assert doc.nodes[neuron["w1"]].pos == (100.0, 50.0)


def test_delete_undo_redo_repeatedly_keeps_ids_and_wires(doc, undo_stack, neuron):
    before_wires = set(doc.wires)
    victims = [neuron["x1w1"], neuron["n"]]
    cmd = RemoveNodesCommand(doc, victims)
    for _ in range(5):
        undo_stack.push(cmd) if undo_stack.count() == 0 else undo_stack.redo()
        assert not set(victims) & set(doc.nodes)
        assert all(w.src not in victims and w.dst not in victims for w in doc.wires)
        undo_stack.undo()
        assert set(doc.wires) == before_wires
        assert list(doc.nodes) == list(neuron.values())  # same ids, same order
    doc.backward(neuron["o"])
    assert doc.value_of(neuron["x1"]).grad == pytest.approx(-1.5)


def test_delete_selected_wires_with_nodes(doc, undo_stack, neuron):
    loose = next(w for w in doc.wires if w.dst == neuron["o"])
    cmd = RemoveNodesCommand(doc, [neuron["b"]], [loose])
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Delete 1 node and 1 wire"


def test_paste_keeps_the_same_new_ids_on_redo(doc, undo_stack, neuron):
    fragment = doc.fragment([neuron["x1"], neuron["w1"], neuron["x1w1"]])
    cmd = PasteCommand(doc, fragment, (40, 40))
    roundtrip(undo_stack, doc, cmd)
    assert cmd.text() == "Paste 3 nodes"
    assert len(cmd.ids) == 3 and not set(cmd.ids) & set(neuron.values())
    copy = {doc.nodes[i].label: i for i in cmd.ids}
    assert Wire(copy["x1"], copy["x1w1"], "a") in doc.wires
    assert doc.value_of(copy["x1w1"]).data == -6.0


def test_insert_neuron_gives_the_lectures_numbers(doc, undo_stack):
    cmd = InsertNeuronCommand(doc, 2, "tanh")
    roundtrip(undo_stack, doc, cmd)
    by_label = {doc.nodes[i].label: i for i in cmd.ids}
    assert sorted(by_label) == sorted(
        ["x1", "x2", "w1", "w2", "b", "x1w1", "x2w2", "x1w1x2w2", "n", "o"]
    )
    doc.backward(by_label["o"])
    val = {k: doc.value_of(v) for k, v in by_label.items()}
    assert val["o"].data == pytest.approx(0.7071, abs=1e-4)
    assert val["n"].grad == pytest.approx(0.5, abs=1e-12)
    assert (val["x1"].grad, val["w1"].grad) == pytest.approx((-1.5, 1.0))
    assert (val["x2"].grad, val["w2"].grad) == pytest.approx((0.5, 0.0))


@pytest.mark.parametrize("n", [1, 3, 5])
def test_neuron_of_any_width_computes_tanh_of_the_weighted_sum(doc, undo_stack, n):
    cmd = InsertNeuronCommand(doc, n, "tanh")
    undo_stack.push(cmd)
    by_label = {doc.nodes[i].label: i for i in cmd.ids}
    xs = [doc.nodes[by_label[f"x{i}"]].value for i in range(1, n + 1)]
    ws = [doc.nodes[by_label[f"w{i}"]].value for i in range(1, n + 1)]
    b = doc.nodes[by_label["b"]].value
    expected = math.tanh(sum(x * w for x, w in zip(xs, ws)) + b)
    assert doc.value_of(by_label["o"]).data == pytest.approx(expected)


def test_linear_neuron_ends_in_o_without_activation(doc, undo_stack):
    cmd = InsertNeuronCommand(doc, 2, "linear")
    undo_stack.push(cmd)
    labels = {doc.nodes[i].label: doc.nodes[i].kind for i in cmd.ids}
    assert labels["o"] == "add" and "tanh" not in labels.values()


def test_splice_puts_a_node_into_a_wire(doc, undo_stack, neuron):
    wire = next(w for w in doc.wires if w.dst == neuron["o"])
    e = doc.add_node("exp", label="e")
    cmd = SpliceCommand(doc, e, wire, "a")
    roundtrip(undo_stack, doc, cmd)
    assert Wire(neuron["n"], e, "a") in doc.wires and Wire(e, neuron["o"], "a") in doc.wires
    assert doc.value_of(neuron["o"]).data == pytest.approx(math.tanh(math.exp(0.8813735870195432)))


def test_a_refused_edit_is_not_pushed_and_keeps_the_error(doc, undo_stack, neuron):
    before = doc.to_json()
    occupied = ConnectCommand(doc, neuron["o"], neuron["x1w1"], "a")
    undo_stack.push(occupied)
    assert undo_stack.count() == 0
    assert isinstance(occupied.error, PortOccupiedError)
    assert doc.to_json() == before
    e = doc.add_node("exp")
    undo_stack.push(ConnectCommand(doc, neuron["o"], e, "a"))
    cycle = ConnectCommand(doc, e, neuron["x1w1"], "a")
    undo_stack.push(DisconnectCommand(doc, doc.inputs_of(neuron["x1w1"])["a"]))
    undo_stack.push(cycle)
    assert isinstance(cycle.error, CycleError)
    assert "cycle" in str(cycle.error)
    assert undo_stack.count() == 2


# --- property: any sequence of edits undoes back to the start and redoes to the end --------
_KINDS = ["input", "constant", "add", "mul", "tanh", "exp", "pow", "neg"]


@st.composite
def edit_scripts(draw):
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "add",
                        "remove",
                        "connect",
                        "disconnect",
                        "value",
                        "label",
                        "move",
                        "paste",
                        "param",
                    ]
                ),
                st.integers(0, 10_000),
                st.integers(0, 10_000),
                st.floats(-5, 5, allow_nan=False),
            ),
            min_size=1,
            max_size=25,
        )
    )


def _command_for(doc, op, i, j, x):
    ids = list(doc.nodes)
    if op == "add" or not ids:
        return AddNodeCommand(doc, _KINDS[i % len(_KINDS)], (i % 500, j % 500))
    a, b = ids[i % len(ids)], ids[j % len(ids)]
    node = doc.nodes[a]
    if op == "remove":
        return RemoveNodesCommand(doc, [a, b])
    if op == "connect":
        ports = doc.nodes[b].spec.inputs
        return ConnectCommand(doc, a, b, ports[i % len(ports)]) if ports else None
    if op == "disconnect":
        wires = doc.wires
        return DisconnectCommand(doc, wires[i % len(wires)]) if wires else None
    if op == "value":
        return SetValueCommand(doc, a, x) if node.spec.is_leaf else None
    if op == "label":
        return SetLabelCommand(doc, a, f"v{j}")
    if op == "move":
        return MoveNodesCommand(doc, {a: (x * 100, j % 300), b: (j % 200, x)})
    if op == "paste":
        return PasteCommand(doc, doc.fragment([a, b]), (30, 30))
    if op == "param":
        return SetParamCommand(doc, a, "exponent", x) if node.kind == "pow" else None
    raise AssertionError(op)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=edit_scripts())
def test_any_edit_sequence_undoes_and_redoes_exactly(qtbot, script):
    doc = Document()
    stack = QUndoStack()
    start = doc.to_json()
    for op, i, j, x in script:
        cmd = _command_for(doc, op, i, j, x)
        if cmd is not None:
            stack.push(cmd)  # refused edits (cycles, occupied ports) simply do not land
    end = doc.to_json()
    end_values = {
        nid: (v.data if v is not None else None) for nid in doc.nodes for v in [doc.value_of(nid)]
    }
    for _ in range(2):
        while stack.canUndo():
            stack.undo()
        assert doc.to_json() == start
        while stack.canRedo():
            stack.redo()
        assert doc.to_json() == end
    again = {
        nid: (v.data if v is not None else None) for nid in doc.nodes for v in [doc.value_of(nid)]
    }
    assert again == pytest.approx(end_values, nan_ok=True)
