"""One aggregate step in SQL: the joined rows of its nodes, filtered, grouped by the dimensions.

Where the plan says `distinct`, the rows are first reduced to one per (dimensions, grain
key), so that a row of the grain counts once per group whatever one-to-many joins sit
beside it; medians and percentiles obey the same rule. Arguments are functions of the
grain row (the same on every joined copy) except the condition of `sum_if`/`avg_if`, which
holds for a grain row when it holds on any of its joined rows (as a to-many filter does).
"""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg, Const, EntityRef, Field
from ..plan.query_plan import AggregateStep, Branch
from .compile_expr import ExprCompiler
from .join_sql import JoinSql
from .partial_sql import combine_call, part_count, partial_calls

_PLAIN = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max, "median": exp.Median}


def aggregate_inputs(agg: Agg) -> list:
    """The row-level expressions an aggregate consumes (constants such as a percentile's fraction excluded)."""
    if agg.func == "count" and not agg.args:
        return [EntityRef(agg.grain, "")]
    if agg.func == "percentile":
        return [agg.args[0]]
    return list(agg.args)


def aggregate_call(agg: Agg, inputs: list[exp.Expression]) -> exp.Expression:
    func = agg.func
    if func == "count":
        return exp.Count(this=inputs[0])
    if func == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[inputs[0]]))
    if func == "count_if":  # COUNT_IF of only-null conditions is NULL in DuckDB; a count is 0
        return exp.Count(this=exp.Case(ifs=[exp.If(this=inputs[0], true=exp.Literal.number(1))]))
    if func in ("sum_if", "avg_if"):
        picked = exp.Case(ifs=[exp.If(this=inputs[1], true=inputs[0])])
        return (exp.Sum if func == "sum_if" else exp.Avg)(this=picked)
    if func == "percentile":
        return exp.PercentileCont(this=inputs[0], expression=exp.Literal.number(repr(float(agg.args[1].value))))
    if func in ("min", "max") and agg.type == "boolean":  # Postgres has no MIN/MAX(boolean); same meaning
        return (exp.LogicalAnd if func == "min" else exp.LogicalOr)(this=inputs[0])
    return _PLAIN[func](this=inputs[0])


def _is_condition(agg: Agg, arg, compiled: exp.Expression) -> bool:
    """A boolean input, reduced per grain row with BOOL_OR, not MAX: Postgres has no MAX(boolean)
    (on the grain row's equal copies both give its value)."""
    return agg.func == "count_if" or (agg.func in ("min", "max") and agg.type == "boolean") \
        or (isinstance(arg, (Field, Const)) and arg.type == "boolean") \
        or isinstance(compiled.unnest(), (exp.Predicate, exp.Connector, exp.Not, exp.Boolean))


def _direct_call(step: AggregateStep, agg: Agg, compiler: ExprCompiler, key) -> exp.Expression:
    """An aggregate over joined rows that are exactly the grain's rows (no repetition)."""
    if agg.func == "count" and not agg.args and not step.grain:
        return exp.Count(this=exp.Star())  # every joined row is one source row
    return aggregate_call(agg, [_on_grain_rows(step.grain, compiler.compile(x), key) for x in aggregate_inputs(agg)])


def _on_grain_rows(grain, value: exp.Expression, key) -> exp.Expression:
    """The value only where a row of the grain exists: the null side of an outer join is no row
    (`count_if(owner.name is null)` must not count tickets without an owner)."""
    if not grain or (isinstance(value, exp.Column) and value.table == key.table):
        return value  # a column of the grain itself is already null on the null side
    present = exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=present, true=value)])


def dimension_name(i: int) -> str:
    return f"d{i}"


def _part_name(slot: str, k: int) -> str:
    return f"{slot}_p{k}"


def _partials(slot: str, agg: Agg, compiler: ExprCompiler, joins: JoinSql) -> list[exp.Expression]:
    """Per-part columns of a merged aggregate over the joined rows of its own grain."""
    key = joins.key(agg.grain) if agg.grain else None
    if agg.func == "count" and not agg.args and not agg.grain:
        inputs = [exp.Star()]  # every joined row is one source row
    else:
        inputs = [_on_grain_rows(agg.grain, compiler.compile(x), key) for x in aggregate_inputs(agg)]
    return [exp.alias_(call, _part_name(slot, k)) for k, call in enumerate(partial_calls(agg, inputs))]


def _combined(slot: str, agg: Agg, table: str | None = None) -> exp.Expression:
    parts = [exp.column(_part_name(slot, k), table=table) for k in range(part_count(agg))]
    return exp.alias_(combine_call(agg, parts), slot)


