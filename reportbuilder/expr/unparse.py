"""Expressions back to text (parsed and checked ones alike), for explain and round-trip tests."""
from __future__ import annotations

from . import ast


def unparse(node) -> str:
    kind = type(node).__name__
    if isinstance(node, ast.Literal) or kind == "Const":
        return _literal(node.value, getattr(node, "kind", None) or node.type)
    if isinstance(node, ast.FieldRef):
        return node.dotted
    if kind in ("Field", "EntityRef"):
        name = node.column.name if kind == "Field" else ""
        return ".".join([*node.path, name]).strip(".") or "(source rows)"
    if kind == "Agg":
        return f"{node.func}({', '.join(unparse(a) for a in node.args)})"
    if kind in ("Slot", "OutputRef"):
        return node.name
    if isinstance(node, ast.Call):
        return f"{node.name}({', '.join(unparse(a) for a in node.args)})"
    if isinstance(node, ast.Unary):
        return f"(not {unparse(node.operand)})" if node.op == "not" else f"(-{unparse(node.operand)})"
    if isinstance(node, ast.Binary):
        return f"({unparse(node.left)} {node.op} {unparse(node.right)})"
    if isinstance(node, ast.InList):
        items = ", ".join(unparse(i) for i in node.items)
        return f"({unparse(node.operand)} {'not in' if node.negated else 'in'} ({items}))"
    if isinstance(node, ast.Between):
        word = "not between" if node.negated else "between"
        return f"({unparse(node.operand)} {word} {unparse(node.low)} and {unparse(node.high)})"
    if isinstance(node, ast.IsNull):
        return f"({unparse(node.operand)} is {'not ' if node.negated else ''}null)"
    if isinstance(node, ast.Case):
        whens = " ".join(f"when {unparse(c)} then {unparse(v)}" for c, v in node.whens)
        default = f" else {unparse(node.default)}" if node.default is not None else ""
        return f"case {whens}{default} end"
    raise TypeError(node)


def _literal(value, kind) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "interval":
        return "interval '" + str(value).replace("'", "''") + "'"
    if isinstance(value, (int, float)):
        return repr(value)
    if hasattr(value, "isoformat"):
        return "'" + value.isoformat(sep=" ") + "'" if kind == "timestamp" else "'" + value.isoformat() + "'"
    return "'" + str(value).replace("'", "''") + "'"
