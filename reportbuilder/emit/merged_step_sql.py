"""Steps the plan merged (plan.merge_steps, plan.eager_aggregation) in SQL: aggregates computed
per part of the rows (per grain row, per link key, per group of source rows) and combined.
"""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg, EntityRef
from ..expr.aggregates import aggregate
from ..plan.query_plan import AggregateStep, BranchJoin, PartialCombine
from .aggregate_sql import aggregate_inputs, dimension_name, on_grain_rows
from .compile_expr import ExprCompiler
from .join_sql import JoinSql
from .partial_sql import combine_call, part_count, partial_calls


def _part_name(slot: str, k: int) -> str:
    return f"{slot}_p{k}"


def _named_parts(slot: str, agg: Agg, inputs: list[exp.Expression]) -> list[exp.Expression]:
    return [exp.alias_(call, _part_name(slot, k)) for k, call in enumerate(partial_calls(agg, inputs))]


def partial_combine(part: PartialCombine, joins: JoinSql,
                    compiler: ExprCompiler) -> tuple[list[exp.Expression], list[exp.Expression]]:
    """A `PartialCombine` node: its per-part columns over the joined rows (each aggregate on the
    rows of its own grain), computed per (group, host grain key), and their combined outputs."""
    columns, outputs = [], []
    for slot, agg in part.aggregates:
        key = joins.key(agg.grain) if agg.grain else None
        if aggregate(agg).counts_rows(agg) and not agg.grain:
            inputs = [exp.Star()]  # every joined row is one source row
        else:
            inputs = [on_grain_rows(agg.grain, compiler.compile(x), key) for x in aggregate_inputs(agg)]
        columns += _named_parts(slot, agg, inputs)
        outputs.append(combined(slot, agg))
    return columns, outputs


def combined(slot: str, agg: Agg, table: str | None = None) -> exp.Expression:
    parts = [exp.column(_part_name(slot, k), table=table) for k in range(part_count(agg))]
    return exp.alias_(combine_call(agg, parts), slot)


def branch_join(branch: BranchJoin, joins: JoinSql, compiler: ExprCompiler) -> tuple[list[exp.Expression], exp.Join]:
    """A `BranchJoin` node: the child's aggregates per link key, joined to the source row they
    belong to, and their combined outputs."""
    rel = joins.plan.node(branch.path).relationship
    alias = joins.alias(branch.path)
    link = exp.column(rel.column, table=alias)
    cols = [exp.alias_(link, "link_key")]
    for slot, agg in branch.aggregates:
        inputs = [exp.Star() if isinstance(x, EntityRef) else compiler.compile(x) for x in aggregate_inputs(agg)]
        cols += _named_parts(slot, agg, inputs)
    per_key = joins.from_nodes(exp.select(*cols), [branch.path], top=branch.path)
    per_key = per_key.where(exp.Not(this=exp.Is(this=link.copy(), expression=exp.Null()))).group_by(link.copy())
    per_alias = "per_" + alias
    on = exp.EQ(this=exp.column("link_key", table=per_alias), expression=joins.key(()))
    outputs = [combined(slot, agg, per_alias) for slot, agg in branch.aggregates]
    return outputs, exp.Join(this=per_key.subquery(per_alias), on=on)


def pre_grouped_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                           conditions: list[exp.Expression]) -> exp.Select:
    """A `PreGrouped` step: the source rows grouped by their own dimensions and the links of the joined nodes, aggregated
    per part; then joined (the grouped rows keep the source's alias) and combined per group."""
    root = joins.root_alias
    on_source = [_reads_only(d, root) for d in dims]
    links = sorted({joins.plan.node(p).relationship.column for p in step.nodes if len(p) == 1})
    inner_cols = [exp.alias_(d.copy(), dimension_name(i)) for i, d in enumerate(dims) if on_source[i]]
    inner_cols += [exp.alias_(exp.column(link, table=root), link) for link in links]
    outputs = []
    for slot, agg in step.aggregates:
        inputs = [exp.Star()] if aggregate(agg).counts_rows(agg) else \
            [compiler.compile(x) for x in aggregate_inputs(agg)]
        inner_cols += _named_parts(slot, agg, inputs)
        outputs.append(combined(slot, agg, root))
    inner = joins.from_nodes(exp.select(*inner_cols), [()])
    before = [c for c in conditions if _reads_only(c, root)]
    if before:
        inner = inner.where(exp.and_(*[c.copy() for c in before]), copy=False)
    keys = [d.copy() for d, mine in zip(dims, on_source) if mine] + [exp.column(link, table=root) for link in links]
    if keys:
        inner = inner.group_by(*keys, copy=False)
    outer_dims = [exp.column(dimension_name(i), table=root) if mine else d.copy()
                  for i, (d, mine) in enumerate(zip(dims, on_source))]
    select = exp.select(*[exp.alias_(d, dimension_name(i)) for i, d in enumerate(outer_dims)], *outputs)
    select = joins.from_nodes(select, step.nodes, source=inner.subquery(root))
    after = [c for c in conditions if not _reads_only(c, root)]
    if after:
        select = select.where(exp.and_(*[c.copy() for c in after]), copy=False)
    return select.group_by(*[d.copy() for d in outer_dims], copy=False) if dims else select


def _reads_only(expr: exp.Expression, alias: str) -> bool:
    """True when every column `expr` reads (outside its subqueries) is one of table `alias`."""
    columns = [n for n in expr.walk(prune=lambda n: isinstance(n, (exp.Subquery, exp.Select)))
               if isinstance(n, exp.Column)]
    return all(c.table == alias for c in columns)
