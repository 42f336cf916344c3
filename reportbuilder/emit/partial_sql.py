"""Aggregates computed in two stages: per part of the rows, then combined over the parts.

Used where the plan merges steps (plan.merge_steps): each aggregate's table entry
(expr.aggregates) says its per-part calls and how they combine: counts are summed, sums
summed, minima and maxima taken again, and an average is a sum of sums over a sum of counts.
"""
from __future__ import annotations

from sqlglot import exp

from ..check.resolved import Agg
from ..expr.aggregates import aggregate


def partial_calls(agg: Agg, inputs: list[exp.Expression]) -> list[exp.Expression]:
    """The per-part aggregates of `agg` over its compiled inputs (value, then condition)."""
    return aggregate(agg).parts(agg, inputs)


def part_count(agg: Agg) -> int:
    """How many per-part columns `partial_calls` gives for `agg`."""
    return aggregate(agg).part_count


def combine_call(agg: Agg, parts: list[exp.Expression]) -> exp.Expression:
    """`agg` over all parts from their per-part values (a group without parts counts 0)."""
    return aggregate(agg).combine(agg, parts)
