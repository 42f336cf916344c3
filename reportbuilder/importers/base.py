"""What every importer shares: the summary it returns, the registry, and a recorder.

An importer is a small module that registers itself with `@importer(name, description)`
on a function `(con, source, record, zone) -> dict[table, SELECT sql]`: it reads SOURCE into
the DuckDB connection `con` (raising `DataError` when the file is not of its format),
notes in `record` what it mapped, dropped and why, and returns one SELECT per contract
table it can fill. `zone` is the source's time zone (IANA name) for formats whose times
carry none (`source_timezone`, the format's default; `--source-timezone` replaces it);
their times are converted to UTC. `empty` names the tables written with no rows because
the format, by its nature, has none of that data (docs/importers.md says which).
`run_import` writes those tables (see `write.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from ..errors import DataError

#: progress(description, done, total): called by `run_import` after each step.
Progress = Callable[[str, int, int], None]
ImportFunction = Callable[..., dict]


@dataclass(frozen=True)
class Dropped:
    """Something of the source that did not make it into the data model, and why."""

    what: str
    count: int
    reason: str


@dataclass(frozen=True)
class ImportSummary:
    """The outcome of one import: tables written, what was mapped, dropped, and warnings."""

    format: str
    source: str
    output: str
    tables: tuple[tuple[str, int], ...]
    mapped: tuple[tuple[str, int], ...]
    dropped: tuple[Dropped, ...]
    warnings: tuple[str, ...]
    seconds: float
    empty: tuple[str, ...] = ()  # tables written with no rows: the format has none of that data
    zone: str | None = None  # the zone the source's zone-less times were read in
    span: tuple[datetime, datetime] | None = None  # first and last time of the data (UTC)
    reports: tuple[str, ...] = ()  # the built-in reports the tables written can feed
    unfed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (other built-in, the tables it lacks)

    def __post_init__(self):
        if any(count < 0 for _, count in self.tables):
            raise ValueError("row counts cannot be negative")

    def rows(self, table: str) -> int:
        return dict(self.tables).get(table, 0)


@dataclass
class Recorder:
    """Collects what an importer mapped, dropped and noticed (mutable while it runs)."""

    mapped: list[tuple[str, int]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def map(self, what: str, count: int) -> None:
        self.mapped.append((what, int(count)))

    def drop(self, what: str, count: int, reason: str) -> None:
        if count:
            self.dropped.append(Dropped(what, int(count), reason))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@dataclass(frozen=True)
class Importer:
    name: str
    description: str
    tables: tuple[str, ...]
    function: ImportFunction
    empty: tuple[str, ...] = ()
    source_timezone: str | None = None  # None: the source's times carry their own offset


IMPORTERS: dict[str, Importer] = {}


def importer(name: str, description: str, tables: tuple[str, ...], empty: tuple[str, ...] = (),
             source_timezone: str | None = None):
    """Register the decorated function as the importer of format `name`, writing `tables` (and
    `empty` with no rows); `source_timezone`: the default zone of its zone-less times."""
    def register(function: ImportFunction) -> ImportFunction:
        IMPORTERS[name] = Importer(name, description, tuple(tables), function, tuple(empty), source_timezone)
        return function

    return register


def require_columns(found: list[str], expected: tuple[str, ...], source: Path, label: str) -> None:
    """Raise a DataError naming the expected header columns that `found` lacks."""
    missing = [c for c in expected if c not in found]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise DataError(f"{source} is not a {label} file: its header lacks the column(s) {shown} "
                        f"(found: {', '.join(found[:6]) or 'nothing'}{'...' if len(found) > 6 else ''})")


def sql_literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def read_header(source: Path, delimiter: str) -> list[str]:
    """The first line of SOURCE (plain or gzip-compressed) split on `delimiter`, trimmed."""
    import csv
    import gzip
    import io

    try:
        with source.open("rb") as raw:
            magic = raw.read(2)
        opener = gzip.open if magic == b"\x1f\x8b" else open
        with opener(source, "rb") as handle:
            line = handle.readline(1 << 16)
        text = line.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{source} cannot be read as a text file: {exc}") from None
    row = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    return [cell.strip() for cell in row]


def local_to_utc(expr: str, zone: str | None) -> str:
    """SQL turning the zone-less TIMESTAMP `expr`, local time in `zone`, into UTC (the session is UTC).

    >>> local_to_utc("t", "Asia/Jerusalem")
    "CAST(timezone('Asia/Jerusalem', t) AS TIMESTAMP)"
    """
    if zone in (None, "UTC"):
        return expr
    return f"CAST(timezone({sql_literal(zone)}, {expr}) AS TIMESTAMP)"


def varchar_columns(names: list[str]) -> str:
    """A read_csv `columns = {...}` struct reading every column as VARCHAR."""
    return "{" + ", ".join(f"{sql_literal(n)}: 'VARCHAR'" for n in names) + "}"


def summary_lines(summary: ImportSummary) -> list[str]:
    """The summary as plain text lines (the CLI prints them)."""
    lines = [f"Imported {summary.source} ({summary.format}) into {summary.output} in {summary.seconds:.1f} s",
             "Tables written:"]
    lines += [f"  {table:<24} {count:>9,} rows" for table, count in summary.tables]
    lines.append("Mapped:")
    lines += [f"  {what:<40} {count:>9,}" for what, count in summary.mapped]
    if summary.dropped:
        lines.append("Dropped:")
        lines += [f"  {d.what} ({d.count:,}): {d.reason}" for d in summary.dropped]
    if summary.warnings:
        lines.append("Warnings:")
        lines += [f"  {w}" for w in summary.warnings]
    return lines + _feeds_lines(summary) + _span_lines(summary)


def _feeds_lines(summary: ImportSummary) -> list[str]:
    lines = []
    if summary.empty:
        lines.append(f"Written empty (this format has none of that data): {', '.join(summary.empty)}")
    lines.append(f"Built-in reports this data can feed ({len(summary.reports)}): "
                 f"{', '.join(summary.reports) or 'none'}")
    missing = sorted({t for _, tables in summary.unfed for t in tables})
    if missing:
        lines.append(f"Not fed ({len(summary.unfed)}): they need {', '.join(missing)}, which this data does not have")
    return lines


def _span_lines(summary: ImportSummary) -> list[str]:
    """The data's time span and the command that reports on all of it (reports default to
    ranges ending at the wall clock's now, years after an old export)."""
    if summary.span is None:
        return ["The data holds no dated rows."]
    first, last = summary.span
    zone = f" (read as {summary.zone} local time, stored in UTC)" if summary.zone not in (None, "UTC") else " (UTC)"
    now = datetime.combine(last.date() + timedelta(days=1), datetime.min.time())
    example = next((r for r in ("tickets_by_channel", "call_performance") if r in summary.reports),
                   summary.reports[0] if summary.reports else None)
    lines = [f"Data spans {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}{zone}.",
             "Reports default to a range ending now; to report on this data, set --now after its end and "
             "pick a range:"]
    if example:
        lines.append(f"  rb run {example} --data {summary.output} --now {now:%Y-%m-%dT%H:%M:%S} --range all_time")
    return lines
