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
class ExistenceFilter:
    """Plan node (rule `existence_tests`): filters (indices into the report's filters) that only
    read the one-to-many branch at `path`, tested instead of joined: a row is kept when its key
    is the link of some branch row passing them. `nodes` are the branch's nodes they read
    (`path` first). A condition of its step, whatever the step's row shape."""

    path: NodePath
    filters: tuple[int, ...]
    nodes: tuple[NodePath, ...]


@dataclass(frozen=True)
class BranchJoin:
    """Plan node (rule `branches`): a one-to-many child of the source (`path`) whose aggregates
    are computed per link key over the child's own rows, then joined to the source rows one row
    each and combined. Only inside a `Direct` step over the source."""

    path: NodePath
    aggregates: tuple[tuple[str, Agg], ...]


@dataclass(frozen=True)
class PartialCombine:
    """Plan node (rule `fan_out_merge`): the aggregates of a merged-away step of another grain,
    computed over the host's joined rows in parts per (group, host grain key) and combined over
    the parts. Only inside a `DistinctPerGrain` step, whose pass partitions the rows that way."""

    aggregates: tuple[tuple[str, Agg], ...]


class _RowShape:
    """What every row shape answers: its parts and the (slot, aggregate) pairs they produce."""

    parts: tuple = ()

    @property
    def merged(self) -> tuple[tuple[str, Agg], ...]:
        """The (slot, aggregate) pairs its parts produce beside the step's own."""
        return tuple(pair for part in self.parts for pair in part.aggregates)


@dataclass(frozen=True)
class Direct(_RowShape):
    """Row shape: the joined rows are the grain's rows, each once (no one-to-many join away
    from the grain), so the aggregates run on them directly; its parts are `BranchJoin`s."""

    parts: tuple[BranchJoin, ...] = ()

    @property
    def on_joined_rows(self) -> tuple[tuple[str, Agg], ...]:
        """Those of `merged` computed over the step's joined rows (none: branches read their own)."""
        return ()


@dataclass(frozen=True)
class DistinctPerGrain(_RowShape):
    """Row shape: a one-to-many join can repeat a grain row within a group, so the joined rows
    are first reduced to one per (group, grain key), then aggregated; its parts are
    `PartialCombine`s of other grains computed in the same pass."""

    parts: tuple[PartialCombine, ...] = ()

    @property
    def on_joined_rows(self) -> tuple[tuple[str, Agg], ...]:
        return self.merged


@dataclass(frozen=True)
class PreGrouped(_RowShape):
    """Row shape (rule `eager_aggregation`): the source's rows grouped by their own dimensions
    and the links of the joined (small) nodes before the joins, aggregated in parts, then
    joined and combined per group. It has no parts: nothing else can share that pass."""

    @property
    def on_joined_rows(self) -> tuple[tuple[str, Agg], ...]:
        return ()


RowShape = Direct | DistinctPerGrain | PreGrouped
ROW_SHAPES = (Direct, DistinctPerGrain, PreGrouped)
# every node type a plan's steps are made of; emit has one function for each (emit.step_sql.EMITTERS)
PLAN_NODES = ROW_SHAPES + (BranchJoin, PartialCombine, ExistenceFilter)


def joined_rows(distinct: bool) -> RowShape:
    """The naive row shape of a step whose joins do (`distinct`) or do not repeat a grain row."""
    return DistinctPerGrain() if distinct else Direct()


@dataclass(frozen=True)
class AggregateStep:
    """Aggregates that run over the distinct rows of one node (`grain`), grouped by the dimensions.

    `nodes` is the part of the join tree these rows need (dimensions, filters, the grain and
    the aggregates' arguments). `rows` is the node saying how the step reads them: `Direct`
    (with its `BranchJoin` parts), `DistinctPerGrain` (with its `PartialCombine` parts) or
    `PreGrouped`; a part exists only inside the shape that can compute it. `existence` are
    the to-many filters tested, not joined; they apply to any shape.
    """

    name: str
    grain: NodePath
    nodes: tuple[NodePath, ...]
    aggregates: tuple[tuple[str, Agg], ...]  # (slot name, aggregate)
    rows: RowShape
    existence: tuple[ExistenceFilter, ...] = ()

    @property
    def distinct(self) -> bool:
        """True when the joined rows are reduced to one per (group, grain key) first."""
        return isinstance(self.rows, DistinctPerGrain)

    @property
    def slots(self) -> tuple[tuple[str, Agg], ...]:
        """Every (slot, aggregate) the step produces: its own, then its parts'."""
        return self.aggregates + self.rows.merged


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
