"""Open the data a report reads: views over the files where they lie, never copies.

A data path is a directory of `<table>.parquet|.csv|.json|.jsonl` files or a `.duckdb`
database (attached read-only). Each needed table becomes a view that casts the catalog's
columns to their types (both ISO timestamp spellings and offsets read as UTC). Then the
connection is locked: no other file, no ATTACH, no COPY, no setting change.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
from sqlglot import exp

from ..catalog.model import Catalog
from ..errors import DataError

EXTENSIONS = (".parquet", ".csv", ".csv.gz", ".jsonl", ".ndjson", ".json")
SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "text": "VARCHAR", "boolean": "BOOLEAN",
             "date": "DATE", "timestamp": "TIMESTAMP"}
_READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".csv.gz": "read_csv",
            ".jsonl": "read_json", ".ndjson": "read_json", ".json": "read_json"}


def find_table_file(directory: Path, table: str) -> Path | None:
    for ext in EXTENSIONS:
        candidate = directory / f"{table}{ext}"
        if candidate.is_file():
            return candidate
    return None


def _reader(path: Path) -> exp.Expression:
    ext = next(e for e in EXTENSIONS if path.name.endswith(e))
    args = [exp.Literal.string(str(path))]
    if _READERS[ext] == "read_csv":
        args.append(exp.EQ(this=exp.column("all_varchar"), expression=exp.true()))
    return exp.Anonymous(this=_READERS[ext], expressions=args)


def _typed(column: str, kind: str, stored: str) -> exp.Expression:
    """The column as the catalog's type; `stored` is the type the file gives it (no work when equal)."""
    col = exp.column(column, quoted=True)
    if kind == "timestamp":
        if stored == "TIMESTAMP":  # naive instants are UTC already
            return col
        if stored.startswith("TIMESTAMP_"):  # other precisions (_S, _MS, _NS)
            return exp.cast(col, "TIMESTAMP")
        return exp.AtTimeZone(this=exp.cast(col, "TIMESTAMPTZ"), zone=exp.Literal.string("UTC"))
    sql_type = SQL_TYPES[kind]
    return col if stored == sql_type else exp.cast(col, sql_type)


def _view(con, name: str, relation: exp.Expression, columns: dict[str, str]) -> None:
    """CREATE VIEW name AS SELECT <catalog columns cast>, <other columns as they are> FROM relation."""
    present = [(row[0], str(row[1]))
               for row in con.execute(exp.select("*").from_(relation).limit(0).sql("duckdb")).description]
    select = [exp.alias_(_typed(c, columns[c], stored), c, quoted=True) if c in columns else exp.column(c, quoted=True)
              for c, stored in present]
    view = exp.Create(this=exp.to_table(name), kind="VIEW",
                      expression=exp.select(*select).from_(relation))
    con.execute(view.sql("duckdb"))


def _catalog_columns(catalog: Catalog, table: str) -> dict[str, str]:
    for entity in catalog.entities:
        if entity.table == table:
            return {c.name: c.type for c in entity.columns if not c.derived}
    return {}


def open_data(data_path: Path, tables: tuple[str, ...], catalog: Catalog,
              restrict=None) -> duckdb.DuckDBPyConnection:
    """A locked in-memory DuckDB connection with one view per needed table.

    `restrict` (an `access.Restriction`, for `--as`): the files are opened under its base names
    and each table is the view of the rows the user may see."""
    data_path = Path(data_path).resolve()
    opened, named = (restrict.base_tables(tables), restrict.base_name) if restrict else (tables, str)
    if not data_path.exists():
        raise DataError(f"data path {data_path} does not exist")
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    try:
        if data_path.is_dir():
            allowed = _directory_views(con, data_path, opened, catalog, named)
        else:
            allowed = _database_views(con, data_path, opened, catalog, named)
        for view in restrict.statements(tables) if restrict else ():
            con.execute(view.sql("duckdb"))
    except duckdb.Error as exc:
        con.close()
        raise DataError(f"cannot read the data in {data_path}: {exc}") from None
    _lock(con, allowed)
    return con


def _directory_views(con, directory: Path, tables, catalog, named=str) -> str:
    for table in tables:
        path = find_table_file(directory, table)
        if path is None:
            raise DataError(f"table '{table}' is needed by the report but {directory} has no "
                            f"{table}.parquet, .csv, .json or .jsonl file")
        _view(con, named(table), _reader(path), _catalog_columns(catalog, table))
    return str(directory) + "/"


def _database_views(con, database: Path, tables, catalog, named=str) -> str:
    con.execute(exp.Attach(this=exp.alias_(exp.Literal.string(str(database)), "data_source"),
                           expressions=[exp.AttachOption(this=exp.var("READ_ONLY"))]).sql("duckdb"))
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                         "'data_source' UNION SELECT view_name FROM duckdb_views() WHERE "
                                         "database_name = 'data_source'").fetchall()}
    for table in tables:
        if table not in present:
            raise DataError(f"table '{table}' is needed by the report but {database} has no such table")
        _view(con, named(table), exp.to_table(f"data_source.main.{table}"), _catalog_columns(catalog, table))
    return str(database)


def _lock(con, allowed: str) -> None:
    setting = "allowed_directories" if allowed.endswith("/") else "allowed_paths"
    con.execute(f"SET {setting} = [{exp.Literal.string(allowed).sql('duckdb')}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
