"""The node kinds a learner can put on the canvas, in one registry (``KINDS``).

The palette, the file format, the code exporter and the DOT exporter all read this table, so a
new kind is added here and nowhere else; the Functions (tanh, relu, ...) are made here from the
engine's op registry (``mgstudio/engine/ops.py``), so a new function is added there instead.
Each kind builds its engine ``Value`` with the engine's own operators, which keeps the canvas
graph identical to the one the lecture code would build.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from mgstudio.engine import Value
from mgstudio.engine.registry import Op, subscribe

LEAVES = "Leaves"
ARITHMETIC = "Arithmetic"
FUNCTIONS = "Functions"
CATEGORIES = (LEAVES, ARITHMETIC, FUNCTIONS)


@dataclass(frozen=True)
class Param:
    """A constant setting of a kind (not a wire), e.g. the exponent of ``x**2``."""

    name: str
    type: type
    default: float
    doc: str = ""


@dataclass(frozen=True)
class Kind:
    """What a node of this kind is, shows and computes."""

    name: str
    title: str
    symbol: str
    inputs: tuple[str, ...]
    doc: str
    category: str
    _build: Callable[..., Value] = field(repr=False, compare=False)
    optional: frozenset[str] = frozenset()
    params: tuple[Param, ...] = ()
    #: Python for the code exporter: ``{port}`` / ``{param}`` placeholders, e.g. ``"{a} * {b}"``.
    code: str = ""
    #: the engine op names (``mgstudio.engine.OPS``) a node of this kind can compute
    ops: tuple[str, ...] = ()
    default_value: float | None = None

    @property
    def is_leaf(self) -> bool:
        """Leaves hold a number the user types; every other kind computes from its inputs."""
        return not self.inputs

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p for p in self.inputs if p not in self.optional)

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def default_params(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def build(
        self,
        operands: Sequence[Value | None] = (),
        params: Mapping[str, float] | None = None,
        value: float | None = None,
    ) -> Value:
        """A new ``Value`` for this kind: ``operands`` in port order (None for an unwired
        optional port), ``params`` (defaults fill the gaps), ``value`` for leaves."""
        if self.is_leaf:
            return Value(value if value is not None else self.default_value or 0.0)
        if len(operands) != len(self.inputs):
            raise ValueError(f"{self.name} takes {len(self.inputs)} operands")
        merged = self.default_params()
        if params:
            merged.update(params)
        return self._build(*operands, **merged)


def _leaf(
    *_operands: object, **_params: object
) -> NoReturn:  # leaves are built from their value, never from operands
    raise AssertionError("leaves have no operands")


def _pow(a: Value, exponent_wire: Value | None, exponent: float = 2.0) -> Value:
    if exponent_wire is not None:
        return a**exponent_wire
    return a**exponent


def _unary(method: str) -> Callable[..., Value]:
    return lambda a: getattr(a, method)()


KINDS: dict[str, Kind] = {}


def _register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


_register(
    Kind(
        "input",
        "Input",
        "x",
        (),
        "A number you choose: type a new value and watch everything downstream change. "
        "After Backward, its grad says how much the output moves when this number moves.",
        LEAVES,
        _leaf,
        default_value=0.0,
    )
)
_register(
    Kind(
        "constant",
        "Constant",
        "c",
        (),
        "A fixed number in a formula, like the 3 in 3*x**2. It gets a grad too, but you would "
        "usually not tune it.",
        LEAVES,
        _leaf,
        default_value=1.0,
    )
)
_register(
    Kind(
        "add",
        "Add",
        "+",
        ("a", "b"),
        "a + b. Backward hands its grad unchanged to both inputs: a plus node distributes the "
        "gradient.",
        ARITHMETIC,
        lambda a, b: a + b,
        code="{a} + {b}",
        ops=("add",),
    )
)
_register(
    Kind(
        "sub",
        "Subtract",
        "-",
        ("a", "b"),
        "a - b. Backward passes its grad to a unchanged and to b with the sign flipped.",
        ARITHMETIC,
        lambda a, b: a - b,
        code="{a} - {b}",
        ops=("sub",),
    )
)
_register(
    Kind(
        "mul",
        "Multiply",
        "*",
        ("a", "b"),
        "a * b. Backward gives each input the grad times the other input's value: a times node "
        "swaps the values.",
        ARITHMETIC,
        lambda a, b: a * b,
        code="{a} * {b}",
        ops=("mul",),
    )
)
_register(
    Kind(
        "div",
        "Divide",
        "/",
        ("a", "b"),
        "a / b. d/da is 1/b and d/db is -a/b**2; dividing by zero gives inf or nan, not a crash.",
        ARITHMETIC,
        lambda a, b: a / b,
        code="{a} / {b}",
        ops=("div",),
    )
)
_register(
    Kind(
        "pow",
        "Power",
        "**",
        ("a", "exponent"),
        "a ** k. With the exponent unwired, k is the number set on the node (d/da = k*a**(k-1)); "
        "wire a node into 'exponent' to raise a to another value (then the exponent gets a grad "
        "too, a**k * log(a)).",
        ARITHMETIC,
        _pow,
        optional=frozenset({"exponent"}),
        params=(Param("exponent", float, 2.0, "the power, used while 'exponent' is unwired"),),
        code="{a}**{exponent}",
        ops=("pow", "powv"),
    )
)
_register(
    Kind(
        "neg",
        "Negate",
        "neg",
        ("a",),
        "-a. Backward flips the sign of the grad.",
        ARITHMETIC,
        lambda a: -a,
        code="-{a}",
        ops=("neg",),
    )
)
#: engine op name -> kind name (``powv``, Value ** Value, is a pow node with its exponent wired)
KIND_FOR_OP: dict[str, str] = {op: k.name for k in KINDS.values() for op in k.ops}


def _function_kind(name: str, op: Op | None) -> None:
    """The palette node of a one-input function of the op registry (``engine/ops.py``): its
    title, glyph and tooltip are the op's, so a new function needs no edit here."""
    if name in _FROM_REGISTRY:
        _FROM_REGISTRY.discard(name)
        del KINDS[name], KIND_FOR_OP[name]
    if op is None or op.method is None:
        return
    if name in KINDS:
        raise ValueError(f"the op {name!r} would replace the node kind of the same name")
    _register(
        Kind(
            name,
            op.title or name,
            op.glyph or op.symbol,
            ("a",),
            op.doc,
            FUNCTIONS,
            _unary(op.method),
            code="{a}." + op.method + "()",
            ops=(name,),
        )
    )
    KIND_FOR_OP[name] = name
    _FROM_REGISTRY.add(name)


_FROM_REGISTRY: set[str] = set()  # the kinds made by _function_kind
subscribe(_function_kind)


def kinds_in(category: str) -> list[Kind]:
    """The kinds of one palette category, in registry order."""
    return [k for k in KINDS.values() if k.category == category]
