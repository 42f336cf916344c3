"""Steps that share one pass over the data instead of each re-joining the same rows.

Two shapes are merged, both only for aggregates that combine from per-part values
(count, count_if, sum, sum_if, avg, avg_if, min, max):

- A *fan-out* merge: a step that reduces its joined rows per (group, grain key) can also
  compute the aggregates of another step over exactly the same joined rows; that step's
  rows are partitioned by the grain key, so it aggregates per part and combines.
  (`count(), count(conversations)` by `conversations.channel`: one join, not two.)
- *Branches*: a step over a one-to-many child of the source that no dimension or filter
  touches is the child's rows grouped by their link to the source. It becomes a per-key
  pre-aggregate joined once to the source rows of the source's step, so several children
  (the chasm trap: conversations, calls, feedback of the same tickets) cost one pass over the
  source and one grouped pass over each child.
"""
from __future__ import annotations

from dataclasses import replace

from ..catalog.model import Catalog
from ..catalog.join_graph import relationships_of
from ..expr.aggregates import aggregate
from .paths import by_depth, node_paths
from .query_plan import AggregateStep, BranchJoin, Direct, DistinctPerGrain, PartialCombine
from .semi_joins import under


def _combinable(step: AggregateStep) -> bool:
    return bool(step.aggregates) and all(aggregate(agg).combinable for _, agg in step.aggregates)


def with_branches(steps: list[AggregateStep], row_nodes: set, catalog: Catalog, source: str, lookup_nodes: set):
    """The steps with qualifying one-to-many children folded into the source's step as branches
    (a root step is made when there is none), and the new step of each merged-away step's name."""
    root = next((s for s in steps if s.grain == ()), None)
    if (root is not None and root.rows != Direct()) or catalog.entity(source).primary_key is None:
        return steps, {}
    branches = [s for s in steps if _is_branch(s, row_nodes, catalog, source, lookup_nodes)]
    if root is None and branches:
        nodes = {n for n in row_nodes if not any(under(n, s.path) for s in branches[0].existence)}
        root = AggregateStep("agg_" + source, (), by_depth(nodes), (), Direct(), existence=branches[0].existence)
        steps.insert(0, root)
    branches = [s for s in branches if s.existence == root.existence]
    if not branches:
        return steps, {}
    merged = replace(root, rows=Direct(tuple(BranchJoin(s.grain, s.aggregates) for s in branches)))
    kept = [merged if s is root else s for s in steps if s not in branches]
    return kept, {s.name: root.name for s in branches}


def _is_branch(step: AggregateStep, row_nodes, catalog, source, lookup_nodes) -> bool:
    """A one-to-many child of the source, aggregated over its own stored columns only, that no
    dimension, filter or date range touches (so its rows per source row are all its rows)."""
    if len(step.grain) != 1 or step.rows != Direct() or step.grain in row_nodes or step.grain in lookup_nodes:
        return False
    if not relationships_of(catalog, source, step.grain)[0].to_many or not _combinable(step):
        return False
    if any(node not in row_nodes for node in step.nodes if node != step.grain):
        return False
    return all(path == step.grain for _, agg in step.aggregates for path in node_paths(agg))


def fan_out_merged(steps: list[AggregateStep]):
    """The steps with each distinct step hosting, as partials, the steps over exactly its joined
    rows, and the new step of each merged-away step's name."""
    moved, kept = {}, list(steps)
    for host in [s for s in steps if s.distinct]:
        guests = [s for s in kept if s.rows == Direct() and s.grain != host.grain
                  and set(s.nodes) == set(host.nodes) and s.existence == host.existence and _combinable(s)]
        if not guests:
            continue
        current = next(s for s in kept if s.name == host.name)
        merged = replace(current, rows=DistinctPerGrain(current.rows.parts + tuple(
            PartialCombine(g.aggregates) for g in guests)))
        kept = [merged if s is current else s for s in kept if s not in guests]
        moved.update({g.name: host.name for g in guests})
    return kept, moved

