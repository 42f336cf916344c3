"""The expression AST: frozen values, independent of lark.

Every node carries `pos`, the (line, column) of its first character in the expression
text (1-based), so that checks can point at the exact spot.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

Pos = tuple[int, int]


@dataclass(frozen=True)
class Literal:
    value: object  # int | float | str | bool | None; interval text for kind "interval"
    kind: str  # number | string | boolean | null | interval
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class FieldRef:
    path: tuple[str, ...]
    pos: Pos = (1, 1)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Call:
    name: str  # lower-cased
    args: tuple = ()
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class Unary:
    op: str  # "-" | "not"
    operand: object
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class Binary:
    op: str  # = != < <= > >= + - * / % and or like ilike
    left: object
    right: object
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class InList:
    operand: object
    items: tuple
    negated: bool = False
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class Between:
    operand: object
    low: object
    high: object
    negated: bool = False
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class IsNull:
    operand: object
    negated: bool = False
    pos: Pos = (1, 1)


@dataclass(frozen=True)
class Case:
    whens: tuple  # of (condition, value) pairs
    default: object = None
    pos: Pos = (1, 1)


Node = Literal | FieldRef | Call | Unary | Binary | InList | Between | IsNull | Case


def children(node) -> tuple:
    """The direct sub-expressions of a node, in source order."""
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, InList):
        return (node.operand, *node.items)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    if isinstance(node, IsNull):
        return (node.operand,)
    if isinstance(node, Case):
        flat = tuple(x for pair in node.whens for x in pair)
        return flat + ((node.default,) if node.default is not None else ())
    return ()


def walk(node):
    """Yield the node and all its descendants, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def map_children(node, fn):
    """A copy of `node` with `fn` applied to each direct sub-expression."""
    if isinstance(node, Call):
        return replace(node, args=tuple(fn(a) for a in node.args))
    if isinstance(node, Unary):
        return replace(node, operand=fn(node.operand))
    if isinstance(node, Binary):
        return replace(node, left=fn(node.left), right=fn(node.right))
    if isinstance(node, InList):
        return replace(node, operand=fn(node.operand), items=tuple(fn(i) for i in node.items))
    if isinstance(node, Between):
        return replace(node, operand=fn(node.operand), low=fn(node.low), high=fn(node.high))
    if isinstance(node, IsNull):
        return replace(node, operand=fn(node.operand))
    if isinstance(node, Case):
        whens = tuple((fn(c), fn(v)) for c, v in node.whens)
        return replace(node, whens=whens, default=fn(node.default) if node.default is not None else None)
    return node
