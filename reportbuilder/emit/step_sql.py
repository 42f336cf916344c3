"""One aggregate step in SQL: the joined rows of its nodes, filtered, grouped by the dimensions.

Where the plan says `DistinctPerGrain`, the rows are first reduced to one per (dimensions, grain
key), so that a row of the grain counts once per group whatever one-to-many joins sit
beside it; medians and percentiles obey the same rule. Arguments are functions of the
grain row (the same on every joined copy) except the condition of `sum_if`/`avg_if`, which
holds for a grain row when it holds on any of its joined rows (as a to-many filter does).
"""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg, Const, Field
from ..expr.aggregates import aggregate
from ..plan.query_plan import (AggregateStep, BranchJoin, Direct, DistinctPerGrain, ExistenceFilter, PartialCombine,
                               PreGrouped)
from .aggregate_sql import aggregate_call, aggregate_inputs, dimension_name, on_grain_rows
from .compile_expr import ExprCompiler
from .join_sql import JoinSql
from .merged_step_sql import branch_join, partial_combine, pre_grouped_select


def step_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                conditions: list[exp.Expression]) -> exp.Select:
    """The step's CTE, written by the function of its row shape (`AggregateStep.rows`)."""
    return EMITTERS[type(step.rows)](step, joins, compiler, dims, conditions)


def direct_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                  conditions: list[exp.Expression]) -> exp.Select:
    """A `Direct` step: aggregates over the joined rows (each a grain row once), each
    `BranchJoin`'s per-link-key rows joined beside them and combined."""
    named_dims = [exp.alias_(d.copy(), dimension_name(i)) for i, d in enumerate(dims)]
    key = joins.key(step.grain) if step.grain else None
    outputs = [exp.alias_(_direct_call(step, agg, compiler, key), slot) for slot, agg in step.aggregates]
    branch_joins = []
    for branch in step.rows.parts:
        combined, join = branch_join(branch, joins, compiler)
        outputs += combined
        branch_joins.append(join)
    select = joins.from_nodes(exp.select(*named_dims, *outputs), step.nodes)
    for join in branch_joins:
        select = select.join(join, join_type="left", copy=False)
    if conditions:
        select = select.where(exp.and_(*conditions), copy=False)
    return select.group_by(*[d.copy() for d in dims], copy=False) if dims else select


def distinct_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                    conditions: list[exp.Expression]) -> exp.Select:
    """A `DistinctPerGrain` step: the joined rows reduced to one per (group, grain key), then
    aggregated; each `PartialCombine`'s parts computed in the same pass and combined."""
    named_dims = [exp.alias_(d.copy(), dimension_name(i)) for i, d in enumerate(dims)]
    key = joins.key(step.grain)
    inner_cols, outputs = list(named_dims), []
    inner_cols.append(exp.alias_(key.copy(), "grain_key"))
    for slot, agg in step.aggregates:
        entry = aggregate(agg)
        if entry.counts_rows(agg):  # one reduced row per grain row
            outputs.append(exp.alias_(exp.Count(this=exp.column("grain_key")), slot))
            continue
        refs = []
        for j, x in enumerate(aggregate_inputs(agg)):
            name = f"{slot}_in{j}"
            value = compiler.compile(x)
            reduce = exp.LogicalOr if _is_condition(entry.boolean_input(agg, j), x, value) else exp.Max
            inner_cols.append(exp.alias_(reduce(this=on_grain_rows(step.grain, value, key)), name))
            refs.append(exp.column(name))
        outputs.append(exp.alias_(aggregate_call(agg, refs), slot))
    for part in step.rows.parts:
        columns, combined = partial_combine(part, joins, compiler)
        inner_cols += columns
        outputs += combined
    inner = joins.from_nodes(exp.select(*inner_cols), step.nodes)
    if conditions:
        inner = inner.where(exp.and_(*conditions), copy=False)
    inner = inner.group_by(*[d.copy() for d in dims], key, copy=False)
    dim_cols = [exp.column(dimension_name(i)) for i in range(len(dims))]
    select = exp.select(*dim_cols, *outputs).from_(inner.subquery("grain_rows"))
    return select.group_by(*[c.copy() for c in dim_cols], copy=False) if dims else select


def _is_condition(boolean_input: bool, arg, compiled: exp.Expression) -> bool:
    """A boolean input, reduced per grain row with BOOL_OR, not MAX: Postgres has no MAX(boolean)
    (on the grain row's equal copies both give its value)."""
    return boolean_input or (isinstance(arg, (Field, Const)) and arg.type == "boolean") \
        or isinstance(compiled.unnest(), (exp.Predicate, exp.Connector, exp.Not, exp.Boolean))


def _direct_call(step: AggregateStep, agg: Agg, compiler: ExprCompiler, key) -> exp.Expression:
    """An aggregate over joined rows that are exactly the grain's rows (no repetition)."""
    if aggregate(agg).counts_rows(agg) and not step.grain:
        return exp.Count(this=exp.Star())  # every joined row is one source row
    return aggregate_call(agg, [on_grain_rows(step.grain, compiler.compile(x), key) for x in aggregate_inputs(agg)])


# One function per plan node (plan.query_plan.PLAN_NODES). A step is written by its row shape's
# function (`step_select`); a shape's function writes its parts with theirs, and the step's
# conditions (emit.build_sql) include each ExistenceFilter's test.
EMITTERS = {Direct: direct_select, DistinctPerGrain: distinct_select, PreGrouped: pre_grouped_select,
            BranchJoin: branch_join, PartialCombine: partial_combine, ExistenceFilter: JoinSql.exists_in}
