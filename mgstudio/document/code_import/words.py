"""How the reader names what it refuses: each construct in a learner's words."""

from __future__ import annotations

import ast

OP_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
UNSUPPORTED_OPS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.MatMult: "'@'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.BitOr: "'|'",
    ast.BitAnd: "'&'",
    ast.BitXor: "'^'",
    ast.Not: "'not'",
    ast.Invert: "'~'",
}
STATEMENTS: dict[type[ast.AST], str] = {  # each with its verb, for "… not supported"
    ast.For: "'for' loops are",
    ast.AsyncFor: "'for' loops are",
    ast.While: "'while' loops are",
    ast.If: "'if' statements are",
    ast.FunctionDef: "function definitions ('def') are",
    ast.AsyncFunctionDef: "function definitions ('def') are",
    ast.ClassDef: "class definitions are",
    ast.With: "'with' blocks are",
    ast.AsyncWith: "'with' blocks are",
    ast.Try: "'try' blocks are",
    ast.Return: "'return' is",
    ast.Delete: "'del' is",
    ast.Global: "'global' is",
    ast.Nonlocal: "'nonlocal' is",
    ast.Assert: "'assert' is",
    ast.Raise: "'raise' is",
    ast.AnnAssign: "annotated assignments are",
    ast.Break: "'break' is",
    ast.Continue: "'continue' is",
}
EXPRESSIONS: dict[type[ast.AST], str] = {  # each with its verb, as STATEMENTS
    ast.Lambda: "lambda functions are",
    ast.ListComp: "list comprehensions are",
    ast.SetComp: "set comprehensions are",
    ast.DictComp: "dict comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.Subscript: "indexing (x[…]) is",
    ast.Starred: "starred expressions (*x) are",
    ast.NamedExpr: "the walrus operator (:=) is",
    ast.Compare: "comparisons are",
    ast.BoolOp: "'and' / 'or' are",
    ast.IfExp: "'… if … else …' is",
    ast.JoinedStr: "f-strings are",
    ast.List: "lists are",
    ast.Tuple: "tuples are",
    ast.Dict: "dicts are",
    ast.Set: "sets are",
    ast.Await: "'await' is",
    ast.Yield: "'yield' is",
    ast.YieldFrom: "'yield' is",
    ast.Slice: "slices are",
}


def op_text(op: ast.operator) -> str:
    return OP_SYMBOLS.get(type(op), "?")


def unsupported_op(op: ast.operator | ast.unaryop) -> str:
    return f"the operator {UNSUPPORTED_OPS.get(type(op), type(op).__name__)} is not supported"


def statement_refusal(st: ast.stmt) -> str:
    what = STATEMENTS.get(type(st), f"'{type(st).__name__}' statements are")
    return f"{what} not supported; write each step on its own line with plain assignments"


def expression_refusal(e: ast.expr) -> str:
    what = EXPRESSIONS.get(type(e), f"'{type(e).__name__}' expressions are")
    return f"{what} not supported"


def describe_call(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return f"'{func.id}'"
    if isinstance(func, ast.Attribute):
        return f"'{unparse(func)}'"
    return "this kind of function"


def unparse(e: ast.AST) -> str:
    """The code of ``e`` for a message, at most 40 characters."""
    try:
        text = ast.unparse(e)
    except Exception:  # unparse of odd trees; the kind of node is enough
        return type(e).__name__
    return text if len(text) <= 40 else text[:37] + "…"
