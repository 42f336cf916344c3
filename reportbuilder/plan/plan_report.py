"""Stage `plan`: Report + Catalog -> QueryPlan.

Every aggregate is computed at the grain of the node its argument belongs to: aggregates
are grouped into one step per grain, each joining only the nodes it needs, made distinct
on the grain's rows where a one-to-many join could repeat them.
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..catalog.join_graph import entity_at, is_functional, relationships_of
from ..check.report import Report
from ..check.resolved import Agg, Field
from ..expr import ast
from ..expr.aggregates import aggregate
from ..expr.unparse import unparse
from .eager_aggregation import pre_aggregable
from .merge_steps import merge_steps
from .paths import node_paths, walk
from .query_plan import AggregateStep, JoinNode, QueryPlan, Slot
from .semi_joins import semi_join_candidates, under


def plan_report(report: Report, catalog: Catalog) -> QueryPlan:
    row_exprs = list(report.filters) + [d.expr for d in report.dimensions]
    if report.window is not None:
        row_exprs.append(report.window.field)
    row_nodes = _closed(p for e in row_exprs for p in node_paths(e))
    aggregates = _aggregates(report)
    steps, slots = _steps(report, catalog, aggregates, row_nodes)
    lookups = _lookups(row_exprs + [a for a, _ in slots])
    lookup_nodes = set(lookups)
    steps, moved = merge_steps(steps, row_nodes, catalog, report.source, lookup_nodes)
    steps = tuple(replace(s, pre_aggregated=pre_aggregable(s, report, catalog, lookup_nodes)) for s in steps)
    slots = [(agg, replace(slot, step=moved.get(slot.step, slot.step))) for agg, slot in slots]
    measures = tuple((m.name, _slotted(m.expr, slots)) for m in report.measures)
    used = set(row_nodes)
    for step in steps:
        used.update(step.nodes)
        used.update(branch.path for branch in step.branches)
    nodes = tuple(
        JoinNode(path, entity_at(catalog, report.source, path),
                 relationships_of(catalog, report.source, path)[-1] if path else None,
                 tuple(sorted(lookups.get(path, ()))))
        for path in sorted(used, key=lambda p: (len(p), p))
    )
    return QueryPlan(report, nodes, tuple(sorted(row_nodes, key=lambda p: (len(p), p))), steps, measures)


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
    candidates = semi_join_candidates(report, catalog, row_nodes)
    if not by_grain:  # dimensions only: one step listing the groups
        by_grain[()] = []
    for grain in sorted(by_grain, key=lambda p: (len(p), p)):
        name = "agg_" + ("__".join(grain) if grain else report.source)
        members = []
        nodes = set(row_nodes) | _closed([grain])
        for i, agg in enumerate(by_grain[grain]):
            slot = f"{name}_{i}"
            members.append((slot, agg))
            slots.append((agg, Slot(name, slot, aggregate(agg).count_like, type=agg.type)))
            nodes |= _closed(p for a in agg.args for p in node_paths(a))
        read = _closed([grain]) | _closed(p for a in by_grain[grain] for x in a.args for p in node_paths(x))
        semis = tuple(s for s in candidates if not any(under(p, s.path) for p in read))
        nodes = {n for n in nodes if not any(under(n, s.path) for s in semis)}
        distinct = not all(is_functional(catalog, report.source, grain, other) for other in nodes)
        ordered = tuple(sorted(nodes, key=lambda p: (len(p), p)))
        steps.append(AggregateStep(name, grain, ordered, tuple(members), distinct, semi_joins=semis))
    return tuple(steps), slots


def _closed(paths) -> set:
    """The paths with all their prefixes (a join tree is closed under parents)."""
    out = {()}
    for path in paths:
        for i in range(len(path) + 1):
            out.add(tuple(path[:i]))
    return out


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
