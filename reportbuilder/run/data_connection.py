"""The opened data as the product hands it out, and the statements that opened it.

Light on purpose (duckdb only, no sqlglot, no catalog): a repeated `rb run` (warm_cache.py)
opens the data again from the statements a first run recorded, without building anything.

`Setup` is the list of statements `load_data.open_data` ran, in order, each probe with the
columns and types it found. `reopen` runs them again and gives up (None) as soon as a probe
finds other columns or types than it did (a data file rewritten with another schema), so a
reopened connection is always the one a fresh `open_data` would make from the same inputs.
"""
from __future__ import annotations

import duckdb

from ..errors import DataError


class DataConnection:
    """The opened data, read-only: one SELECT statement at a time, checked by DuckDB's own parser;
    `setup`: the statements that opened it (see `reopen`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, setup: dict | None = None):
        self._con = con
        self.setup = setup

    def execute(self, sql: str) -> "Rows":
        statements = self._con.extract_statements(sql)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise DataError("refusing to run anything but a single SELECT statement")
        cursor = self._con.execute(sql)
        return Rows(tuple(cursor.description), cursor)

    def materialize(self, name: str, select) -> None:
        """Keep the rows of `select` (a sqlglot tree: never text) as the temporary table `name` of this
        connection, for its later SELECTs (a dashboard's shared scans, dashboard/shared_scans.py)."""
        from sqlglot import exp  # only dashboards keep tables: the warm path imports no sqlglot

        from ..emit.dialects import to_dialect
        from .load_data import _temporary

        if not isinstance(select, exp.Select):
            raise DataError("refusing to keep anything but the rows of a SELECT")
        create = _temporary(exp.Create(this=exp.to_table(name), kind="TABLE", expression=select))
        try:
            self._con.execute(to_dialect(create, "duckdb", pretty=False))
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


class Recorder:
    """A DuckDB connection being opened, keeping each statement run on it (JSON-able, for `reopen`)."""

    def __init__(self, database: str, read_only: bool):
        self.con = duckdb.connect(database, read_only=read_only)
        self.setup = {"database": database, "read_only": read_only, "steps": []}

    def execute(self, sql: str, params: list | None = None):
        self.setup["steps"].append({"sql": sql, "params": params})
        return self.con.execute(sql, params)

    def probe(self, sql: str) -> list[tuple[str, str]]:
        """The (name, type) columns `sql` returns, kept so that `reopen` can check they are the same."""
        columns = [(row[0], str(row[1])) for row in self.con.execute(sql).description]
        self.setup["steps"].append({"sql": sql, "columns": [list(c) for c in columns]})
        return columns

    def close(self) -> None:
        self.con.close()


# What `open_data` runs: settings, probes and queries, temporary views; the lock comes last.
_KINDS = {"SET ": duckdb.StatementType.SET, "SELECT ": duckdb.StatementType.SELECT,
          "CREATE TEMPORARY VIEW ": duckdb.StatementType.CREATE}
_LOCKED = "SET lock_configuration = true"


def _allowed(con, sql: str) -> bool:
    """One statement, of a kind `open_data` runs."""
    statements = con.extract_statements(sql)
    return len(statements) == 1 and any(sql.startswith(start) and statements[0].type == kind
                                        for start, kind in _KINDS.items())


def reopen(setup: dict, data_path: str) -> DataConnection | None:
    """The data at `data_path` opened again by `setup`'s statements; None when anything differs or fails.

    The statements come from a file in the user's cache folder: only the kinds `open_data` runs are
    accepted (no COPY, ATTACH, INSTALL, PRAGMA, ...), the last must lock the connection, and the
    database is the data path's own file (read-only) or an in-memory one for a folder."""
    try:
        steps, database, read_only = setup["steps"], setup["database"], setup["read_only"]
        if (database, read_only) not in ((":memory:", False), (data_path, True)) or steps[-1]["sql"] != _LOCKED:
            return None
        con = duckdb.connect(database, read_only=read_only)
    except (duckdb.Error, KeyError, TypeError, IndexError):
        return None
    try:
        for step in steps:
            if not _allowed(con, step["sql"]):
                con.close()
                return None
            cursor = con.execute(step["sql"], step.get("params"))
            if "columns" in step and [[row[0], str(row[1])] for row in cursor.description] != step["columns"]:
                con.close()
                return None
    except (duckdb.Error, KeyError, TypeError):
        con.close()
        return None
    return DataConnection(con, setup)
