"""Open the data a report reads: views over the files where they lie, never copies.

A data path is a directory of `<table>.parquet|.csv|.json|.jsonl` files or a `.duckdb`
database (attached read-only). Each needed table becomes a view that casts the catalog's
columns to their types (both ISO timestamp spellings and offsets read as UTC). Then the
connection is locked: it may open only the data files themselves (a `.duckdb` file is
already open: nothing at all), and no setting can change again.

The caller never holds the DuckDB connection: `DataConnection` runs one SELECT at a time
and nothing else, so no statement can write, attach or export whatever a DuckDB release
allows inside the readable paths (COPY over a data file, DETACH + ATTACH read-write).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
from sqlglot import exp

from ..catalog.model import Catalog
from ..catalog.sql_types import SQL_TYPES
from ..errors import DataError, MissingTableError

EXTENSIONS = (".parquet", ".csv", ".csv.gz", ".jsonl", ".ndjson", ".json")
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


def _view(con, name: str, relation: exp.Expression, columns: dict[str, str], optional=()) -> None:
    """CREATE VIEW name AS SELECT <catalog columns cast>, <other columns as they are>, <absent
    `optional` columns as typed nulls> FROM relation."""
    present = [(row[0], str(row[1]))
               for row in con.execute(exp.select("*").from_(relation).limit(0).sql("duckdb")).description]
    select = [exp.alias_(_typed(c, columns[c], stored), c, quoted=True) if c in columns else exp.column(c, quoted=True)
              for c, stored in present]
    names = {c for c, _ in present}
    select += [exp.alias_(exp.cast(exp.Null(), SQL_TYPES[columns[c]]), c, quoted=True) for c in optional if c not in names]
    view = exp.Create(this=exp.to_table(name), kind="VIEW", expression=exp.select(*select).from_(relation))
    con.execute(_temporary(view).sql("duckdb"))


def _temporary(view: exp.Create) -> exp.Create:
    """The view in the connection's temporary catalog: a `.duckdb` data file is opened read-only."""
    view = view.copy()
    view.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
    return view


def catalog_columns(catalog: Catalog, table: str) -> dict[str, str]:
    """The catalog's stored columns of `table` and their types (what every engine casts them to)."""
    for entity in catalog.entities:
        if entity.table == table:
            return {c.name: c.type for c in entity.columns if not c.derived}
    return {}


def optional_columns(catalog: Catalog, table: str) -> tuple[str, ...]:
    """The columns of `table` a data file may lack (read as null)."""
    return tuple(c.name for e in catalog.entities if e.table == table for c in e.columns if c.optional)


class DataConnection:
    """The opened data, read-only: one SELECT statement at a time, checked by DuckDB's own parser."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def execute(self, sql: str) -> "Rows":
        statements = self._con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise DataError("refusing to run anything but a single SELECT statement")
        cursor = self._con.execute(sql)
        return Rows(tuple(cursor.description), cursor)

    def materialize(self, name: str, select: exp.Expression) -> None:
        """Keep the rows of `select` (a tree: never text) as the temporary table `name` of this
        connection, for its later SELECTs (a dashboard's shared scans, dashboard/shared_scans.py)."""
        if not isinstance(select, exp.Select):
            raise DataError("refusing to keep anything but the rows of a SELECT")
        create = _temporary(exp.Create(this=exp.to_table(name), kind="TABLE", expression=select))
        try:
            self._con.execute(create.sql("duckdb"))
        except duckdb.Error as exc:
            raise DataError(f"the database failed: {str(exc).splitlines()[0]}") from None

    def interrupt(self) -> None:
        """Stop the running query (from another thread): it fails with a DuckDB error."""
        self._con.interrupt()

    def close(self) -> None:
        self._con.close()


class Rows:
    """The answer of one SELECT: `description` as DB-API gives it, then fetch once."""

    def __init__(self, description: tuple, cursor: duckdb.DuckDBPyConnection):
        self.description = description
        self._cursor = cursor

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()


def open_data(data_path: Path, tables: tuple[str, ...], catalog: Catalog, restrict=None) -> DataConnection:
    """A locked DuckDB connection with one (temporary) view per needed table, behind `DataConnection`.

    A directory is read from an in-memory database; a `.duckdb` file is itself opened
    read-only, so that nothing (not even DETACH + ATTACH) can re-open it for writing.
    `restrict` (an `access.Restriction`, for `--as`): the files are opened under its base names
    and each table is the view of the rows the user may see.
    """
    data_path = Path(data_path).resolve()
    opened, named = (restrict.base_tables(tables), restrict.base_name) if restrict else (tables, str)
    if not data_path.exists():
        raise DataError(f"data path {data_path} does not exist")
    con = None
    try:
        con = duckdb.connect(":memory:" if data_path.is_dir() else str(data_path), read_only=not data_path.is_dir())
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET temp_directory = '.tmp'")  # as in memory: never spill beside a data file
        if data_path.is_dir():
            readable = _directory_views(con, data_path, opened, catalog, named)
        else:
            readable = _database_views(con, data_path, opened, catalog, named)
        for view in restrict.statements(tables) if restrict else ():
            con.execute(_temporary(view).sql("duckdb"))
    except duckdb.Error as exc:
        if con is not None:
            con.close()
        raise DataError(f"cannot read the data in {data_path}: {exc}") from None
    _lock(con, readable)
    return DataConnection(con)


def missing_file(table: str, directory: Path) -> MissingTableError:
    """The error for a table with no file in the data folder (DuckDB and Spark engines alike)."""
    return MissingTableError(table, f"no {table}.parquet, .csv, .json or .jsonl file in {directory}")


def _directory_views(con, directory: Path, tables, catalog, named=str) -> list[str]:
    """Views over the table files; returns those files, the only paths the views read."""
    files = []
    for table in tables:
        path = find_table_file(directory, table)
        if path is None:
            raise missing_file(table, directory)
        _view(con, named(table), _reader(path), catalog_columns(catalog, table), optional_columns(catalog, table))
        files.append(str(path))
    return files


def _database_views(con, database: Path, tables, catalog, named=str) -> list[str]:
    """Views over the tables of the (read-only) database file; no other path is readable."""
    name = con.execute("SELECT current_database()").fetchone()[0]
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = $1 UNION "
                                         "SELECT view_name FROM duckdb_views() WHERE database_name = $1",
                                         [name]).fetchall()}
    for table in tables:
        if table not in present:
            raise MissingTableError(table, f"no table '{table}' in {database}")
        stored = exp.Table(this=exp.to_identifier(table), db=exp.to_identifier("main"),
                           catalog=exp.to_identifier(name, quoted=True))
        _view(con, named(table), stored, catalog_columns(catalog, table), optional_columns(catalog, table))
    return []


def _lock(con, readable: list[str]) -> None:
    """Only `readable` files may be opened from now on; no setting may change again."""
    if readable:
        paths = exp.Array(expressions=[exp.Literal.string(p) for p in readable])
        con.execute(f"SET allowed_paths = {paths.sql('duckdb')}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
