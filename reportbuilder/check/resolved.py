"""Expression nodes that exist only after checking: names resolved, literals typed.

The checked expression of a report is the parser's AST (`expr.ast`) in which every
field reference became a `Field`, every entity reference an `EntityRef`, every aggregate
call an `Agg` (with the grain it is computed at), and typed literals a `Const`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog.model import Column

NodePath = tuple[str, ...]  # relationship names from the report's source: a node of the join tree


@dataclass(frozen=True)
class Field:
    path: NodePath
    column: Column
    entity: str
    pos: tuple[int, int] = (1, 1)

    @property
    def type(self) -> str:
        return self.column.type


@dataclass(frozen=True)
class EntityRef:
    """A reference to the rows of a join-tree node, as in `count(tickets)`."""

    path: NodePath
    entity: str
    pos: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class Agg:
    func: str
    args: tuple
    grain: NodePath  # the node whose distinct rows this aggregate runs over
    type: str
    pos: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class Const:
    """A literal with a SQL type decided by the checker (timestamps are UTC instants)."""

    value: object
    type: str  # integer | number | text | boolean | null | interval | timestamp | date
    pos: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class OutputRef:
    """A reference to an output column, in `having`."""

    name: str
    type: str
    pos: tuple[int, int] = (1, 1)
