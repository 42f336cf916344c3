"""Which built-in reports an import's tables can feed, and the span of time its data covers.

The tables a built-in needs are those its compiled query reads (`BuiltQuery.tables`),
so the answer follows the specs and the catalog, never a hand-kept list: a report is fed
when every table it reads was written (an empty table counts: the report runs and says 0).
The span is read back from the written files, on each table's catalog time field, so the
summary can say how to report on data that ended years before "now".
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb

from .base import sql_literal

#: any fixed "now" compiles every built-in; the tables read do not depend on it
_COMPILE_NOW = datetime(2020, 1, 1)


@lru_cache(maxsize=1)
def builtin_tables() -> dict[str, tuple[str, ...]]:
    """Built-in report name -> the data tables its query reads."""
    from ..emit.build_sql import build_sql
    from ..catalog.load_catalog import load_catalog
    from ..check.options import ReportOptions
    from ..compile import checked_plan
    from ..load.load_spec import load_spec_file
    from ..workspace import builtin_names, builtin_path

    catalog = load_catalog()
    needed = {}
    for name in builtin_names():
        report_plan = checked_plan(load_spec_file(builtin_path(name), name), catalog, ReportOptions(now_utc=_COMPILE_NOW))
        needed[name] = tuple(sorted(build_sql(report_plan, catalog).tables))
    return needed


def reports_fed(written: set[str]) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """(the built-ins every table of which is in `written`, {other built-in: the tables it lacks})."""
    fed, unfed = [], {}
    for name, tables in builtin_tables().items():
        missing = tuple(t for t in tables if t not in written)
        if missing:
            unfed[name] = missing
        else:
            fed.append(name)
    return fed, unfed


def time_span(output: Path, tables: list[str]) -> tuple[datetime, datetime] | None:
    """The earliest and latest value of each written table's time field (UTC), None when no rows."""
    from ..catalog.load_catalog import load_catalog

    fields = {e.table: e.time_field for e in load_catalog().entities if e.table and e.time_field}
    parts = [f"SELECT min({_quoted(fields[t])}) AS lo, max({_quoted(fields[t])}) AS hi "
             f"FROM read_parquet({sql_literal(output / f'{t}.parquet')})" for t in tables if t in fields]
    if not parts:
        return None
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        lo, hi = con.execute(f"SELECT min(lo), max(hi) FROM ({' UNION ALL '.join(parts)})").fetchone()
    finally:
        con.close()
    return None if lo is None else (lo, hi)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
