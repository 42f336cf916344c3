"""The planner's rewrites, each one pass over a whole plan: `plan = validate(rule(plan, catalog))`.

plan_report builds the naive plan (one step per grain, each joining every node it reads,
made distinct where a join could repeat a grain row); each rule rewrites it into a plan with
the same answers and less work, or returns it unchanged. Each rewrite is a plan node
(plan.query_plan: `ExistenceFilter`, `BranchJoin` inside `Direct`, `PartialCombine` inside
`DistinctPerGrain`, `PreGrouped`) that emit writes with that node's function. A rule only rewrites the steps its
precondition holds for, so any rule may be switched off (`plan_report(..., rules=...)`) and
the answers stay the same (tests/plan/test_rules.py runs the reference evaluator on each).

The order is part of the design: existence tests first, because they remove joins and with
them the need for distinct passes, which the merges require; branches before the fan-out
merge, which would otherwise take the source's step as a guest; eager aggregation last, on
the steps no merge took (a step with branches or partials is not pre-grouped). The last
two rules decide what the catalog SQL's placeholders let it skip; they leave the steps alone,
so their place is free.
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..expr import ast
from .eager_aggregation import pre_aggregable
from .merge_steps import fan_out_merged, with_branches
from .placeholders import range_start, report_keys
from .query_plan import Direct, DistinctPerGrain, PreGrouped, QueryPlan, Slot
from .semi_joins import semi_join_candidates, tested_not_joined
from .validate_plan import validate


def existence_tests(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """To-many filters tested for existence, not joined (plan.semi_joins).

    Pre: the steps it rewrites have naive rows (`Direct()`, `DistinctPerGrain()`) and no
    `ExistenceFilter`; it leaves the others alone.
    Post: each such step whose grain and aggregates read nothing of a branch the filters only
    test for existence holds an `ExistenceFilter` per branch (the rows with a matching branch
    row are kept) and no longer joins that branch's nodes; its row shape (`Direct` or
    `DistinctPerGrain`) guards only against the joins left.
    """
    candidates = semi_join_candidates(plan.report, catalog, set(plan.row_nodes))
    if not candidates:
        return plan
    source = plan.report.source
    steps = tuple(tested_not_joined(s, candidates, catalog, source)
                  if not s.existence and s.rows in (Direct(), DistinctPerGrain()) else s for s in plan.steps)
    return replace(plan, steps=steps)


def branches(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """One-to-many children of the source aggregated per link key (plan.merge_steps).

    Pre: no step has `PartialCombine` parts; the source's step, if any, is a plain `Direct()`.
    Post: each step over a one-to-many child of the source that no dimension, filter or
    derived field reads, a plain `Direct()`, with combinable aggregates and the root's
    existence filters, is a `BranchJoin` of the source's `Direct` step (made when there was
    none); its slots moved with it.
    """
    if any(s.rows.on_joined_rows for s in plan.steps):
        return plan
    steps, moved = with_branches(list(plan.steps), set(plan.row_nodes), catalog, plan.report.source,
                                 _lookup_nodes(plan))
    return _with_steps(plan, steps, moved)


def fan_out_merge(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """Steps over exactly a distinct step's joined rows computed in its pass (plan.merge_steps).

    Pre: none (only plain `Direct()` steps are guests).
    Post: each `DistinctPerGrain` step hosts, as one `PartialCombine` each, the combinable
    plain `Direct()` steps of other grains with the same nodes and existence filters; their
    slots moved to the host.
    """
    steps, moved = fan_out_merged(list(plan.steps))
    return _with_steps(plan, steps, moved)


def eager_aggregation(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """Source rows grouped before joining small reference tables (plan.eager_aggregation).

    Pre: none (only plain `Direct()` steps over the source are rewritten).
    Post: each plain `Direct()` step over the source whose joined nodes are small entities,
    whose aggregates combine from parts and read only the source, and whose dimensions and
    filters each read only the source or none of it, is `PreGrouped()`.
    """
    lookups = _lookup_nodes(plan)
    steps = tuple(replace(s, rows=PreGrouped()) if pre_aggregable(s, plan.report, catalog, lookups) else s
                  for s in plan.steps)
    return replace(plan, steps=steps)


def key_restriction(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """Lookups of the source computed only for the keys of rows the report can keep (plan.placeholders).

    Pre: `report_keys` is None (catalog SQL's IS_REPORT_KEY(x) is true, IF_REPORT_KEYS(c) true).
    Post: when the source is a stored table with a primary key whose sql-derived fields the
    report reads, and some filters (or the bounded date range, without a comparison) read only
    its stored columns, `report_keys` names them: emit writes their keys as the CTE
    `report_keys`, IS_REPORT_KEY(x) becomes `x IN report_keys` and IF_REPORT_KEYS(c) becomes c,
    in the source's lookups only. Steps unchanged (every step applies those conditions anyway).
    """
    if plan.report_keys is not None or not any(n.lookups for n in plan.nodes if n.path == ()):
        return plan
    return replace(plan, report_keys=report_keys(plan.report, catalog))


def range_start_pushdown(plan: QueryPlan, catalog: Catalog) -> QueryPlan:
    """A derived source entity's SQL skips rows before the date range (plan.placeholders).

    Pre: `range_start` is None (the entity's RANGE_START() is a null timestamp).
    Post: when the date range, without a comparison, is on the derived source's own time field
    and has a start, `range_start` is that start in UTC and RANGE_START() is it. Steps
    unchanged (each still applies the date range).
    """
    if plan.range_start is not None:
        return plan
    return replace(plan, range_start=range_start(plan.report, catalog))


RULES = (existence_tests, branches, fan_out_merge, eager_aggregation, key_restriction, range_start_pushdown)


def apply_rules(plan: QueryPlan, catalog: Catalog, rules=RULES) -> QueryPlan:
    """`plan` rewritten by each of `rules` in turn, validated after each; the plan names the
    rules that changed it (`rb explain` shows them)."""
    for rule in rules:
        rewritten = validate(rule(plan, catalog))
        if rewritten is not plan and rewritten != plan:
            rewritten = replace(rewritten, rules=plan.rules + (rule.__name__,))
        plan = rewritten
    return plan


def _lookup_nodes(plan: QueryPlan) -> set:
    """The nodes whose sql-derived fields the report reads."""
    return {n.path for n in plan.nodes if n.lookups}


def _with_steps(plan: QueryPlan, steps, moved: dict) -> QueryPlan:
    """`plan` with new steps, its measures reading each moved step's slots from its new step."""
    if not moved:
        return replace(plan, steps=tuple(steps))
    measures = tuple((name, _moved(expr, moved)) for name, expr in plan.measures)
    return replace(plan, steps=tuple(steps), measures=measures)


def _moved(expr, moved: dict):
    if isinstance(expr, Slot):
        return replace(expr, step=moved.get(expr.step, expr.step))
    return ast.map_children(expr, lambda child: _moved(child, moved))
