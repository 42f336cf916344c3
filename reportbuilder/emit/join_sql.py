"""The join tree in SQL: row sources of entities, outer joins along relationships, lookups.

Aliases are derived from relationship paths (`tickets`, `owner`, `owner__team`), so the
same spec always gives the same SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlglot import exp

from ..calendars.sql import BusinessSql
from ..catalog.model import Catalog, Entity
from ..check.resolved import EntityRef, Field
from ..expr import ast
from ..plan.query_plan import ExistenceFilter, QueryPlan
from .literals import sql_literal
from .nodes import written_utc_to_local

_TYPE = exp.DataType.Type

ROW_ID = "__row"  # position-based row identity of an entity without primary key


REPORT_KEYS = "report_keys"  # CTE: keys of the source rows the report's source-only filters keep


@dataclass(frozen=True)
class CatalogCte:
    """A CTE of the query holding catalog SQL: a derived entity's rows (`field` None) or a lookup
    of a sql-derived field (key, value); `numbered`: the rows carry a position number."""

    name: str
    entity: str
    field: str | None = None
    numbered: bool = False


def entity_cte(entity: str) -> str:
    return f"entity_{entity}"


def lookup_cte(entity: str, field: str) -> str:
    return f"field_{entity}_{field}"


def placeholders_filled(select: exp.Expression, now_utc: datetime, range_start: datetime | None = None,
             keyed: bool = False, business: BusinessSql | None = None) -> exp.Expression:
    """A catalog query with its placeholders filled in for one report.

    NOW()/CURRENT_TIMESTAMP: the report's now. RANGE_START(): `range_start` (the plan's, where
    its rule range_start_pushdown set one), else null. IS_REPORT_KEY(x): whether x is the key of a
    source row the report can keep (with `keyed`: the plan's `report_keys`), else true: lookups
    then skip rows no report row needs.
    IF_REPORT_KEYS(condition): the condition (its IS_REPORT_KEY filled in) with `keyed`, else true,
    for a restriction that costs a pass of its own (a lookup over whole conversations restricted
    to those with a report key: nothing to pay when there are no keys). BUSINESS_ADD(start,
    seconds, 'calendar') and BUSINESS_SECONDS(start, end, 'calendar'): the business-time functions.
    `x AT TIME ZONE 'UTC' AT TIME ZONE tz`: the `UtcToLocal` marker, which every engine can spell.
    """
    def swap(node):
        local = written_utc_to_local(node)
        if local is not None:
            local.set("this", local.this.transform(swap))
            return local
        name = str(node.this).lower() if isinstance(node, exp.Anonymous) else ""
        if isinstance(node, exp.CurrentTimestamp) or name == "now":
            return sql_literal(now_utc)
        if name == "range_start":
            return exp.cast(exp.Null(), _TYPE.TIMESTAMP) if range_start is None else sql_literal(range_start)
        if name == "is_report_key":
            if not keyed:
                return exp.true()
            return node.expressions[0].copy().isin(query=exp.select(exp.column("key")).from_(exp.to_table(REPORT_KEYS)))
        if name == "if_report_keys":
            return node.expressions[0].transform(swap) if keyed else exp.true()
        if name in ("business_add", "business_seconds") and business is not None:
            first, second, calendar = (e.transform(swap) for e in node.expressions)
            call = business.add if name == "business_add" else business.seconds
            return call(first, second, calendar.name)
        return node

    return _folded(select.transform(swap))  # a new tree: the catalog's stays as it is


def _folded(tree: exp.Expression) -> exp.Expression:
    """`tree` with the conditions the filled placeholders decide folded away (`CAST(NULL AS
    TIMESTAMP) IS NULL OR x` is `TRUE`, `<timestamp> IS NULL OR x` is `x`): DuckDB plans
    subqueries and pushes filters before it folds constants, so an `IN (SELECT ...)` left under
    such an OR becomes a mark join over every row instead of a semi-join."""
    for node in reversed(list(tree.dfs())):  # descendants before their parents
        new = _fold(node)
        if new is not node:
            node.replace(new)
    return tree


def _fold(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        value = node.this.this if isinstance(node.this, exp.Cast) else node.this
        if isinstance(value, (exp.Null, exp.Literal)):
            return exp.Boolean(this=isinstance(value, exp.Null))
    if isinstance(node, exp.Paren) and isinstance(node.this, exp.Boolean):
        return node.this
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Boolean):
        return exp.Boolean(this=not node.this.this)
    if isinstance(node, (exp.And, exp.Or)):
        absorbing = isinstance(node, exp.Or)  # TRUE decides an OR, FALSE an AND
        for side, other in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(side, exp.Boolean):
                return side if side.this == absorbing else other
    return node


def keyed_nodes(plan: QueryPlan) -> set[tuple]:
    """Nodes whose row key the SQL uses: grains of distinct steps, grains below the source,
    and nodes counted as rows (`count(tickets)`). A plain `count()` of the source is COUNT(*)."""
    keyed = set()
    for step in plan.steps:
        if step.distinct or step.grain:
            keyed.add(step.grain)
        for _, agg in step.aggregates + step.rows.on_joined_rows:  # branches count their rows with COUNT(*)
            keyed.update(n.path for a in agg.args for n in ast.walk(a) if isinstance(n, EntityRef))
    return keyed


class JoinSql:
    """Spells the nodes of one plan's join tree in SQL."""

    def __init__(self, plan: QueryPlan, catalog: Catalog, keyed: tuple = (), business: BusinessSql | None = None):
        """`keyed`: more nodes whose row key the caller uses (a drill-down lists a grain's rows);
        `business`: the business-hours relations of the report's calendars."""
        self.plan, self.catalog, self.business = plan, catalog, business
        self.root_alias = plan.report.source
        self.keyed = {plan.node(p).entity for p in keyed_nodes(plan) | set(keyed)}
        self.report_keys: exp.Select | None = None  # set by the builder when the plan has `report_keys`

    def restrict_lookups(self, conditions: list[exp.Expression]) -> None:
        """Lookups of the source compute only the keys of rows these conditions keep (the
        plan's `report_keys`, compiled: the rule key_restriction has checked the source)."""
        source = self.catalog.entity(self.plan.report.source)
        self.report_keys = (exp.select(exp.alias_(exp.column(source.primary_key, table=self.root_alias), "key"))
                            .from_(exp.to_table(source.table).as_(self.root_alias))
                            .where(exp.and_(*[c.copy() for c in conditions])))

    def alias(self, path: tuple) -> str:
        if not path:
            return self.root_alias
        name = "__".join(path)
        return name + "_" if name == self.root_alias else name

    def _numbered(self, entity: Entity) -> bool:
        """Rows of a keyless entity get a position number only where some node needs their key
        (numbering materialises the rows and keeps filters from being pushed into them)."""
        return entity.primary_key is None and entity.name in self.keyed

    def source_name(self, entity: Entity) -> str:
        """The relation holding an entity's rows: its table, or a CTE for derived/numbered ones."""
        if entity.sql is not None:
            return entity_cte(entity.name)
        if self._numbered(entity):
            return f"rows_{entity.name}"
        return entity.table

    def source_ctes(self) -> list[tuple[str, exp.Expression]]:
        """CTEs for derived entities, keyless tables and sql-derived fields the plan uses."""
        ctes, seen = [], set()
        self.catalog_ctes: list[CatalogCte] = []
        now = self.plan.report.now_utc
        if self.report_keys is not None:
            ctes.append((REPORT_KEYS, self.report_keys))
        for node in self.plan.nodes:
            entity = self.catalog.entity(node.entity)
            name = self.source_name(entity)
            if name not in seen and name != entity.table:
                seen.add(name)
                start = self.plan.range_start if node.path == () else None
                inner = placeholders_filled(entity.sql, now, start, business=self.business).subquery("d") if entity.sql is not None else \
                    exp.to_table(entity.table)
                select = exp.select(exp.Star())
                if self._numbered(entity):
                    select = select.select(exp.alias_(exp.Window(this=exp.RowNumber()), ROW_ID))
                ctes.append((name, select.from_(inner)))
                if entity.sql is not None:
                    self.catalog_ctes.append(CatalogCte(name, entity.name, numbered=self._numbered(entity)))
            for field in node.lookups:
                cte = lookup_cte(entity.name, field)
                if cte not in seen:
                    seen.add(cte)
                    self.catalog_ctes.append(CatalogCte(cte, entity.name, field))
                    keyed = node.path == () and self.report_keys is not None
                    ctes.append((cte, placeholders_filled(entity.column(field).sql, now, keyed=keyed, business=self.business)))
        return ctes

    def key(self, path: tuple) -> exp.Expression:
        entity = self.catalog.entity(self.plan.node(path).entity)
        return exp.column(entity.primary_key or ROW_ID, table=self.alias(path))

    def field(self, field: Field) -> exp.Expression:
        if field.column.sql is None:
            return exp.column(field.column.name, table=self.alias(field.path))
        value = exp.column("value", table=f"{self.alias(field.path)}__{field.column.name}")
        if field.column.default is None:
            return value
        filled = exp.Coalesce(this=value, expressions=[sql_literal(field.column.default)])
        if not field.path:
            return filled  # a source row always exists
        # The default is for a row the field's query has no row for, never for a missing
        # linked row: a call without a ticket has no ticket.agent_reply_count (null), not 0.
        present = exp.Not(this=exp.Is(this=self.key(field.path), expression=exp.Null()))
        return exp.Case(ifs=[exp.If(this=present, true=filled)])

    def from_nodes(self, select: exp.Select, paths, top: tuple = (), source: exp.Expression | None = None
                   ) -> exp.Select:
        """FROM the node `top` (the root by default; `source` replaces its rows), LEFT JOIN each node
        below it (parents first) and the lookups of each node."""
        entity = self.catalog.entity(self.plan.node(top).entity)
        rows = source if source is not None else exp.to_table(self.source_name(entity)).as_(self.alias(top))
        select = select.from_(rows, copy=False)
        for path in sorted(paths, key=lambda p: (len(p), p)):
            node = self.plan.node(path)
            if path != top:
                select = select.join(self._join(path), join_type="left", copy=False)
            for field in node.lookups:
                select = select.join(self._lookup(path, node.entity, field), join_type="left", copy=False)
        return select

    def exists_in(self, semi: ExistenceFilter, conditions: list[exp.Expression]) -> exp.Expression:
        """An `ExistenceFilter` node: the parent row has a row of the branch `semi.path` on which
        all `conditions` hold."""
        rel = self.plan.node(semi.path).relationship
        parent = self.catalog.entity(rel.source)
        links = exp.select(exp.column(rel.column, table=self.alias(semi.path)))
        links = self.from_nodes(links, semi.nodes, top=semi.path).where(exp.and_(*conditions))
        return exp.column(parent.primary_key, table=self.alias(semi.path[:-1])).isin(query=links)

    def _join(self, path: tuple) -> exp.Expression:
        node = self.plan.node(path)
        rel = node.relationship
        child = self.catalog.entity(node.entity)
        parent_alias, child_alias = self.alias(path[:-1]), self.alias(path)
        if rel.to_many:  # child.column -> parent key
            parent = self.catalog.entity(rel.source)
            on = exp.EQ(this=exp.column(rel.column, table=child_alias),
                        expression=exp.column(parent.primary_key, table=parent_alias))
        else:  # parent.column -> child key
            on = exp.EQ(this=exp.column(child.primary_key, table=child_alias),
                        expression=exp.column(rel.column, table=parent_alias))
        table = exp.to_table(self.source_name(child)).as_(child_alias)
        return exp.Join(this=table, on=on)

    def _lookup(self, path: tuple, entity_name: str, field: str) -> exp.Expression:
        entity = self.catalog.entity(entity_name)
        alias = f"{self.alias(path)}__{field}"
        on = exp.EQ(this=exp.column("key", table=alias),
                    expression=exp.column(entity.primary_key, table=self.alias(path)))
        return exp.Join(this=exp.to_table(lookup_cte(entity.name, field)).as_(alias), on=on)

    def tables(self) -> tuple[str, ...]:
        """Data tables the query reads (directly or inside catalog SQL)."""
        names = set()
        for node in self.plan.nodes:
            entity = self.catalog.entity(node.entity)
            queries = [entity.column(f).sql for f in node.lookups]
            if entity.sql is not None:
                queries.append(entity.sql)
            else:
                names.add(entity.table)
            for query in queries:
                ctes = {c.alias for c in query.find_all(exp.CTE)}
                names.update(t.name for t in query.find_all(exp.Table) if t.name not in ctes)
        return tuple(sorted(names))
