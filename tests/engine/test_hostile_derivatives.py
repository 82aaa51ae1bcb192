"""Local derivatives where a naive formula gives nan but the function is smooth: ``x**0`` at
``x = 0`` (``0 * 0**-1``), and ``d(a/b)/db`` for tiny ``b`` (``b*b`` underflows to 0). Checked
through ``python -m mgstudio check --gradcheck`` (backward vs central differences), and the
numpy rules (the Tape) agree with the scalar ones there."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mgstudio.cli import main
from mgstudio.engine import OPS, Value


def gradcheck_cli(tmp_path, capsys, code: str) -> tuple[int, str]:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(code, encoding="utf-8")
    doc = tmp_path / "doc.mgs"
    assert main(["import", str(snippet), "-o", str(doc)]) == 0
    capsys.readouterr()
    rc = main(["check", "--gradcheck", str(doc)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out + err


@pytest.mark.parametrize(
    "code",
    [
        "x = Value(0.0, label='x')\ny = x**0\n",
        "x = Value(-0.0, label='x')\ny = x**0.0\n",
        "x = Value(0.0, label='x')\nk = Value(0.0, label='k')\ny = (x + 1) * x**k\n",
        "a = Value(0.0, label='a')\nb = Value(1e-200, label='b')\ny = a / b\n",
    ],
)
def test_smooth_points_pass_the_gradient_check(tmp_path, capsys, code):
    rc, text = gradcheck_cli(tmp_path, capsys, code)
    assert "nan" not in text, text
    assert rc == 0, text


def test_x_to_the_zero_has_zero_slope_everywhere():
    for a in (0.0, -0.0, 2.0, -3.0, math.inf):
        x = Value(a)
        y = x**0
        y.backward()
        assert y.data == 1.0 and x.grad == 0.0, a
        k = Value(0.0)
        z = Value(a) ** k
        z.backward()
        assert z._a.grad == 0.0, a


def test_numpy_rules_agree_at_those_points():
    A = np.array([[0.0, -0.0, 0.0, 2.0]])
    B = np.array([[0.0, 0.0, 1e-200, 3.0]])
    with np.errstate(all="ignore"):
        for name in ("pow", "powv", "div"):
            op = OPS[name]
            K = B if op.uses_param else None
            D = np.empty_like(A)
            op.np_forward(A, B if op.arity == 2 else None, K, D)
            local = op.np_local(A, B if op.arity == 2 else None, D, K)
            for j in range(A.shape[1]):
                va, vb = Value(float(A[0, j])), Value(float(B[0, j]))
                node = va / vb if name == "div" else va ** (vb if name == "powv" else vb.data)
                for i, d in enumerate(op.local(node)):
                    mine = float(np.broadcast_to(local[i], A.shape)[0, j])
                    assert (math.isnan(mine) and math.isnan(d)) or mine == d, (name, j, i)
