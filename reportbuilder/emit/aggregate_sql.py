"""Aggregates over the rows of one step: their inputs and the SQL call (from expr.aggregates)."""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg
from ..expr.aggregates import aggregate


def aggregate_inputs(agg: Agg) -> list:
    """The row-level expressions an aggregate consumes (constants such as a percentile's fraction excluded)."""
    return aggregate(agg).inputs(agg)


def aggregate_call(agg: Agg, inputs: list[exp.Expression]) -> exp.Expression:
    return aggregate(agg).call(agg, inputs)


def on_grain_rows(grain, value: exp.Expression, key) -> exp.Expression:
    """The value only where a row of the grain exists: the null side of an outer join is no row
    (`count_if(owner.name is null)` must not count tickets without an owner)."""
    if not grain or (isinstance(value, exp.Column) and value.table == key.table):
        return value  # a column of the grain itself is already null on the null side
    present = exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=present, true=value)])


def dimension_name(i: int) -> str:
    return f"d{i}"
