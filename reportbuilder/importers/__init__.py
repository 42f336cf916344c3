"""`rb import`: map a foreign help-desk export onto the data model, as Parquet files.

Each format is one module registering itself in `IMPORTERS` (see `base.py`); the heavy
lifting is DuckDB SQL over the raw file. `run_import` checks the source, runs the
format's mapping, writes `<table>.parquet` (exact contract columns and types) and returns
an `ImportSummary` of what was mapped, what was dropped and why.

Example:
    >>> from reportbuilder.importers import IMPORTERS
    >>> sorted(IMPORTERS)
    ['callcenter', 'servicenow', 'twitter']
"""
from __future__ import annotations

import time
from pathlib import Path

import duckdb

from ..errors import DataError
from . import callcenter, servicenow, twitter  # noqa: F401  (they register themselves)
from .base import IMPORTERS, Dropped, ImportSummary, Progress, Recorder, summary_lines
from .write import stale_files, write_table

__all__ = ["IMPORTERS", "Dropped", "ImportSummary", "run_import", "summary_lines"]


def run_import(fmt: str, source: Path, output: Path, progress: Progress | None = None,
               threads: int | None = None) -> ImportSummary:
    """Import SOURCE of format `fmt` into the folder `output` (created when missing)."""
    if fmt not in IMPORTERS:
        raise DataError(f"unknown import format '{fmt}' (known: {', '.join(sorted(IMPORTERS))})")
    chosen = IMPORTERS[fmt]
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise DataError(f"{source}: no such file")
    started = time.perf_counter()
    total = 1 + len(chosen.tables)
    tell = progress or (lambda *_: None)
    tell(f"reading {source.name}", 0, total)
    record = Recorder()
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        queries = chosen.function(con, source, record)
        _prepare(output, set(queries), record)
        written = []
        for done, table in enumerate(chosen.tables, start=2):
            if table in queries:
                tell(f"writing {table}", done - 1, total)
                written.append((table, write_table(con, table, queries[table], output)))
        tell("done", total, total)
    except duckdb.Error as exc:
        raise DataError(f"cannot import {source} as {fmt}: {exc}") from None
    finally:
        con.close()
    return ImportSummary(fmt, str(source), str(output), tuple(written), tuple(record.mapped),
                         tuple(record.dropped), tuple(record.warnings),
                         round(time.perf_counter() - started, 2))


def _prepare(output: Path, tables: set[str], record: Recorder) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {output}: {exc.strerror}") from None
    for path in stale_files(output, tables):
        record.warn(f"{path.name} was already in {output} and is not written by this import: "
                    "reports will read it as it is (remove it if it is stale)")
