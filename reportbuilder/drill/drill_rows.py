"""`rb rows`: the rows behind one number of a report, checked against the report itself.

The report runs first (on the same engine connection, so its views, and any row-level
restriction they carry, hold for both queries): a cell the report does not show (no such
group, left out by `having` or `limit`) is a usage error, not an empty list.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..emit.build_sql import build_sql
from ..catalog.model import Catalog
from ..engines import Connection, Engine, get_engine
from ..errors import Diagnostic, SpecError
from ..plan.query_plan import QueryPlan
from ..run.result import Result, ResultColumn
from .cell import find_cell, parse_cell
from .measure_parts import PARTS, grain_of, measure_parts
from .rows_sql import RowsQuery, rows_query


@dataclass(frozen=True)
class DrillRequest:
    """Which rows: `cell` maps each dimension's output name to its value (text as `rb run
    --format json` shows it, or that JSON value); `measure` (default: the first) and, for a
    ratio, `part` (numerator or denominator; default: both, told apart by flag columns)."""

    cell: dict
    measure: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class DrillPage:
    rows: Result
    value: object  # the measure's value in the cell, as the report gives it
    total: int | None  # how many rows the cell has in all (when asked for)


def plan_rows(plan: QueryPlan, catalog: Catalog, request: DrillRequest, limit: int | None = None,
              offset: int = 0) -> tuple[tuple, RowsQuery]:
    """The cell's typed values and the query listing its rows (no data read)."""
    if request.part is not None and request.part not in PARTS:
        raise SpecError((Diagnostic("bad-part", f"--part {request.part}: expected numerator or denominator"),))
    if (limit is not None and limit < 0) or offset < 0:
        raise SpecError((Diagnostic("bad-limit", "--limit and --offset must not be negative"),))
    values = parse_cell(plan.report, request.cell)
    parts = measure_parts(plan.report, request.measure)
    grain = grain_of(parts, request.part)
    return values, rows_query(plan, catalog, values, parts, request.part, grain, limit, offset)


def drill_on(con: Connection, plan: QueryPlan, catalog: Catalog, request: DrillRequest,
             limit: int | None = None, offset: int = 0, total: bool = False) -> DrillPage:
    """The page of rows on an engine connection opened with `drill_tables(...)`."""
    values, query = plan_rows(plan, catalog, request, limit, offset)
    report = plan.report
    result = con.run(build_sql(plan, catalog), report.timezone, report.title)
    row = find_cell(report, result.rows, values)
    if row is None:
        shown = ", ".join(f"{d.name}={'' if request.cell[d.name] is None else request.cell[d.name]}"
                          for d in report.dimensions)
        what = f"no row {shown}" if shown else "no row (its having or limit leaves it out)"
        raise SpecError((Diagnostic("no-such-cell", f"the report has {what} with these options; "
                                    "run it to see its cells"),))
    measure = _measure_name(report, request.measure)
    value = row[result.names.index(measure)] if measure else None
    rows = con.fetch(query.select)
    count = con.fetch(query.count_select())[0][0] if total else None
    columns = tuple(ResultColumn(c.name, c.type) for c in query.columns)
    return DrillPage(Result(columns, tuple(rows), report.timezone, f"{report.title}: {query.entity}"), value, count)


def _measure_name(report, name: str | None) -> str | None:
    if name is not None:
        return name
    return report.measures[0].name if report.measures else None


def drill_tables(plan: QueryPlan, catalog: Catalog, request: DrillRequest) -> tuple[str, ...]:
    """Every table the report and its rows query read (what the engine must open)."""
    _, query = plan_rows(plan, catalog, request)
    return tuple(sorted(set(build_sql(plan, catalog).tables) | set(query.tables)))


def drill_rows(plan: QueryPlan, catalog: Catalog, data_path: Path, request: DrillRequest,
               limit: int | None = None, offset: int = 0, total: bool = False, restriction=None,
               on_open=None, engine: Engine | None = None) -> DrillPage:
    """Open the data on `engine` (default DuckDB) as `rb run` does (as the viewer `restriction` is for),
    then list the rows behind the cell; `on_open(connection)` is called once the data is open (to
    interrupt it from elsewhere)."""
    con = (engine or get_engine()).open(data_path, drill_tables(plan, catalog, request), catalog, restriction)
    try:
        if on_open is not None:
            on_open(con)
        return drill_on(con, plan, catalog, request, limit, offset, total)
    finally:
        con.close()
