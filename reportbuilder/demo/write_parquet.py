"""Write rows as typed Parquet files through DuckDB (a CSV in between, typed on reading)."""
from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import duckdb

from .schema import TABLES

_NULL = r"\N"


def write_tables(directory: Path, tables: dict[str, list[dict]]) -> None:
    """Write `<table>.parquet` for each table, columns in the order and types of `TABLES`."""
    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")  # one writer: identical files for identical rows
        with tempfile.TemporaryDirectory(dir=directory) as scratch:
            for name, rows in tables.items():
                staged = Path(scratch) / f"{name}.csv"
                _write_csv(staged, name, rows)
                con.execute(_copy_sql(name, staged, directory / f"{name}.parquet"))
    finally:
        con.close()


def _write_csv(path: Path, table: str, rows: list[dict]) -> None:
    names = [name for name, _ in TABLES[table]]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for row in rows:
            writer.writerow([_text(row[name]) for name in names])


def _text(value) -> str:
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _copy_sql(table: str, source: Path, target: Path) -> str:
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in TABLES[table])
    return (
        f"COPY (SELECT * FROM read_csv({_literal(source)}, columns = {{{columns}}}, "
        f"header = false, auto_detect = false, nullstr = '{_NULL}', quote = '\"', escape = '\"')) "
        f"TO {_literal(target)} (FORMAT parquet)"
    )


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
