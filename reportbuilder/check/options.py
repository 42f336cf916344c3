"""Run-time options that override or complete a spec (from the CLI or a dashboard)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReportOptions:
    now_utc: datetime | None = None  # None: the wall clock
    timezone: str | None = None  # used when the spec has no `timezone:`
    preset: str | None = None  # --range: replaces the spec's date range
    start: object = None  # --from
    end: object = None  # --to
    filters: tuple[str, ...] = ()  # --filter, ANDed with the spec's filters
    hidden_fields: frozenset = frozenset()  # (entity, field) the viewer's role may not read (--as)
