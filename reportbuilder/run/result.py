"""The value a report run hands to rendering: typed columns and plain Python rows."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COLUMN_TYPES = ("text", "integer", "number", "boolean", "date", "timestamp", "seconds", "percent")
NUMERIC_TYPES = ("integer", "number", "seconds", "percent")
# what a column is to the report (check/output_schema.py sets it): renderers ask this, never a name
ROLES = ("dimension", "measure", "previous", "change_pct")


@dataclass(frozen=True)
class ResultColumn:
    """One output column.

    `type` is one of COLUMN_TYPES. Values of a `timestamp` column are naive
    `datetime`s holding UTC instants; renderers show them in the result's time zone.
    `date` values are `datetime.date` (already local). `seconds` and `percent` are
    numbers with a unit, for labels only.

    `role` is one of ROLES; `of` names the measure a `previous` or `change_pct` column
    compares. A column made without a role (a hand-made or drill-down result) is a measure
    when numeric, else a dimension.
    """

    name: str
    type: str
    role: str = ""
    of: str | None = None

    def __post_init__(self):
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r}")
        if not self.role:
            object.__setattr__(self, "role", "measure" if self.type in NUMERIC_TYPES else "dimension")
        if self.role not in ROLES:
            raise ValueError(f"unknown column role {self.role!r}")
        if (self.of is None) != (self.role in ("dimension", "measure")):
            raise ValueError(f"column {self.name!r}: `of` names the measure of a comparison column, and only that")


@dataclass(frozen=True)
class Result:
    """Rows of a report, in output order, with the report's time zone (an IANA name)."""

    columns: tuple[ResultColumn, ...]
    rows: tuple[tuple, ...]
    timezone: str = "UTC"
    title: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def plain_row(row) -> tuple:
    """A row of an engine's values as plain Python: whole decimals as int, other decimals as float."""
    return tuple(_plain(v) for v in row)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def result_of(query, rows, timezone: str, title: str = "") -> Result:
    """The Result of a built query's rows (already plain), typed by the query's output columns."""
    return Result(tuple(ResultColumn(c.name, c.type, c.role, c.of) for c in query.columns), tuple(rows), timezone,
                  title)


def comparison_column(result: Result, measure: str, role: str) -> str | None:
    """The name of `measure`'s `previous` or `change_pct` column, when the result compares."""
    return next((c.name for c in result.columns if c.role == role and c.of == measure), None)
