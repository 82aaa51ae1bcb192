"""Groups in files: every version-1 file mgstudio ships reads and saves unchanged, a grouped
document is a version-2 file that round-trips byte for byte, and hostile ``groups`` fields
are refused with a sentence (FileFormatError), never a traceback."""

from __future__ import annotations

import json

import pytest

from mgstudio.bundled import folder
from mgstudio.document import Document, FileFormatError
from mgstudio.document.groups import MAX_DEPTH, MAX_GROUPS

SHIPPED = sorted(folder("examples").glob("*.mgs"))


def grouped() -> Document:
    doc = Document()
    a = doc.add_node("input", label="a", value=1.5, pos=(0.0, 0.0))
    b = doc.add_node("input", label="b", value=-2.0, pos=(0.0, 80.0))
    m = doc.add_node("mul", label="m", pos=(200.0, 40.0))
    doc.connect(a, m, "a")
    doc.connect(b, m, "b")
    t = doc.add_node("tanh", label="t", pos=(400.0, 40.0))
    doc.connect(m, t, "a")
    n1 = doc.group_nodes([a, b, m], kind="neuron", label="L1.N1", collapsed=True)
    doc.group_nodes([a, b, m, t], kind="layer", label="Ω layer")
    doc.set_group_collapsed(n1, True)
    return doc


def text_with(**top) -> str:
    data = json.loads(grouped().to_json())
    data.update(top)
    return json.dumps(data)


def test_every_shipped_file_is_version_1_and_saves_back_byte_for_byte(tmp_path):
    assert SHIPPED, "the examples folder ships .mgs files"
    for path in SHIPPED:
        original = path.read_bytes()
        doc = Document.load(path)
        assert len(doc.groups) == 0
        assert json.loads(original)["version"] == 1
        out = tmp_path / path.name
        doc.save(out)
        assert out.read_bytes() == original, path.name
        assert json.loads(out.read_bytes())["version"] == 1


def test_a_grouped_document_is_version_2_and_round_trips_byte_for_byte(tmp_path):
    doc = grouped()
    text = doc.to_json()
    data = json.loads(text)
    assert data["version"] == 2
    assert data["groups"] == [
        {
            "id": "g1",
            "kind": "neuron",
            "label": "L1.N1",
            "parent": "g2",
            "collapsed": True,
            "nodes": ["n1", "n2", "n3"],
        },
        {
            "id": "g2",
            "kind": "layer",
            "label": "Ω layer",
            "parent": None,
            "collapsed": False,
            "nodes": ["n4"],
        },
    ]
    path = tmp_path / "g.mgs"
    doc.save(path)
    back = Document.load(path)
    assert back.groups.state() == doc.groups.state()
    assert back.to_json() == text
    back.save(tmp_path / "again.mgs")
    assert (tmp_path / "again.mgs").read_bytes() == path.read_bytes()


def test_ungrouping_everything_saves_a_version_1_file_again():
    doc = grouped()
    for gid in doc.groups.ids()[::-1]:
        doc.ungroup(gid)
    assert json.loads(doc.to_json())["version"] == 1 and "groups" not in doc.to_json()


def test_optional_group_fields_default_and_unknown_ones_are_kept():
    data = json.loads(grouped().to_json())
    data["groups"] = [
        {"id": "g1", "kind": "group", "nodes": ["n1"], "colour": "#ffcc00", "note": {"a": [1]}},
        {"id": "g2", "kind": "mlp", "nodes": ["n2"], "parent": "g1"},
    ]
    doc = Document.from_json(json.dumps(data))
    g1, g2 = doc.groups
    assert (g1.label, g1.parent, g1.collapsed) == ("", None, False)
    assert dict(g1.extra) == {"colour": "#ffcc00", "note": {"a": [1]}} and g2.parent == "g1"
    again = json.loads(doc.to_json())["groups"][0]
    assert again["colour"] == "#ffcc00" and again["note"] == {"a": [1]}
    # and an edit of the group keeps them
    doc.set_group_label("g1", "named")
    assert json.loads(doc.to_json())["groups"][0]["colour"] == "#ffcc00"


def test_a_version_1_file_with_a_groups_field_keeps_it_as_an_unknown_field():
    # version 1 had no groups: such a field is someone else's, written back untouched
    data = json.loads(Document().to_json())
    data["groups"] = {"whatever": [1, 2]}
    text = (
        Document()
        .to_json()
        .replace(
            '"selected_output": null', '"selected_output": null,\n  "groups": {"whatever": [1, 2]}'
        )
    )
    doc = Document.from_json(text)
    assert len(doc.groups) == 0 and doc.extra == {"groups": {"whatever": [1, 2]}}
    assert doc.to_json() == text


def test_an_empty_groups_list_in_version_2_reads_as_no_groups():
    doc = Document.from_json(text_with(groups=[]))
    assert len(doc.groups) == 0 and json.loads(doc.to_json())["version"] == 1


def _group(**fields):
    return {"id": "g1", "kind": "group", "nodes": ["n1"], **fields}


