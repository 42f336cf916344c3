"""The rows behind a cell as one sqlglot tree: the report's join tree, filters, date range
and dimension expressions (`build.build_sql.report_sql`), restricted to the cell's
dimension values (typed literals) and grouped to one row per row of the measure's grain.

    WITH <the report's source CTEs>
    SELECT <grain columns, key first> [, in_numerator, in_denominator]
    FROM <source> LEFT JOIN <row nodes, the grain, the aggregates' arguments>
    WHERE <filters> AND <date range> AND <dimension i> IS NOT DISTINCT FROM <value i>
    GROUP BY <grain key>, <grain columns>
    HAVING <some joined copy is read by the chosen aggregates>
    ORDER BY <key> LIMIT n OFFSET m

A grain row is "read" by an aggregate as the aggregate's step reads it: `count()` always,
`count_if(c)` where c holds, `sum_if/avg_if(x, c)` where c holds and x is set, any other
aggregate where its argument is set (so `count(x)` lists exactly the rows it counts).
A keyless grain (ticket_status_periods) is numbered as the report numbers it; its rows are
listed in the order of their columns.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ..emit.aggregate_sql import aggregate_inputs, on_grain_rows
from ..emit.build_sql import OutputColumn, report_sql
from ..emit.compile_expr import ExprCompiler
from ..emit.dialects import to_dialect
from ..emit.literals import sql_literal
from ..catalog.model import Catalog
from ..catalog.sql_types import SQL_TYPES
from ..check.resolved import Agg, NodePath
from ..expr.aggregates import aggregate
from ..plan.paths import node_paths
from ..plan.query_plan import QueryPlan
from .measure_parts import MeasureParts

FLAGS = ("in_numerator", "in_denominator")


@dataclass(frozen=True)
class RowsQuery:
    """The rows of one cell: `select` (ordered, limited), `tables` it reads, `columns` it gives."""

    select: exp.Select
    tables: tuple[str, ...]
    columns: tuple[OutputColumn, ...]
    entity: str

    def sql(self, dialect: str = "duckdb") -> str:
        return to_dialect(self.select, dialect)

    def count_sql(self, dialect: str = "duckdb") -> str:
        return to_dialect(self.count_select(), dialect, pretty=False)

    def count_select(self) -> exp.Select:
        """How many rows the cell has in all (for paging): the same rows, counted."""
        inner = self.select.copy()
        for arg in ("order", "limit", "offset"):
            inner.set(arg, None)
        ctes = inner.args.pop("with", None)
        counted = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("cell_rows"))
        if ctes is not None:
            counted.set("with", ctes)
        return counted


def cell_condition(dim: exp.Expression, value, kind: str) -> exp.Expression:
    """`dim` equals the cell's value (null matches null), the value a literal of the dimension's type."""
    if value is None:
        return exp.Is(this=dim.copy(), expression=exp.Null())
    literal = sql_literal(value)
    if kind in SQL_TYPES and not isinstance(literal, exp.Cast):
        literal = exp.cast(literal, SQL_TYPES[kind])
    return exp.NullSafeEQ(this=dim.copy(), expression=literal)


def _read_by(agg: Agg, compiler: ExprCompiler, key: exp.Expression, grain: NodePath) -> exp.Expression:
    """True on a joined row through which `agg` reads its grain row (see the module doc): its
    conditions hold and its value is set."""
    entry = aggregate(agg)
    if entry.counts_rows(agg):
        return exp.true()
    inputs = [on_grain_rows(grain, compiler.compile(x), key) for x in entry.inputs(agg)]
    tests = [exp.paren(inputs[i], copy=False) for i in entry.conditions]
    value = entry.value_input(agg)
    if value is not None:
        tests.append(exp.Not(this=exp.Is(this=inputs[value], expression=exp.Null())))
    return exp.and_(*tests) if len(tests) > 1 else tests[0]


def _any(conditions: list[exp.Expression]) -> exp.Expression:
    """Whether some joined copy of the grain row meets one of `conditions` (never null)."""
    either = exp.or_(*conditions) if len(conditions) > 1 else conditions[0]
    return exp.Coalesce(this=exp.func("bool_or", either), expressions=[exp.false()])


def rows_query(plan: QueryPlan, catalog: Catalog, values: tuple, parts: MeasureParts, part: str | None,
               grain: NodePath, limit: int | None = None, offset: int = 0) -> RowsQuery:
    """The SQL listing the rows of `grain` behind the cell `values` (one per dimension) of
    `parts`' measure (only those of `part` when set), `offset` rows skipped, at most `limit`."""
    sql = report_sql(plan, catalog, keyed=(grain,))
    report, joins = plan.report, sql.joins
    entity = catalog.entity(plan.node(grain).entity)
    key = joins.key(grain)
    chosen = list(parts.chosen(part))
    flagged = parts.is_ratio and {a.grain for a in parts.aggregates} == {grain}
    read = chosen + (list(parts.aggregates) if flagged else [])
    nodes = set(plan.row_nodes) | {grain[:i] for i in range(len(grain) + 1)}
    for agg in read:
        for x in aggregate_inputs(agg):
            for path in node_paths(x):
                nodes |= {path[:i] for i in range(len(path) + 1)}

    names = [c.name for c in entity.columns if not c.derived]
    if entity.primary_key:
        names = [entity.primary_key] + [n for n in names if n != entity.primary_key]
    columns = [exp.column(n, table=joins.alias(grain), quoted=True) for n in names]
    outputs = [exp.alias_(c.copy(), exp.to_identifier(n, quoted=True)) for c, n in zip(columns, names)]
    types = [OutputColumn(n, entity.column(n).type) for n in names]
    if flagged:
        for flag, aggs in zip(FLAGS, (parts.numerator, parts.denominator)):
            outputs.append(exp.alias_(_any([_read_by(a, sql.compiler, key, grain) for a in aggs]), flag))
            types.append(OutputColumn(flag, "boolean"))

    where = sql.row_conditions()
    where += [cell_condition(dim, value, d.type) for dim, value, d in zip(sql.dims, values, report.dimensions)]
    if grain:
        where.append(exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())))
    select = joins.from_nodes(exp.select(*outputs), nodes)
    if where:
        select = select.where(exp.and_(*where), copy=False)
    select = select.group_by(key.copy(), *[c.copy() for c in columns], copy=False)
    if chosen and any(not aggregate(a).counts_rows(a) for a in chosen):
        select = select.having(_any([_read_by(a, sql.compiler, key, grain) for a in chosen]), copy=False)
    order = [key.copy()] if entity.primary_key else [c.copy() for c in columns] + [key.copy()]
    for term in order:
        select = select.order_by(exp.Ordered(this=term, nulls_first=False), copy=False)
    if limit is not None:
        select = select.limit(limit, copy=False)
    if offset:
        select = select.offset(offset, copy=False)
    for name, cte in sql.ctes:
        select = select.with_(name, as_=cte, copy=False)
    return RowsQuery(select, joins.tables(), tuple(types), entity.name)
