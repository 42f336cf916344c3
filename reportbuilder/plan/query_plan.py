"""The query plan: the join tree and the grain of every aggregate. Input of `emit`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..catalog.model import Relationship
from ..check.report import Report
from ..check.resolved import Agg, NodePath


@dataclass(frozen=True)
class JoinNode:
    """A node of the join tree: the rows of `entity` reached from the source along `path`."""

    path: NodePath
    entity: str
    relationship: Relationship | None  # the step from the parent node; None at the root
    lookups: tuple[str, ...] = ()  # sql-derived fields of this node the report uses

    @property
    def parent(self) -> NodePath:
        return self.path[:-1]


@dataclass(frozen=True)
class AggregateStep:
    """Aggregates that run over the distinct rows of one node (`grain`), grouped by the dimensions.

    `nodes` is the part of the join tree these rows need (dimensions, filters, the grain and
    the aggregates' arguments). `distinct` is set when that join can repeat a grain row within
    a group (a one-to-many step away from the grain): rows are then made distinct on
    (group, grain key, arguments) before aggregating.
    """

    name: str
    grain: NodePath
    nodes: tuple[NodePath, ...]
    aggregates: tuple[tuple[str, Agg], ...]  # (slot name, aggregate)
    distinct: bool
    # Aggregates of finer grains over the same joined rows, computed per (group, grain key)
    # and combined (plan.merge_steps); only on distinct steps.
    partials: tuple[tuple[str, Agg], ...] = ()
    branches: tuple[Branch, ...] = ()  # one-to-many children pre-aggregated per source key
    semi_joins: tuple[SemiJoin, ...] = ()  # to-many filters tested for existence, not joined
    pre_aggregated: bool = False  # source rows grouped before the joins (plan.eager_aggregation)

    @property
    def kind(self) -> str:
        """How the step reads its rows; emit has one function per kind (emit.step_sql.EMITTERS):
        `pre_grouped` (source rows grouped before the joins), `distinct_per_grain` (one row per
        group and grain key first; it may host partials) or `direct` (the joined rows are the
        grain's rows; it may carry branches). Existence tests apply to each kind."""
        if self.pre_aggregated:
            return "pre_grouped"
        return "distinct_per_grain" if self.distinct else "direct"


@dataclass(frozen=True)
class SemiJoin:
    """Filters (indices into the report's filters) that only read the one-to-many branch at
    `path`: a row is kept when its key is the link of some branch row passing them. `nodes`
    are the branch's nodes they read (`path` first)."""

    path: NodePath
    filters: tuple[int, ...]
    nodes: tuple[NodePath, ...]


@dataclass(frozen=True)
class Branch:
    """A one-to-many child of the source (`path`) whose aggregates are computed per link key,
    then joined to the source rows one row each and combined (plan.merge_steps)."""

    path: NodePath
    aggregates: tuple[tuple[str, Agg], ...]


@dataclass(frozen=True)
class KeyRestriction:
    """The source rows a report can keep, as conditions every step applies: the report's filters
    at `filters` (indices, each on the source's stored columns) and, with `window`, its date
    range. Lookups of the source are computed for those rows' keys only (plan.placeholders)."""

    filters: tuple[int, ...]
    window: bool


@dataclass(frozen=True)
class QueryPlan:
    report: Report
    nodes: tuple[JoinNode, ...]
    row_nodes: tuple[NodePath, ...]  # nodes every step joins: dimensions, filters, date range
    steps: tuple[AggregateStep, ...]
    measures: tuple[tuple[str, object], ...]  # (output name, expression with `Slot`s for aggregates)
    rules: tuple[str, ...] = ()  # the rules (plan.rules) that rewrote the naive plan, in order
    # Catalog SQL placeholders (plan.placeholders); None: IS_REPORT_KEY is true, RANGE_START null.
    report_keys: KeyRestriction | None = None  # the rows lookups of the source are computed for
    range_start: datetime | None = None  # UTC; a derived source entity skips rows before it

    def node(self, path: NodePath) -> JoinNode:
        for n in self.nodes:
            if n.path == path:
                return n
        raise KeyError(path)


@dataclass(frozen=True)
class Slot:
    """An aggregate's value in a measure expression: column `name` of step `step`."""

    step: str
    name: str
    count_like: bool
    pos: tuple[int, int] = (1, 1)
    type: str = "number"  # the aggregate's type (a filled empty bucket's null is cast to it)