def _chain(n: int) -> list[dict]:
    """``n`` groups each inside the next; the innermost holds n1."""
    out = [_group(id="c0", parent="c1")]
    out += [
        {"id": f"c{i}", "kind": "group", "nodes": [], "parent": f"c{i + 1}"}
        for i in range(1, n - 1)
    ]
    out.append({"id": f"c{n - 1}", "kind": "group", "nodes": []})
    return out


HOSTILE = [
    ("not a list", 5, '"groups" must be a list'),
    ("null", None, '"groups" must be a list'),
    ("an object", {"g1": ["n1"]}, '"groups" must be a list'),
    ("an item not an object", [5], "group 1 is not a JSON object"),
    ("a number id", [_group(id=3)], "group 1: a group id is a short name"),
    ("no id", [{"kind": "group", "nodes": ["n1"]}], "group 1: a group id is a short name"),
    ("a bad id", [_group(id="has space")], "a group id is a short name"),
    ("an unknown kind", [_group(kind="cluster")], "kind is one of neuron, layer, mlp, group"),
    ("no kind", [{"id": "g1", "nodes": ["n1"]}], "kind is one of"),
    ("a list kind", [_group(kind=["group"])], "kind is one of"),
    ("nodes not a list", [_group(nodes="n1")], '"nodes" must be a list of node ids'),
    ("nodes of numbers", [_group(nodes=[1, 2])], '"nodes" must be a list of node ids'),
    ("an unknown node", [_group(nodes=["n1", "zz"])], "holds 'zz', which is not a node"),
    ("a node twice in one group", [_group(nodes=["n1", "n1"])], "lists 'n1' twice"),
    (
        "a node in two groups",
        [_group(), _group(id="g2")],
        "'n1' is in group g1 and in group g2; a node is in one group at most",
    ),
    ("two groups with one id", [_group(), _group(nodes=["n2"])], "two groups have the id 'g1'"),
    ("an unknown parent", [_group(parent="g9")], "inside 'g9', which is not a group"),
    ("itself as parent", [_group(parent="g1")], "inside itself"),
    (
        "a parent loop",
        [_group(parent="g2"), _group(id="g2", nodes=["n2"], parent="g1")],
        "inside itself",
    ),
    (
        "a loop above it",
        [
            _group(parent="g2"),
            _group(id="g2", nodes=["n2"], parent="g3"),
            _group(id="g3", nodes=["n3"], parent="g2"),
        ],
        "nested more than",
    ),
    ("nesting too deep", _chain(MAX_DEPTH + 2), f"nested more than {MAX_DEPTH} deep"),
    ("an empty group", [_group(nodes=[])], "group g1 holds no nodes"),
    ("an empty group, nodes left out", [{"id": "g1", "kind": "group"}], "holds no nodes"),
    ("collapsed a number", [_group(collapsed=1)], '"collapsed" must be true or false'),
    ("collapsed a string", [_group(collapsed="yes")], '"collapsed" must be true or false'),
    ("parent a number", [_group(parent=7)], '"parent" must be a group id or null'),
    ("parent a list", [_group(parent=["g2"])], '"parent" must be a group id or null'),
    ("label a number", [_group(label=7)], "a label must be text"),
    ("label null", [_group(label=None)], "a label must be text"),
    ("label two lines", [_group(label="a\nb")], "one line of text"),
    ("label too long", [_group(label="x" * 500)], "at most 200 characters"),
    (
        "an unknown field nested too deep",
        [_group(deep=json.loads("[" * 40 + "]" * 40))],
        "nests more than",
    ),
    (
        "too many groups",
        [_group(id=f"h{i}", nodes=["n1"]) for i in range(MAX_GROUPS + 1)],
        f"at most {MAX_GROUPS:,} groups",
    ),
    ("a huge member list", [_group(nodes=["n1", "n2"] * 100_000)], "lists 'n1' twice"),
]


@pytest.mark.parametrize("groups, words", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_groups_are_refused_with_a_sentence(groups, words):
    with pytest.raises(FileFormatError) as err:
        Document.from_json(text_with(groups=groups))
    message = str(err.value)
    assert words in message
    assert "\n" not in message and "Traceback" not in message
    assert message.count("group 1:") <= 1  # said once, not "group 1: group 1: ..."


def test_a_hostile_group_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "bad.mgs"
    path.write_text(text_with(groups=[_group(kind="cluster")]), encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"^bad\.mgs: group 1: a group's kind"):
        Document.load(path)


def test_a_version_4_file_is_refused_politely():
    with pytest.raises(FileFormatError, match="newer mgstudio"):
        Document.from_json(text_with(version=4))


def test_deep_but_allowed_nesting_loads_and_round_trips():
    text = text_with(groups=_chain(MAX_DEPTH + 1))  # MAX_DEPTH parents above the innermost
    doc = Document.from_json(text)
    assert doc.groups.depth("c0") == MAX_DEPTH
    assert Document.from_json(doc.to_json()).to_json() == doc.to_json()
