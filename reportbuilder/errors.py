"""Diagnostics are data: stages collect them and raise once; only the CLI formats them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A position in a source file: 1-based line and column."""

    file: str
    line: int
    column: int
    end_column: int | None = None


@dataclass(frozen=True)
class Diagnostic:
    """One problem, with a stable kebab-case `code` (tests assert codes, not wording)."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None
    suggestions: tuple[str, ...] = ()


class ReportError(Exception):
    """Base of the errors the CLI reports without a traceback."""

    exit_code = 1


@dataclass
class SpecError(ReportError):
    """The spec (or a usage option) is invalid: exit code 2."""

    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)
    exit_code = 2

    def __str__(self):
        return "; ".join(d.message for d in self.diagnostics)


class DataError(ReportError):
    """The data is missing or unreadable, or the database failed: exit code 1."""

    exit_code = 1


class MissingTableError(DataError):
    """A table the report reads is not in the data (an import that has none of it): the
    message is one plain sentence a person can act on, `table` names what is missing."""

    def __init__(self, table: str, where: str, title: str | None = None):
        self.table, self.where, self.title = table, where, title
        lead = f"{title}: " if title else ""
        super().__init__(f"{lead}needs {table}, which this data does not have ({where})")

    def for_report(self, title: str) -> "MissingTableError":
        """The same error, led by the report's title."""
        return MissingTableError(self.table, self.where, title)


class UsageError(ReportError):
    """An option cannot be used as given (no position to show): exit code 2."""

    exit_code = 2


class BuildError(ReportError):
    """The report checks but cannot be expressed (e.g. too many time buckets to fill): exit
    code 2, printed as `error: message` (no position: it is about the whole report)."""

    exit_code = 2
