"""Stage `run`: a built query + data -> Result."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb

from ..build.build_sql import BuiltQuery
from ..catalog.model import Catalog
from ..errors import DataError
from .load_data import DataConnection, open_data
from .result import Result, ResultColumn
from .result_cache import ResultCache

_MISSING_COLUMN = re.compile(r'(?:does not have a column named|Referenced column) "([^"]+)"')


def run_query(query: BuiltQuery, data_path: Path, catalog: Catalog, timezone: str, title: str = "",
              restrict=None, cache: ResultCache | None = None, on_open=None) -> Result:
    """`restrict`: the rows and fields a user may see (access.Restriction), applied as the data opens;
    `cache`: reuse the rows of an identical earlier run on unchanged data (and the same views);
    `on_open(connection)`: called once the data is open (to interrupt the query from elsewhere)."""
    con = open_data(data_path, query.tables, catalog, restrict)
    try:
        if on_open is not None:
            on_open(con)
        return run_on(con, query, timezone, title, cache)
    finally:
        con.close()


def run_on(con: DataConnection, query: BuiltQuery, timezone: str, title: str = "",
           cache: ResultCache | None = None) -> Result:
    """Run `query` on a connection `open_data` made with (at least) the tables it reads;
    with a `cache`, rows of an identical earlier run on unchanged data are reused."""
    try:
        sql = query.sql()

        def compute():
            return [tuple(_plain(v) for v in row) for row in con.execute(sql).fetchall()]

        rows = cache.rows(con, sql, compute) if cache is not None else compute()
    except duckdb.Error as exc:
        raise DataError(_explain(exc, query)) from None
    columns = tuple(ResultColumn(c.name, c.type) for c in query.columns)
    return Result(columns, tuple(rows), timezone, title)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _explain(exc: duckdb.Error, query: BuiltQuery) -> str:
    text = str(exc).splitlines()[0]
    match = _MISSING_COLUMN.search(text)
    if match:
        tables = ", ".join(query.tables)
        return f"column '{match.group(1)}' is needed by the report but missing from the data (tables read: {tables})"
    return f"the database failed: {text}"
