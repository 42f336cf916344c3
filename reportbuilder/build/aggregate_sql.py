"""Aggregates over the rows of one step: their inputs and the SQL call."""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg, EntityRef

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


def on_grain_rows(grain, value: exp.Expression, key) -> exp.Expression:
    """The value only where a row of the grain exists: the null side of an outer join is no row
    (`count_if(owner.name is null)` must not count tickets without an owner)."""
    if not grain or (isinstance(value, exp.Column) and value.table == key.table):
        return value  # a column of the grain itself is already null on the null side
    present = exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=present, true=value)])


def dimension_name(i: int) -> str:
    return f"d{i}"
