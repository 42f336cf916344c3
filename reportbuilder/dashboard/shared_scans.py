"""Scans several panels of one dashboard compute identically, computed once per dashboard run.

A derived entity (`response_turns`) or a lookup of a sql-derived field (`messages.reply_time`)
is a CTE of each report that uses it, restricted to that report's keys and date range. When
at least two panels of a dashboard use the same one, it is computed once for all of them
(without the key restriction; a derived entity from the earliest of their range starts, or
whole when one panel has none) into a temporary table of the dashboard's connection, and each
panel's CTE reads that table. The rows a panel keeps are the same: a lookup's value for a key
does not depend on which other keys are computed, and a panel's own date range still filters
the entity's rows.

Lookups share more than identical SQL: those of one entity whose filled SQL (without the key
restriction) has the same chain, the same WITH, FROM and joins, and differs only in its final
SELECT list (and WHERE, for a plain SELECT), are one pass into one table with a value column
each (`lookup_chains.py`; `messages.reply_time` and `messages.reply_started_at` run the same two
window passes over all messages). That table is made when at least two panels read any of its
lookups; each reader's CTE selects its lookup's column (and rows). Lookups that share nothing
keep a table of their own, read whole.

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
from reportbuilder.dashboard.lookup_chains import Lookup, chain, combined, read
from reportbuilder.emit.build_sql import BuiltQuery
from reportbuilder.emit.join_sql import CatalogCte, placeholders_filled

TABLE_PREFIX = "rb_shared_"
_BUSINESS = ("business_add", "business_seconds")


@dataclass
class SharedScans:
    """The shared tables of one dashboard run: name -> the SELECT that fills it, and those filled."""

    tables: dict[str, exp.Expression] = field(default_factory=dict)
    filled: set[str] = field(default_factory=set)

    def add(self, body: exp.Select) -> str:
        """The name of the table `body` fills: a hash of its SQL (the result cache keys on it)."""
        table = TABLE_PREFIX + hashlib.sha256(body.sql("duckdb").encode("utf-8")).hexdigest()[:16]
        self.tables[table] = body
        return table

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
    entities: dict[tuple[CatalogCte, datetime], list[int]] = {}
    lookups: dict[str, Lookup] = {}  # filled SQL -> the lookup and its readers
    for i, need in enumerate(needs):
        for cte in _candidates(need.query):
            if cte.field is None:
                entities.setdefault((cte, need.now_utc), []).append(i)
                continue
            body = placeholders_filled(catalog.entity(cte.entity).column(cte.field).sql, need.now_utc)
            if not _calls_business(body):
                lookups.setdefault(body.sql("duckdb"), Lookup(cte.entity, cte.field, body)).readers.append((i, cte.name))
    scans = SharedScans()
    rewrites: dict[int, dict[str, tuple[str, exp.Select]]] = {}  # panel -> CTE name -> (table, its new body)
    for (cte, now), panels in entities.items():
        rows = _entity_rows(cte, now, [needs[i] for i in panels], catalog) if len(panels) > 1 else None
        if rows is not None:
            table = scans.add(rows)
            for i in panels:
                rewrites.setdefault(i, {})[cte.name] = (table, _all_of(table))
    for group in _chains(lookups).values():
        if len({i for lookup in group for i, _ in lookup.readers}) > 1:
            _share_chain(group, scans, rewrites)
    shared = []
    for i, need in enumerate(needs):
        chosen = rewrites.get(i, {})
        shared.append((_rewritten(need.query, chosen), tuple(sorted({t for t, _ in chosen.values()}))))
    return shared, scans


def _chains(lookups: dict[str, Lookup]) -> dict[tuple[str, str], list[Lookup]]:
    """The lookups grouped by the chain they share (lookup_chains.chain); one that cannot be combined
    is a group of its own. In order of their SQL, so a combined table is always spelled alike."""
    groups: dict[tuple[str, str], list[Lookup]] = {}
    for sql in sorted(lookups):
        shape = chain(lookups[sql])
        groups.setdefault(("chain", shape) if shape is not None else ("alone", sql), []).append(lookups[sql])
    return groups


def _share_chain(group: list[Lookup], scans: SharedScans, rewrites: dict) -> None:
    """One table for the lookups of one chain; each reader's CTE reads its lookup's rows from it."""
    if len(group) == 1:  # its own query, read whole
        table = scans.add(group[0].body)
        reads = [_all_of(table)]
    else:
        body, columns = combined(group)
        table = scans.add(body)
        reads = [read(table, column, flag) for column, flag in columns]
    for lookup, body in zip(group, reads):
        for i, name in lookup.readers:
            rewrites.setdefault(i, {})[name] = (table, body)


def _candidates(query: BuiltQuery) -> list[CatalogCte]:
    """The query's CTEs of catalog SQL that a table can replace: a derived entity's plain rows (not
    numbered) or a lookup, without business-hours functions."""
    bodies = {cte.alias: cte.this for cte in _ctes(query.select)}
    return [c for c in query.catalog_ctes if not c.numbered and not _calls_business(bodies[c.name])]


def _entity_rows(cte: CatalogCte, now: datetime, needs: list[Need], catalog: Catalog) -> exp.Select | None:
    """A derived entity's rows for all its panels: from the earliest of their range starts, or whole
    when one has none (a panel's own range still filters them); None when it calls business-time
    functions."""
    entity = catalog.entity(cte.entity)
    starts = [n.range_start if n.source == entity.name else None for n in needs]
    start = None if any(s is None for s in starts) else min(starts)
    rows = placeholders_filled(entity.sql, now, start)
    return None if _calls_business(rows) else exp.select(exp.Star()).from_(rows.subquery("d"))


def _all_of(table: str) -> exp.Select:
    return exp.select(exp.Star()).from_(exp.to_table(table))


def _rewritten(query: BuiltQuery, chosen: dict[str, tuple[str, exp.Select]]) -> BuiltQuery:
    if not chosen:
        return query
    select = query.select.copy()
    for cte in _ctes(select):
        if cte.alias in chosen:
            cte.set("this", chosen[cte.alias][1].copy())
    return replace(query, select=select)


def _ctes(select: exp.Expression) -> list[exp.CTE]:
    with_ = select.args.get("with_")
    return list(with_.expressions) if with_ is not None else []


def _calls_business(tree: exp.Expression) -> bool:
    return any(str(node.this).lower() in _BUSINESS for node in tree.find_all(exp.Anonymous))
