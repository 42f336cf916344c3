"""What every importer shares: the summary it returns, the registry, and a recorder.

An importer is a small module that registers itself with `@importer(name, description)`
on a function `(con, source, record) -> dict[table, SELECT sql]`: it reads SOURCE into
the DuckDB connection `con` (raising `DataError` when the file is not of its format),
notes in `record` what it mapped, dropped and why, and returns one SELECT per contract
table it can fill. `run_import` writes those tables (see `write.py`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


IMPORTERS: dict[str, Importer] = {}


def importer(name: str, description: str, tables: tuple[str, ...]):
    """Register the decorated function as the importer of format `name`, writing `tables`."""
    def register(function: ImportFunction) -> ImportFunction:
        IMPORTERS[name] = Importer(name, description, tuple(tables), function)
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
    return lines
