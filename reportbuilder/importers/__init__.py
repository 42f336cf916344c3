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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from ..errors import DataError, UsageError
from . import callcenter, servicenow, twitter  # noqa: F401  (they register themselves)
from .base import IMPORTERS, Dropped, ImportSummary, Progress, Recorder, summary_lines
from .feeds import reports_fed, time_span
from .write import empty_select, stale_files, write_table

__all__ = ["IMPORTERS", "Dropped", "ImportSummary", "run_import", "summary_lines"]


def run_import(fmt: str, source: Path, output: Path, progress: Progress | None = None,
               threads: int | None = None, source_timezone: str | None = None) -> ImportSummary:
    """Import SOURCE of format `fmt` into the folder `output` (created when missing); the
    source's zone-less times are read in `source_timezone` (default: the format's)."""
    if fmt not in IMPORTERS:
        raise DataError(f"unknown import format '{fmt}' (known: {', '.join(sorted(IMPORTERS))})")
    chosen = IMPORTERS[fmt]
    zone = _zone(chosen, source_timezone)
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise DataError(f"{source}: no such file")
    started = time.perf_counter()
    total = 1 + len(chosen.tables) + len(chosen.empty)
    tell = progress or (lambda *_: None)
    tell(f"reading {source.name}", 0, total)
    record = Recorder()
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        queries = chosen.function(con, source, record, zone)
        queries.update({table: empty_select(table) for table in chosen.empty})
        _prepare(output, set(queries), record)
        written = []
        for done, table in enumerate(chosen.tables + chosen.empty, start=2):
            if table in queries:
                tell(f"writing {table}", done - 1, total)
                written.append((table, write_table(con, table, queries[table], output)))
        tell("done", total, total)
    except duckdb.Error as exc:
        raise DataError(f"cannot import {source} as {fmt}: {exc}") from None
    finally:
        con.close()
    names = [table for table, _ in written]
    fed, unfed = reports_fed(set(names))
    return ImportSummary(fmt, str(source), str(output), tuple(written), tuple(record.mapped),
                         tuple(record.dropped), tuple(record.warnings),
                         round(time.perf_counter() - started, 2), empty=chosen.empty, zone=zone,
                         span=time_span(output, names), reports=tuple(fed), unfed=tuple(unfed.items()))


def _zone(chosen, option: str | None) -> str | None:
    """The source's time zone: the option, else the format's default; an error for a format
    whose times carry their own offsets, or for a name that is not an IANA zone."""
    if option is None:
        return chosen.source_timezone
    if chosen.source_timezone is None:
        raise UsageError(f"--source-timezone does not apply to {chosen.name}: its times carry their own offset")
    try:
        ZoneInfo(option)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--source-timezone: unknown time zone '{option}' (an IANA name, e.g. Asia/Jerusalem)") \
            from None
    return option


def _prepare(output: Path, tables: set[str], record: Recorder) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {output}: {exc.strerror}") from None
    for path in stale_files(output, tables):
        record.warn(f"{path.name} was already in {output} and is not written by this import: "
                    "reports will read it as it is (remove it if it is stale)")
