"""Events: structural signals once per change, values_changed once per edit or batch."""

import pytest
from helpers.small_docs import x_times_w

from mgstudio.document import Wire


class Recorder:
    def __init__(self, doc):
        self.log = []
        for name in (
            "node_added",
            "node_removed",
            "node_changed",
            "wire_added",
            "wire_removed",
            "values_changed",
            "output_changed",
        ):
            getattr(doc.events, name).connect(lambda *args, _n=name: self.log.append((_n, *args)))

    def take(self):
        out, self.log = self.log, []
        return out

    def values(self):
        return [entry for entry in self.log if entry[0] == "values_changed"]


@pytest.fixture
def neuron():
    return x_times_w("tanh", "xw")


def test_add_node_emits_added_then_values(neuron):
    doc, _ = neuron
    rec = Recorder(doc)
    nid = doc.add_node("input", value=1.0)
    assert rec.take() == [("node_added", nid), ("values_changed", (nid,))]


def test_connect_reports_the_rebound_nodes_once(neuron):
    doc, (x, w, m, o) = neuron
    rec = Recorder(doc)
    wire = doc.disconnect(doc.inputs_of(m)["a"])
    assert rec.take() == [("wire_removed", wire), ("values_changed", (m, o))]
    doc.connect(x, m, "a")
    assert rec.take() == [("wire_added", Wire(x, m, "a")), ("values_changed", (m, o))]


def test_set_value_is_one_change_and_one_values_batch(neuron):
    doc, (x, w, m, o) = neuron
    rec = Recorder(doc)
    doc.set_value(x, 1.0)
    assert rec.take() == [("node_changed", x), ("values_changed", (x, m, o))]


def test_handlers_see_a_consistent_document(neuron):
    doc, (x, w, m, o) = neuron
    seen = []
    doc.events.node_added.connect(lambda nid: seen.append(doc.value_of(nid)))
    doc.events.wire_added.connect(lambda wire: seen.append(doc.value_of(wire.dst)))
    rec = doc.remove_nodes([x, m])
    doc.restore_nodes(rec)
    assert all(v is not None for v in seen) and len(seen) == 2 + 3


def test_remove_reports_wires_then_nodes_and_never_removed_ids(neuron):
    doc, (x, w, m, o) = neuron
    rec = Recorder(doc)
    doc.remove_node(m)
    log = rec.take()
    kinds = [e[0] for e in log]
    assert kinds == ["wire_removed"] * 3 + ["node_removed", "values_changed"]
    assert log[-1] == ("values_changed", (o,))


def test_batch_groups_values_changed(neuron):
    doc, (x, w, m, o) = neuron
    rec = Recorder(doc)
    with doc.batch():
        doc.set_value(x, 1.0)
        doc.set_value(w, 1.0)
        n = doc.add_node("neg")
        doc.connect(o, n, "a")
        assert rec.values() == []
    batches = rec.values()
    assert len(batches) == 1
    assert set(batches[0][1]) == {x, w, m, o, n}


def test_backward_emits_once_with_the_nodes_whose_grad_changed(neuron):
    doc, (x, w, m, o) = neuron
    spare = doc.add_node("input", value=5.0)
    rec = Recorder(doc)
    doc.backward(o)
    assert rec.take() == [("values_changed", (x, w, m, o))]
    doc.backward(o)
    assert rec.take() == []  # nothing changed
    doc.backward(spare)
    assert rec.take() == [("values_changed", (x, w, m, o, spare))]


def test_moving_and_labelling_emit_node_changed_only(neuron):
    doc, (x, *_rest) = neuron
    rec = Recorder(doc)
    doc.move_node(x, (10.0, 5.0))
    doc.set_label(x, "x1")
    doc.move_nodes({x: (10.0, 5.0)})  # no actual move: no event
    assert rec.take() == [("node_changed", x), ("node_changed", x)]


def test_selecting_the_output_emits(neuron):
    doc, (x, w, m, o) = neuron
    rec = Recorder(doc)
    assert doc.set_selected_output(m) is None
    assert doc.set_selected_output(m) == m
    assert rec.take() == [("output_changed", m)]


def test_disconnecting_a_handler_stops_events(neuron):
    doc, (x, *_rest) = neuron
    got = []
    doc.events.values_changed.connect(got.append)
    doc.events.values_changed.disconnect(got.append)
    doc.set_value(x, 3.0)
    assert got == []
