"""The catalog: entities, their columns and relationships, derived fields and named measures.

The catalog is data (YAML shipped in this package, extended by a workspace file);
these frozen values are what the rest of the engine reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..calendars.model import DEFAULT_BUSINESS_HOURS, BusinessHours

FIELD_TYPES = ("integer", "number", "text", "boolean", "timestamp", "date")
# Dashboard-wide filters (shared/contract/spec-language.md, "Dashboards"): each entity (and
# each spec, overriding it) names the path from its rows to the field a filter compares.
DASHBOARD_FILTER_KEYS = ("owner", "team", "channel_account", "pipeline", "company")


@dataclass(frozen=True)
class Column:
    """A stored column, or a derived field when `expr` or `sql` is set."""

    name: str
    type: str
    unit: str | None = None
    description: str = ""
    expr: str | None = None  # report-language expression over the entity's own fields
    sql: object | None = None  # sqlglot SELECT giving (key, value) per entity row
    default: object = None  # value of an `sql` field for rows the query does not cover
    optional: bool = False  # a stored column a data file may lack (an extension): read as null then

    def __post_init__(self):
        if self.type not in FIELD_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    @property
    def derived(self) -> bool:
        return self.expr is not None or self.sql is not None


@dataclass(frozen=True)
class Relationship:
    """A named step from one entity to another.

    `to_many` is False for a many-to-one link (the `column` of `source` holds the key of
    `target`) and True for its reverse (the `column` of `target` points back at `source`).
    """

    name: str
    source: str
    target: str
    column: str
    to_many: bool


@dataclass(frozen=True)
class Entity:
    name: str
    table: str | None  # data table; None for a derived entity computed by `sql`
    primary_key: str | None
    time_field: str | None
    columns: tuple[Column, ...]
    relationships: tuple[Relationship, ...] = ()
    sql: object | None = None  # sqlglot SELECT of a derived entity
    description: str = ""
    small: bool = False  # a reference table of at most a few thousand rows (owners, teams)
    dashboard_filters: tuple[tuple[str, str], ...] = ()  # (filter key, field path from this entity)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def relationship(self, name: str) -> Relationship | None:
        for r in self.relationships:
            if r.name == name:
                return r
        return None


@dataclass(frozen=True)
class NamedMeasure:
    name: str
    entity: str
    expr: str
    unit: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Catalog:
    entities: tuple[Entity, ...]
    measures: tuple[NamedMeasure, ...] = ()
    week_start: str = "monday"
    timezone: str = "UTC"
    data_path: str | None = None
    source_files: tuple[str, ...] = field(default=())
    business: BusinessHours = DEFAULT_BUSINESS_HOURS  # calendars, default calendar, SLA policy

    def entity(self, name: str) -> Entity | None:
        for e in self.entities:
            if e.name == name:
                return e
        return None

    def measure(self, name: str) -> NamedMeasure | None:
        for m in self.measures:
            if m.name == name:
                return m
        return None

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)
