"""Scans several panels of one dashboard compute identically, computed once per dashboard run.

A derived entity (`response_turns`) or a lookup of a sql-derived field (`messages.reply_time`)
is a CTE of each report that uses it, restricted to that report's keys and date range. When
at least two panels of a dashboard use the same one, it is computed once for all of them
(without the key restriction; a derived entity from the earliest of their range starts, or
whole when one panel has none) into a temporary table of the dashboard's connection, and each
panel's CTE reads that table. The rows a panel keeps are the same: a lookup's value for a key
does not depend on which other keys are computed, and a panel's own date range still filters
the entity's rows.

The table is filled on the connection itself, after its views apply the viewer's row
restriction (`--as`): it holds only rows that viewer may see, and it lives only as long as
that connection. Its name is a hash of its SQL, so the result cache, which keys on a panel's
SQL and views, never mixes two tables. It is filled only when a panel that reads it is
actually computed (not answered from the result cache). CTEs that call the business-hours
functions (which read CTEs of their own query) are left as they are.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlglot import exp

from reportbuilder.catalog.model import Catalog
from reportbuilder.emit.build_sql import BuiltQuery
from reportbuilder.emit.join_sql import CatalogCte, placeholders_filled

TABLE_PREFIX = "rb_shared_"
_BUSINESS = ("business_add", "business_seconds")


@dataclass
class SharedScans:
    """The shared tables of one dashboard run: name -> the SELECT that fills it, and those filled."""

    tables: dict[str, exp.Expression] = field(default_factory=dict)
    filled: set[str] = field(default_factory=set)

    def fill(self, connection, names) -> None:
        """Fill each table of `names` not yet filled on `connection` (a run.load_data.DataConnection)."""
        for name in names:
            if name not in self.filled:
                connection.materialize(name, self.tables[name])
                self.filled.add(name)


@dataclass(frozen=True)
class Need:
    """One panel's query and what decides its shared CTEs: its now and its pushed-down range start."""

    query: BuiltQuery
    now_utc: datetime
    source: str
    range_start: datetime | None


def share(needs: list[Need], catalog: Catalog) -> tuple[list[tuple[BuiltQuery, tuple[str, ...]]], SharedScans]:
    """Each panel's query with its shared CTEs reading their table (and the tables it reads), and the tables."""
    users: dict[tuple[CatalogCte, datetime], list[int]] = {}
    for i, need in enumerate(needs):
        for cte in _candidates(need.query):
            users.setdefault((cte, need.now_utc), []).append(i)
    scans = SharedScans()
    rewrites: dict[int, dict[str, str]] = {}
    for (cte, now), panels in users.items():
        if len(panels) < 2:
            continue
        body = _body(cte, now, [needs[i] for i in panels], catalog)
        if body is None:
            continue
        table = TABLE_PREFIX + hashlib.sha256(body.sql("duckdb").encode("utf-8")).hexdigest()[:16]
        scans.tables[table] = body
        for i in panels:
            rewrites.setdefault(i, {})[cte.name] = table
    shared = []
    for i, need in enumerate(needs):
        chosen = rewrites.get(i, {})
        shared.append((_rewritten(need.query, chosen), tuple(sorted(set(chosen.values())))))
    return shared, scans


def _candidates(query: BuiltQuery) -> list[CatalogCte]:
    """The query's CTEs of catalog SQL that a table can replace: a derived entity's plain rows (not
    numbered) or a lookup, without business-hours functions."""
    bodies = {cte.alias: cte.this for cte in _ctes(query.select)}
    return [c for c in query.catalog_ctes if not c.numbered and not _calls_business(bodies[c.name])]


def _body(cte: CatalogCte, now: datetime, needs: list[Need], catalog: Catalog) -> exp.Expression | None:
    entity = catalog.entity(cte.entity)
    if cte.field is not None:
        body = placeholders_filled(entity.column(cte.field).sql, now)
    else:
        starts = [n.range_start if n.source == entity.name else None for n in needs]
        start = None if any(s is None for s in starts) else min(starts)
        body = exp.select(exp.Star()).from_(placeholders_filled(entity.sql, now, start).subquery("d"))
    return None if _calls_business(body) else body


def _rewritten(query: BuiltQuery, chosen: dict[str, str]) -> BuiltQuery:
    if not chosen:
        return query
    select = query.select.copy()
    for cte in _ctes(select):
        if cte.alias in chosen:
            cte.set("this", exp.select(exp.Star()).from_(exp.to_table(chosen[cte.alias])))
    return replace(query, select=select)


def _ctes(select: exp.Expression) -> list[exp.CTE]:
    with_ = select.args.get("with_")
    return list(with_.expressions) if with_ is not None else []


def _calls_business(tree: exp.Expression) -> bool:
    return any(str(node.this).lower() in _BUSINESS for node in tree.find_all(exp.Anonymous))
