"""A readable view of a plan: join tree, aggregate grains, filters before/after aggregation."""
from __future__ import annotations

from .emit.build_sql import output_columns
from .check.resolve_expr import node_paths
from .expr.aggregates import aggregate
from .expr.unparse import unparse
from .plan.query_plan import (AggregateStep, BranchJoin, Direct, DistinctPerGrain, PartialCombine, PreGrouped,
                              QueryPlan)


def explain_coverage(plan: QueryPlan, coverage) -> str:
    """The join coverage lines (see run.coverage) in plain words."""
    lines = ["", "join coverage on the data:"]
    for c in coverage:
        node = plan.node(c.path)
        parent = plan.node(c.path[:-1]).entity
        what = f"no {node.path[-1]} row" if node.relationship.to_many else f"no {node.path[-1]}"
        lines.append(f"  {'.'.join(c.path)}: {c.without_related:,} of {c.parent_rows:,} {parent} rows have {what}; "
                     f"{c.orphan_links:,} orphan link(s); {c.duplicate_keys:,} duplicated {node.entity} key(s)")
    if not coverage:
        lines.append("  (no joins between data tables)")
    return "\n".join(lines)


def grain_note(plan: QueryPlan, agg) -> str:
    """Which rows an aggregate runs over, in words: look-alikes such as
    `sum_if(x, conversations.channel = 'chat')` (each ticket once) and
    `sum(if(conversations.channel = 'chat', x, 0))` (each conversation) differ here."""
    name = ".".join(agg.grain) or plan.report.source
    note = f"grain {name}: each {name} row once"
    selector = aggregate(agg).selector
    if selector is not None:
        many = sorted({".".join(p) for p in node_paths(agg.args[selector]) if _to_many_below(plan, agg.grain, p)})
        if many:
            note += (f", when the condition holds on at least one of its {' / '.join(many)} rows "
                     f"(not once per matching row)")
    return note


def _to_many_below(plan: QueryPlan, grain: tuple, path: tuple) -> bool:
    """True when `path` lies below `grain` through a one-to-many step."""
    if path[:len(grain)] != grain:
        return False
    return any(plan.node(path[:i]).relationship.to_many for i in range(len(grain) + 1, len(path) + 1))


def _placeholder_lines(plan: QueryPlan) -> list[str]:
    """What the placeholder rules decided the catalog SQL may skip (nothing: no lines)."""
    report, lines = plan.report, []
    keys = plan.report_keys
    if keys is not None:
        kept = [unparse(report.filters[i]) for i in keys.filters] + (["the date range"] if keys.window else [])
        lines.append(f"  lookups of {report.source} computed only for the keys of {report.source} rows passing "
                     f"{', '.join(kept)} (IS_REPORT_KEY, IF_REPORT_KEYS)")
    if plan.range_start is not None:
        lines.append(f"  {report.source} rows before the date range's start skipped in its SQL: "
                     f"RANGE_START() = {plan.range_start:%Y-%m-%d %H:%M:%S} UTC")
    return ["catalog SQL may skip:"] + lines if lines else []


# how each row shape reads its rows, in words (the node's name follows in brackets)
_HOW = {Direct: "computed directly (no join can repeat a grain row)",
        DistinctPerGrain: "computed over distinct rows of the grain (a one-to-many join could repeat them)",
        PreGrouped: "computed in parts over {source} rows grouped by their own dimensions and links before the joins"}


# what each part of a row shape computes, in words
_PART_HEADS = {
    PartialCombine: lambda part, grain, source: f"[PartialCombine] computed on the joined rows of {grain}, "
                                                f"per {grain} row, then combined:",
    BranchJoin: lambda part, grain, source: f"[BranchJoin] per {source} row, {'.'.join(part.path)} "
                                            f"pre-aggregated by its link (one row each):",
}


def _step_lines(plan: QueryPlan, step: AggregateStep) -> list[str]:
    """One step's plan nodes in words: its row shape, existence filters, aggregates and parts."""
    report, rows = plan.report, step.rows
    grain = ".".join(step.grain) or report.source
    how = _HOW[type(rows)].format(source=report.source)
    lines = [f"  {step.name}: grain {grain}, {how} [{type(rows).__name__}]"]
    for semi in step.existence:
        tested = ", ".join(unparse(report.filters[i]) for i in semi.filters)
        lines.append(f"    [ExistenceFilter] kept when some {'.'.join(semi.path)} row passes {tested} (tested, not joined)")
    lines += [f"    {slot} = {unparse(agg)}  [{grain_note(plan, agg)}]" for slot, agg in step.aggregates]
    for part in rows.parts:
        lines.append("    " + _PART_HEADS[type(part)](part, grain, report.source))
        lines += [f"      {slot} = {unparse(agg)}  [{grain_note(plan, agg)}]" for slot, agg in part.aggregates]
    return lines


def explain_plan(plan: QueryPlan) -> str:
    report = plan.report
    lines = [f"report {report.name}: source {report.source}, time zone {report.timezone}", "", "join tree:"]
    for node in sorted(plan.nodes, key=lambda n: n.path):
        depth = len(node.path)
        if node.relationship is None:
            lines.append(f"  {report.source}")
            continue
        kind = "one-to-many" if node.relationship.to_many else "many-to-one"
        extra = f"  (+ derived: {', '.join(node.lookups)})" if node.lookups else ""
        lines.append(f"  {'  ' * depth}{node.path[-1]} -> {node.entity} [{kind}, outer join]{extra}")
    lines += ["", "planner rules applied: " + (", ".join(plan.rules) or "none (the naive plan)")]
    lines += _placeholder_lines(plan)
    lines += ["", "aggregates:"]
    for step in plan.steps:
        lines += _step_lines(plan, step)
    lines += ["", "filters before aggregation (on joined rows):"]
    lines += [f"  {unparse(f)}" for f in report.filters] or ["  (none)"]
    if report.window is not None:
        r = report.window.range
        span = "all time" if r.start is None and r.end is None else \
            f"[{r.start or 'the beginning'}, {r.end or 'no end'}) {report.timezone}"
        lines.append(f"  date range on {unparse(report.window.field)}: {span}")
    lines += ["filters after aggregation (having):"]
    lines += [f"  {unparse(h)}" for h in report.having] or ["  (none)"]
    lines += ["", "columns: " + ", ".join(f"{c.name} ({c.type})" for c in output_columns(report))]
    return "\n".join(lines)
