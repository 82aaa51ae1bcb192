"""Whatever a learner did to a network document (a label on a product, a wire moved, a
node taken out of its neuron, a weight of -0.0), the class export either declines (and the
flat script is written) or writes a program whose import is the same document: it never
writes classes that rebuild a different graph."""

import ast
import re

from helpers.budget import examples
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_codeio_export_classes import network
from test_codeio_export_classes_roundtrip import assert_same_document, by_label

from mgstudio.document import Document, DocumentError
from mgstudio.document.code_export_classes import export_classes, export_program
from mgstudio.document.code_import import import_program
from mgstudio.engine.nn import ACTIVATIONS

WEIGHTS = [-0.0, 0.0, 1e-300, -2.5, 1e15, 0.1 + 0.2, 7.0]


def mutate(doc: Document, data: st.DataObject) -> None:
    ids = list(doc.nodes)
    what = data.draw(st.sampled_from(["label", "rewire", "ungroup_node", "weight", "nothing"]))
    nid = data.draw(st.sampled_from(ids))
    if what == "label":
        doc.set_label(nid, data.draw(st.sampled_from(["w", "it's", "L1.N1", "σ", ""])))
    elif what == "rewire":
        wires = doc.inputs_of(nid)
        if wires:
            wire = data.draw(st.sampled_from(sorted(wires.values())))
            src = data.draw(st.sampled_from(ids))
            doc.disconnect(wire)
            try:
                doc.connect(src, wire.dst, wire.port)
            except DocumentError:  # a cycle: put the wire back
                doc.connect(wire.src, wire.dst, wire.port)
    elif what == "ungroup_node":
        gid = doc.groups.group_of(nid)
        if gid is not None and len(doc.groups.get(gid).nodes) > 1:
            from dataclasses import replace

            groups = [
                replace(g, nodes=tuple(n for n in g.nodes if n != nid)) if g.id == gid else g
                for g in doc.groups
            ]
            doc.restore_groups(groups)
    elif what == "weight" and doc.nodes[nid].kind in ("input", "constant"):
        doc.set_value(nid, data.draw(st.sampled_from(WEIGHTS)))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    nin=st.integers(1, 3),
    hidden=st.lists(st.integers(1, 3), max_size=2),
    activation=st.sampled_from(list(ACTIVATIONS)),
    seed=st.integers(0, 2**16),
    mutations=st.integers(0, 3),
    data=st.data(),
)
def test_the_export_declines_or_rebuilds_the_same_document(
    nin, hidden, activation, seed, mutations, data
):
    doc = network(nin, [*hidden, 1], activation, seed=seed)
    for _ in range(mutations):
        mutate(doc, data)
    if len(doc.output_ids()) != 1:
        return  # an import rebuilds one output's graph; a wire moved may leave two
    doc.backward()
    ast.parse(export_program(doc))
    text = export_classes(doc)
    event("flat script" if text is None else "classes")
    if text is None:
        return
    # the output is the Value the program calls backward() on
    (out,) = re.findall(r"^(\w+)\.backward\(\)$", text, flags=re.MULTILINE)
    back = import_program(text, output=out).document
    back.backward()
    if any(len(v) > 1 for v in by_label(doc).values()):
        return  # a mutation labelled two nodes alike: numbers by label would be ambiguous
    assert_same_document(doc, back, exact_labels=False)
