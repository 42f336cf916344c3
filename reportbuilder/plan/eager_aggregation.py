"""Aggregating the source rows before joining small reference tables (eager aggregation).

`count(), avg(handle_time_seconds) by owner.team.name` need not join every ticket to its
owner and team: grouped by (owner_id, the dimensions of the source itself) the tickets
shrink to a few hundred rows, which are then joined and combined. Each group of source rows
shares one owner, so dimensions and filters on the joined nodes read the same values either
way. It applies to a step over the source whose joined nodes are all `small` entities
(reference tables such as owners and teams: the groups stay few), whose aggregates combine
from parts and read only the source, and whose dimensions and filters each read either only
the source or none of it.
"""
from __future__ import annotations

from ..catalog.model import Catalog
from ..catalog.join_graph import entity_at
from ..check.report import Report
from ..expr.aggregates import aggregate
from .paths import node_paths
from .query_plan import AggregateStep, Direct


def pre_aggregable(step: AggregateStep, report: Report, catalog: Catalog, lookup_nodes: set) -> bool:
    if step.grain or step.rows != Direct() or not step.aggregates:
        return False
    joined = [p for p in step.nodes if p]
    if not joined or any(not catalog.entity(entity_at(catalog, report.source, p)).small for p in joined):
        return False
    if set(step.nodes) & lookup_nodes or any(semi.path[:-1] for semi in step.existence):
        return False
    if any(not aggregate(agg).combinable or any(p for a in agg.args for p in node_paths(a)) for _, agg in step.aggregates):
        return False
    tested = {i for semi in step.existence for i in semi.filters}
    row_exprs = [d.expr for d in report.dimensions] + [f for i, f in enumerate(report.filters) if i not in tested]
    if report.window is not None:
        row_exprs.append(report.window.field)
    return all(not (() in paths and len(paths) > 1) for paths in (set(node_paths(e)) for e in row_exprs))

