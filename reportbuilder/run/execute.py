"""Stage `run` on DuckDB: the `duckdb` engine (reportbuilder.engines), a built query + data -> Result.

The data opens through load_data.open_data (views over the files, a locked connection);
the SQL is the builder's tree as it is (it is built with DuckDB's meaning).
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
from sqlglot import exp

from ..emit.build_sql import BuiltQuery
from ..emit.dialects import to_dialect
from ..catalog.model import Catalog
from ..errors import DataError
from .load_data import DataConnection, open_data
from .result import Result, plain_row, result_of
from .result_cache import ResultCache

_MISSING_COLUMN = re.compile(r'(?:does not have a column named|Referenced column) "([^"]+)"')


class DuckDBEngine:
    """In-process DuckDB over a folder of Parquet/CSV/JSON files or a `.duckdb` file."""

    name = dialect = "duckdb"

    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}

    def open(self, data_path: Path, tables: tuple[str, ...], catalog: Catalog, restrict=None) -> "DuckDBConnection":
        return DuckDBConnection(open_data(data_path, tables, catalog, restrict))


class DuckDBConnection:
    """An `engines.Connection` over a locked `DataConnection` (kept as `data` for its own SELECTs)."""

    def __init__(self, data: DataConnection):
        self.data = data

    def run(self, query: BuiltQuery, timezone: str = "UTC", title: str = "",
            cache: ResultCache | None = None, same: BuiltQuery | None = None, prepare=None) -> Result:
        """With a `cache`, rows of an identical earlier run on unchanged data (and views) are reused.
        `same`: a query with the same rows to compute instead of `query` (the cache still keys on
        `query`), after `prepare()` (a dashboard's shared scans: dashboard/shared_scans.py)."""
        sql = query.sql(DuckDBEngine.dialect)
        try:
            def compute():
                if prepare is not None:
                    prepare()
                run_sql = same.sql(DuckDBEngine.dialect) if same is not None else sql
                return [plain_row(row) for row in self.data.execute(run_sql).fetchall()]

            rows = cache.rows(self.data, sql, compute) if cache is not None else compute()
        except duckdb.Error as exc:
            raise DataError(_explain(exc, query)) from None
        return result_of(query, rows, timezone, title)

    def fetch(self, select: exp.Expression) -> list[tuple]:
        try:
            return self.data.execute(to_dialect(select, "duckdb")).fetchall()
        except duckdb.Error as exc:
            raise DataError(f"the database failed: {str(exc).splitlines()[0]}") from None

    def interrupt(self) -> None:
        self.data.interrupt()

    def close(self) -> None:
        self.data.close()


def _explain(exc: duckdb.Error, query: BuiltQuery) -> str:
    text = str(exc).splitlines()[0]
    match = _MISSING_COLUMN.search(text)
    if match:
        tables = ", ".join(query.tables)
        return f"column '{match.group(1)}' is needed by the report but missing from the data (tables read: {tables})"
    return f"the database failed: {text}"


def run_query(query: BuiltQuery, data_path: Path, catalog: Catalog, timezone: str, title: str = "",
              restrict=None, cache: ResultCache | None = None, on_open=None) -> Result:
    """`query` run once on DuckDB over `data_path` (engines.run_once with the duckdb engine)."""
    from ..engines import run_once

    return run_once(DuckDBEngine(), query, data_path, catalog, timezone, title, restrict, cache, on_open)
