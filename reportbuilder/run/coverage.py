"""Join coverage on the data, for `rb explain --data`: can a user trust the joins?

For each join of a plan: rows on the parent side without a related row, links that point
to no row (orphans), and duplicated primary keys, counted on the data itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from ..catalog.model import Catalog, Entity
from ..plan.query_plan import QueryPlan
from .load_data import open_data


@dataclass(frozen=True)
class Coverage:
    """What the data says about one node of the join tree (counts; None where not measurable)."""

    path: tuple[str, ...]
    parent_rows: int
    without_related: int  # parent rows with no related row (null link, or no child at all)
    orphan_links: int  # links that point to no row on the other side
    duplicate_keys: int  # key values of the joined entity that occur more than once


def _count(con, select: exp.Select) -> int:
    return con.execute(exp.select(exp.Count(this=exp.Star())).from_(select.subquery("q")).sql("duckdb")).fetchone()[0]


def _rows(table: str) -> exp.Select:
    return exp.select(exp.Star()).from_(table)


def _duplicates(con, entity: Entity) -> int:
    if entity.primary_key is None:
        return 0
    key = exp.column(entity.primary_key)
    grouped = exp.select(key).from_(entity.table).group_by(key.copy()).having(
        exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
    return _count(con, grouped)


def _link_counts(con, parent: Entity, child: Entity, rel) -> tuple[int, int]:
    """(parent rows without a related row, orphan links) for one relationship step."""
    p, c = exp.to_table(parent.table).as_("p"), exp.to_table(child.table).as_("c")
    if rel.to_many:  # c.column -> p.key
        on = exp.EQ(this=exp.column(rel.column, "c"), expression=exp.column(parent.primary_key, "p"))
        lonely = exp.select("p.*").from_(p.copy()).join(c.copy(), on=on.copy(), join_type="left").where(
            exp.Is(this=exp.column(rel.column, "c"), expression=exp.Null()))
        orphans = exp.select("c.*").from_(c).join(p, on=on, join_type="left").where(exp.and_(
            exp.Not(this=exp.Is(this=exp.column(rel.column, "c"), expression=exp.Null())),
            exp.Is(this=exp.column(parent.primary_key, "p"), expression=exp.Null())))
        return _count(con, lonely), _count(con, orphans)
    on = exp.EQ(this=exp.column(child.primary_key, "c"), expression=exp.column(rel.column, "p"))
    missing = exp.select("p.*").from_(p).join(c, on=on, join_type="left").where(
        exp.Is(this=exp.column(child.primary_key, "c"), expression=exp.Null()))
    null_links = exp.select(exp.Star()).from_(parent.table).where(
        exp.Is(this=exp.column(rel.column), expression=exp.Null()))
    orphans = _count(con, missing) - _count(con, null_links)
    return _count(con, missing), orphans


def join_coverage(plan: QueryPlan, catalog: Catalog, data_path: Path, restrict=None) -> list[Coverage]:
    """Coverage of every join between data tables (derived entities are computed, not joined data);
    with `restrict` (--as), of the rows the user may see only."""
    nodes = [n for n in plan.nodes if n.relationship is not None]
    entities = {n.path: catalog.entity(n.entity) for n in plan.nodes}
    tables = sorted({e.table for e in entities.values() if e.table})
    con = open_data(data_path, tuple(tables), catalog, restrict)
    try:
        out = []
        for node in nodes:
            parent, child = entities[node.path[:-1]], entities[node.path]
            if parent.table is None or child.table is None:
                continue
            if node.relationship.to_many and parent.primary_key is None:
                continue
            without, orphans = _link_counts(con, parent, child, node.relationship)
            out.append(Coverage(node.path, _count(con, _rows(parent.table)), without, orphans,
                                _duplicates(con, child)))
        return out
    finally:
        con.close()
