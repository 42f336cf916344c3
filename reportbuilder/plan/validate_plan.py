"""The invariants every plan keeps, checked after the naive plan and after each rule.

A broken invariant is a planner bug, not a bad spec: `InvalidPlan` reaches the CLI as an
internal error instead of SQL with a silently wrong answer. The node types make most bad
combinations unrepresentable (a `PreGrouped` step has no parts; partials live only in
`DistinctPerGrain`, branches only in `Direct`); what types cannot say is checked here: a
part of the wrong type in a shape, branches on a step other than the source's, a
pre-grouped step with a grain, an existence filter over a joined branch.
"""
from __future__ import annotations

from .paths import walk
from .placeholders import on_source_columns
from .query_plan import (ROW_SHAPES, AggregateStep, BranchJoin, Direct, DistinctPerGrain, ExistenceFilter,
                         PartialCombine, PreGrouped, QueryPlan, Slot)
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
        broken = _step_problems(step, plan, known)
        problems += [f"step {step.name}: {p}" for p in broken]
        for slot, _ in () if broken else step.slots:  # a malformed step's parts may have no slots
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


def _step_problems(step: AggregateStep, plan: QueryPlan, known: set) -> list[str]:
    problems = []
    nodes = set(step.nodes)
    if step.grain not in nodes or not nodes <= known or any(n[:-1] not in nodes for n in nodes if n):
        problems.append("its nodes are not a subtree of the join tree holding its grain")
    if not isinstance(step.rows, ROW_SHAPES):
        return problems + [f"its rows are a {type(step.rows).__name__}, not a row shape"]
    if not all(isinstance(e, ExistenceFilter) for e in step.existence):
        problems.append("an existence filter that is not an ExistenceFilter node")
    elif any(under(n, semi.path) for semi in step.existence for n in nodes):
        problems.append("it joins a branch it tests for existence")
    part_type, shape_problems = SHAPES[type(step.rows)]
    wrong = sorted({type(p).__name__ for p in step.rows.parts if not isinstance(p, part_type)})
    if wrong:
        return problems + [f"a {type(step.rows).__name__} step holds {', '.join(wrong)} parts"]
    return problems + shape_problems(step, plan, known)


def _direct_problems(step: AggregateStep, plan: QueryPlan, known: set) -> list[str]:
    problems = []
    if step.rows.parts and (step.grain or any(_to_many(plan, n) for n in step.nodes)):
        problems.append("branches on a step other than the source's, or over repeated source rows")
    for branch in step.rows.parts:
        if len(branch.path) != 1 or branch.path in step.nodes or branch.path not in known \
                or not _to_many(plan, branch.path):
            problems.append(f"branch {'.'.join(branch.path)} is not an unjoined one-to-many child of the source")
    return problems


def _distinct_problems(step: AggregateStep, plan: QueryPlan, known: set) -> list[str]:
    return []  # its partials may be of any grain over its joined rows


def _pre_grouped_problems(step: AggregateStep, plan: QueryPlan, known: set) -> list[str]:
    return ["pre-grouped with a grain (only the source's rows are grouped before the joins)"] if step.grain else []


# each row shape: the one part type it may hold, and its invariants beyond what its type says
SHAPES = {Direct: (BranchJoin, _direct_problems), DistinctPerGrain: (PartialCombine, _distinct_problems),
          PreGrouped: ((), _pre_grouped_problems)}


def _to_many(plan: QueryPlan, path: tuple) -> bool:
    """True when some step from the source down to `path` is one-to-many."""
    return any(plan.node(path[:i]).relationship.to_many for i in range(1, len(path) + 1))
