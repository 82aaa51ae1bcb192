"""``python -m mgstudio check`` on documents with extreme numbers: the op column shows a huge
exponent as the graph's picture does (``**1e+300``, not 301 digits), and counts read right."""

from __future__ import annotations

import json

from mgstudio.cli import main


def write(tmp_path, nodes, wires):
    path = tmp_path / "d.mgs"
    path.write_text(
        json.dumps({"format": "mgstudio", "version": 1, "nodes": nodes, "wires": wires})
    )
    return path


def check(path, capsys) -> str:
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out


def test_a_huge_exponent_is_shown_short(tmp_path, capsys):
    x = {"id": "x", "kind": "input", "label": "x", "value": 2.0}
    y = {"id": "y", "kind": "pow", "label": "y", "params": {"exponent": 1e300}}
    out = check(write(tmp_path, [x, y], [{"src": "x", "dst": "y", "port": "a"}]), capsys)
    assert "pow **1e+300" in out, out
    assert max(len(line) for line in out.splitlines()[1:]) < 80, out


def test_exponents_are_shown_as_the_picture_shows_them(tmp_path, capsys):
    from mgstudio.document import Document
    from mgstudio.document.graphviz_io import op_symbol

    x = {"id": "x", "kind": "input", "label": "x", "value": 2.0}
    for k in (2.0, -1.0, 0.5, 1e15, 123456789.0, -0.0):
        y = {"id": "y", "kind": "pow", "label": "y", "params": {"exponent": k}}
        path = write(tmp_path, [x, y], [{"src": "x", "dst": "y", "port": "a"}])
        out = check(path, capsys)
        shown = op_symbol(Document.load(path).nodes["y"])
        assert f"pow {shown} " in out, (k, out)


def test_one_node_is_one_node(tmp_path, capsys):
    out = check(
        write(tmp_path, [{"id": "x", "kind": "input", "label": "x", "value": 1.0}], []), capsys
    )
    assert ": 1 node;" in out.splitlines()[0], out
