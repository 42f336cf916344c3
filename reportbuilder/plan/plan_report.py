"""Stage `plan`: Report + Catalog -> QueryPlan.

Every aggregate is computed at the grain of the node its argument belongs to: the naive plan
groups aggregates into one step per grain, each joining every node it reads, made distinct
on the grain's rows where a one-to-many join could repeat them. The rules (plan.rules) then
rewrite it, one pass each, into a plan with the same answers and less work.
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..catalog.join_graph import entity_at, relationships_of
from ..check.report import Report
from ..check.resolved import Agg, Field
from ..expr import ast
from ..expr.aggregates import aggregate
from ..expr.unparse import unparse
from .paths import by_depth, closed, node_paths, repeats_grain, walk
from .query_plan import AggregateStep, JoinNode, QueryPlan, Slot, joined_rows
from .rules import RULES, apply_rules
from .validate_plan import validate


def plan_report(report: Report, catalog: Catalog, rules=RULES) -> QueryPlan:
    """The naive plan rewritten by `rules` (all of them unless a test switches some off)."""
    return apply_rules(validate(naive_plan(report, catalog)), catalog, rules)


def naive_plan(report: Report, catalog: Catalog) -> QueryPlan:
    """One step per grain, joining every node its rows need: no rewrite applied."""
    row_exprs = list(report.filters) + [d.expr for d in report.dimensions]
    if report.window is not None:
        row_exprs.append(report.window.field)
    row_nodes = closed(p for e in row_exprs for p in node_paths(e))
    aggregates = _aggregates(report)
    steps, slots = _steps(report, catalog, aggregates, row_nodes)
    lookups = _lookups(row_exprs + [a for a, _ in slots])
    measures = tuple((m.name, _slotted(m.expr, slots)) for m in report.measures)
    used = set(row_nodes)
    for step in steps:
        used.update(step.nodes)
    nodes = tuple(
        JoinNode(path, entity_at(catalog, report.source, path),
                 relationships_of(catalog, report.source, path)[-1] if path else None,
                 tuple(sorted(lookups.get(path, ()))))
        for path in by_depth(used)
    )
    return QueryPlan(report, nodes, by_depth(row_nodes), steps, measures)


def _aggregates(report: Report) -> list[Agg]:
    """Every distinct aggregate of the measures, in order of appearance (positions ignored)."""
    found, seen = [], set()
    for m in report.measures:
        for node in walk(m.expr):
            if isinstance(node, Agg) and _identity(node) not in seen:
                seen.add(_identity(node))
                found.append(node)
    return found


def _identity(agg: Agg) -> tuple:
    return agg.grain, unparse(agg)


def _steps(report, catalog, aggregates, row_nodes):
    by_grain: dict = {}
    for agg in aggregates:
        by_grain.setdefault(agg.grain, []).append(agg)
    steps, slots = [], []
    if not by_grain:  # dimensions only: one step listing the groups
        by_grain[()] = []
    for grain in by_depth(by_grain):
        name = "agg_" + ("__".join(grain) if grain else report.source)
        members = []
        nodes = set(row_nodes) | closed([grain])
        for i, agg in enumerate(by_grain[grain]):
            slot = f"{name}_{i}"
            members.append((slot, agg))
            slots.append((agg, Slot(name, slot, aggregate(agg).count_like, type=agg.type)))
            nodes |= closed(p for a in agg.args for p in node_paths(a))
        distinct = repeats_grain(catalog, report.source, grain, nodes)
        steps.append(AggregateStep(name, grain, by_depth(nodes), tuple(members), joined_rows(distinct)))
    return tuple(steps), slots


def _lookups(exprs) -> dict:
    found: dict = {}
    for expr in exprs:
        for node in walk(expr):
            if isinstance(node, Field) and node.column.sql is not None:
                found.setdefault(node.path, set()).add(node.column.name)
    return found


def _slotted(expr, slots):
    """Replace each aggregate of a measure expression by its slot."""
    if isinstance(expr, Agg):
        for agg, slot in slots:
            if _identity(agg) == _identity(expr):
                return replace(slot, pos=expr.pos)
        raise KeyError(expr)
    return ast.map_children(expr, lambda child: _slotted(child, slots))