def _branch_join(branch: Branch, joins: JoinSql, compiler: ExprCompiler) -> exp.Join:
    """The child's aggregates per link key, joined to the source row they belong to."""
    rel = joins.plan.node(branch.path).relationship
    alias = joins.alias(branch.path)
    link = exp.column(rel.column, table=alias)
    cols = [exp.alias_(link, "link_key")]
    for slot, agg in branch.aggregates:
        inputs = [exp.Star() if isinstance(x, EntityRef) else compiler.compile(x) for x in aggregate_inputs(agg)]
        cols += [exp.alias_(call, _part_name(slot, k)) for k, call in enumerate(partial_calls(agg, inputs))]
    per_key = joins.from_nodes(exp.select(*cols), [branch.path], top=branch.path)
    per_key = per_key.where(exp.Not(this=exp.Is(this=link.copy(), expression=exp.Null()))).group_by(link.copy())
    on = exp.EQ(this=exp.column("link_key", table="per_" + alias), expression=joins.key(()))
    return exp.Join(this=per_key.subquery("per_" + alias), on=on)


def step_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                conditions: list[exp.Expression]) -> exp.Select:
    if step.pre_aggregated:
        return _pre_aggregated_select(step, joins, compiler, dims, conditions)
    where = exp.and_(*conditions) if conditions else None
    named_dims = [exp.alias_(d.copy(), dimension_name(i)) for i, d in enumerate(dims)]
    key = joins.key(step.grain) if step.grain else None
    if not step.distinct:
        outputs = [exp.alias_(_direct_call(step, agg, compiler, key), slot) for slot, agg in step.aggregates]
        outputs += [_combined(slot, agg, "per_" + joins.alias(b.path)) for b in step.branches for slot, agg in b.aggregates]
        select = joins.from_nodes(exp.select(*named_dims, *outputs), step.nodes)
        for branch in step.branches:
            select = select.join(_branch_join(branch, joins, compiler), join_type="left", copy=False)
        if where is not None:
            select = select.where(where.copy(), copy=False)
        return select.group_by(*[d.copy() for d in dims], copy=False) if dims else select
    key = joins.key(step.grain)
    inner_cols, outputs = list(named_dims), []
    inner_cols.append(exp.alias_(key.copy(), "grain_key"))
    for slot, agg in step.aggregates:
        if agg.func == "count" and not agg.args:  # one reduced row per grain row
            outputs.append(exp.alias_(exp.Count(this=exp.column("grain_key")), slot))
            continue
        refs = []
        for j, x in enumerate(aggregate_inputs(agg)):
            name = f"{slot}_in{j}"
            value = compiler.compile(x)
            reduce = exp.LogicalOr if (agg.func in ("sum_if", "avg_if") and j == 1) or _is_condition(agg, x, value) \
                else exp.Max
            inner_cols.append(exp.alias_(reduce(this=_on_grain_rows(step.grain, value, key)), name))
            refs.append(exp.column(name))
        outputs.append(exp.alias_(aggregate_call(agg, refs), slot))
    for slot, agg in step.partials:
        inner_cols += _partials(slot, agg, compiler, joins)
        outputs.append(_combined(slot, agg))
    inner = joins.from_nodes(exp.select(*inner_cols), step.nodes)
    if where is not None:
        inner = inner.where(where.copy(), copy=False)
    inner = inner.group_by(*[d.copy() for d in dims], key, copy=False)
    dim_cols = [exp.column(dimension_name(i)) for i in range(len(dims))]
    select = exp.select(*dim_cols, *outputs).from_(inner.subquery("grain_rows"))
    return select.group_by(*[c.copy() for c in dim_cols], copy=False) if dims else select


def _pre_aggregated_select(step: AggregateStep, joins: JoinSql, compiler: ExprCompiler, dims: list[exp.Expression],
                           conditions: list[exp.Expression]) -> exp.Select:
    """The source rows grouped by their own dimensions and the links of the joined nodes, aggregated
    per part; then joined (the grouped rows keep the source's alias) and combined per group."""
    root = joins.root_alias
    on_source = [_reads_only(d, root) for d in dims]
    links = sorted({joins.plan.node(p).relationship.column for p in step.nodes if len(p) == 1})
    inner_cols = [exp.alias_(d.copy(), dimension_name(i)) for i, d in enumerate(dims) if on_source[i]]
    inner_cols += [exp.alias_(exp.column(link, table=root), link) for link in links]
    outputs = []
    for slot, agg in step.aggregates:
        inputs = [exp.Star()] if agg.func == "count" and not agg.args else \
            [compiler.compile(x) for x in aggregate_inputs(agg)]
        inner_cols += [exp.alias_(call, _part_name(slot, k)) for k, call in enumerate(partial_calls(agg, inputs))]
        outputs.append(_combined(slot, agg, root))
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
