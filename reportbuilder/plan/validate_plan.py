"""The invariants every plan keeps, checked after the naive plan and after each rule.

A broken invariant is a planner bug, not a bad spec: `InvalidPlan` reaches the CLI as an
internal error instead of SQL with a silently wrong answer (a pre-aggregated step with
branches would build and drop the branch columns).
"""
from __future__ import annotations

from .paths import walk
from .placeholders import on_source_columns
from .query_plan import AggregateStep, QueryPlan, Slot
from .semi_joins import under


class InvalidPlan(RuntimeError):
    """A rule produced a plan that breaks an invariant (an internal error)."""


def validate(plan: QueryPlan) -> QueryPlan:
    """`plan` itself when it keeps every invariant, else raise InvalidPlan."""
    problems = _problems(plan)
    if problems:
        raise InvalidPlan(f"plan of report {plan.report.name}: " + "; ".join(problems))
    return plan


def _problems(plan: QueryPlan) -> list[str]:
    problems = []
    known = {n.path for n in plan.nodes}
    if not set(plan.row_nodes) <= known:
        problems.append("a row node is missing from the join tree")
    names = [s.name for s in plan.steps]
    if len(set(names)) != len(names):
        problems.append(f"step names repeat: {names}")
    produced: dict[str, str] = {}
    for step in plan.steps:
        problems += [f"step {step.name}: {p}" for p in _step_problems(step, plan, known)]
        for slot in _slots_of(step):
            if slot in produced:
                problems.append(f"slot {slot} produced by {produced[slot]} and {step.name}")
            produced[slot] = step.name
    read = set()
    for name, expr in plan.measures:
        for node in walk(expr):
            if isinstance(node, Slot):
                read.add(node.name)
                if produced.get(node.name) != node.step:
                    problems.append(f"measure {name} reads {node.step}.{node.name}, which that step does not produce")
    if set(produced) - read:
        problems.append(f"slots no measure reads: {sorted(set(produced) - read)}")
    return problems + _placeholder_problems(plan)


def _placeholder_problems(plan: QueryPlan) -> list[str]:
    """The placeholders' decisions (plan.placeholders) hold only where their rule allows them."""
    problems, report = [], plan.report
    keys = plan.report_keys
    if keys is not None and (not all(0 <= i < len(report.filters) and on_source_columns(report.filters[i])
                                     for i in keys.filters)
                             or keys.window and (report.window is None or report.compare)
                             or not (keys.filters or keys.window)):
        problems.append("report keys restricted by conditions other than the source's own filters and range")
    if plan.range_start is not None and (report.window is None or report.compare):
        problems.append("a range start pushed down without a date range, or with a comparison")
    return problems


def _slots_of(step: AggregateStep) -> list[str]:
    parts = list(step.aggregates) + list(step.partials) + [a for b in step.branches for a in b.aggregates]
    return [slot for slot, _ in parts]


def _step_problems(step: AggregateStep, plan: QueryPlan, known: set) -> list[str]:
    problems = []
    nodes = set(step.nodes)
    if step.grain not in nodes or not nodes <= known or any(n[:-1] not in nodes for n in nodes if n):
        problems.append("its nodes are not a subtree of the join tree holding its grain")
    if any(under(n, semi.path) for semi in step.semi_joins for n in nodes):
        problems.append("it joins a branch it tests for existence")
    if step.pre_aggregated and (step.grain or step.distinct or step.branches or step.partials):
        problems.append("pre-aggregated with a grain, distinct rows, branches or partials")
    if step.partials and not step.distinct:
        problems.append("partials on a step that is not distinct")
    if step.branches:
        if step.grain or step.distinct or any(_to_many(plan, n) for n in nodes):
            problems.append("branches on a step other than the source's, or over repeated source rows")
        for branch in step.branches:
            if len(branch.path) != 1 or branch.path in nodes or branch.path not in known \
                    or not _to_many(plan, branch.path):
                problems.append(f"branch {'.'.join(branch.path)} is not an unjoined one-to-many child of the source")
    return problems


def _to_many(plan: QueryPlan, path: tuple) -> bool:
    """True when some step from the source down to `path` is one-to-many."""
    return any(plan.node(path[:i]).relationship.to_many for i in range(1, len(path) + 1))
