"""Aggregates computed in two stages: per part of the rows, then combined over the parts.

Used where the plan merges steps (plan.merge_steps): counts are summed, sums summed, minima
and maxima taken again, and an average is a sum of sums over a sum of counts.
"""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg
from .aggregate_sql import aggregate_call


def partial_calls(agg: Agg, inputs: list[exp.Expression]) -> list[exp.Expression]:
    """The per-part aggregates of `agg` over its compiled inputs (value, then condition)."""
    if agg.func in ("avg", "avg_if"):
        value = inputs[0] if agg.func == "avg" else exp.Case(ifs=[exp.If(this=inputs[1], true=inputs[0])])
        return [exp.Sum(this=value), exp.Count(this=value.copy())]
    return [aggregate_call(agg, inputs)]  # counts, sums, minima and maxima of each part


def part_count(agg: Agg) -> int:
    """How many per-part columns `partial_calls` gives for `agg`."""
    return 2 if agg.func in ("avg", "avg_if") else 1


def combine_call(agg: Agg, parts: list[exp.Expression]) -> exp.Expression:
    """`agg` over all parts from their per-part values (a group without parts counts 0)."""
    func = agg.func
    if func in ("count", "count_if"):
        total = exp.Coalesce(this=exp.Sum(this=parts[0]), expressions=[exp.Literal.number(0)])
        return exp.cast(total, exp.DataType.Type.BIGINT)
    if func in ("sum", "sum_if"):
        return exp.Sum(this=parts[0])
    if func in ("avg", "avg_if"):
        count = exp.Nullif(this=exp.Sum(this=parts[1]), expression=exp.Literal.number(0))
        return exp.Div(this=exp.cast(exp.Sum(this=parts[0]), exp.DataType.Type.DOUBLE), expression=count)
    return aggregate_call(agg, parts)  # the minimum of minima, the maximum of maxima
