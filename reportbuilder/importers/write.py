"""Write the imported tables as `<table>.parquet` with exactly the contract's columns and types.

The column list and DuckDB types come from the data-model contract (`demo/schema.py`,
the same table the demo data is written with). A contract column the importer's SELECT
does not produce is written as NULL (the source has no such data); a column the contract
does not know is an error, so a mapping cannot leak extra columns.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from ..demo.schema import TABLES
from ..errors import DataError
from .base import sql_literal

STALE_EXTENSIONS = (".parquet", ".csv", ".csv.gz", ".jsonl", ".ndjson", ".json")


def stale_files(directory: Path, written: set[str]) -> list[Path]:
    """Contract table files already in `directory` that this import will not replace."""
    found = []
    for table in TABLES:
        for ext in STALE_EXTENSIONS:
            path = directory / f"{table}{ext}"
            if path.is_file() and not (table in written and ext == ".parquet"):
                found.append(path)
    return found


def empty_select(table: str) -> str:
    """A SELECT of no rows for `table` (write_table adds the other contract columns as NULL)."""
    return f"SELECT NULL AS {_quoted(TABLES[table][0][0])} LIMIT 0"


def write_table(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, directory: Path) -> int:
    """COPY the typed SELECT to `directory/<table>.parquet`; returns the number of rows."""
    produced = [d[0] for d in con.execute(f"SELECT * FROM ({select_sql}) LIMIT 0").description]
    contract = TABLES[table]
    unknown = sorted(set(produced) - {name for name, _ in contract})
    if unknown:
        raise ValueError(f"importer produced columns outside the contract for {table}: {unknown}")
    columns = ", ".join(
        f'CAST({_quoted(name) if name in produced else "NULL"} AS {kind}) AS {_quoted(name)}'
        for name, kind in contract)
    target = directory / f"{table}.parquet"
    try:
        row = con.execute(f"COPY (SELECT {columns} FROM ({select_sql})) TO {sql_literal(target)} "
                          "(FORMAT parquet)").fetchone()
    except duckdb.IOException as exc:
        raise DataError(f"cannot write {target}: {exc}") from None
    return int(row[0]) if row else 0


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
