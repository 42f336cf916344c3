"""A report's output columns, computed in one place for check (`having`, `sort`, `chart`, duplicate
names) and build (the SELECT list and the Result's column types).

Each column has a role, so nothing downstream guesses from a name: a measure named `n_previous`
beside `n` is a measure, and `n`'s comparison columns are found by `of`, not by a suffix. The
names `M_previous` and `M_change_pct` are the contract's and are only ever made here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..run.result import ROLES


@dataclass(frozen=True)
class OutputColumn:
    """One column of a report's result.

    `type` is the Result column type people see (units included: `seconds`, `percent`);
    `value_type` is the type an expression over the column has in `having` (a `percent` change
    is a number there). `of` names the measure a comparison column belongs to.
    """

    name: str
    type: str
    role: str = "dimension"
    of: str | None = None
    value_type: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown column role {self.role!r}")
        if self.value_type is None:
            object.__setattr__(self, "value_type", self.type)


def output_columns(dimensions, measures, compare: bool) -> tuple[OutputColumn, ...]:
    """The columns, in output order: dimensions, measures, then per measure (when the report
    compares) its previous value and its relative change in percent."""
    cols = [OutputColumn(d.name, d.type, "dimension") for d in dimensions]
    cols += [OutputColumn(m.name, m.unit or (m.type if m.type != "null" else "number"), "measure",
                          value_type=m.type) for m in measures]
    if compare:
        for m in measures:
            cols += [OutputColumn(m.name + "_previous", m.unit or "number", "previous", m.name, m.type),
                     OutputColumn(m.name + "_change_pct", "percent", "change_pct", m.name, "number")]
    return tuple(cols)
