"""Read a dashboard YAML: title, description, reports, date range, filters.

```yaml
title: Support KPIs
description: The week at a glance.
reports: [tickets_created_over_time, specs/my_report.yaml]
date_range: {preset: last_30_days}     # or from: / to:
filters: {team: Tier 2, company: Acme}  # owner, team, channel_account, pipeline, company
```
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS
from reportbuilder.errors import Diagnostic, Span, SpecError
from reportbuilder.workspace import builtin_names, builtin_path

_KEYS = ("name", "title", "description", "reports", "date_range", "filters", "timezone")


@dataclass(frozen=True)
class Dashboard:
    name: str
    title: str
    description: str
    reports: tuple[str, ...]  # paths (resolved against the dashboard's folder) or built-in names
    preset: str | None = None
    start: str | None = None
    end: str | None = None
    filters: tuple[tuple[str, object], ...] = ()
    timezone: str | None = None


def find_dashboard(text: str) -> Path:
    """A dashboard argument: an existing file or a built-in dashboard name."""
    path = Path(text)
    if path.is_file():
        return path
    names = builtin_names("dashboards")
    if text in names:
        return builtin_path(text, "dashboards")
    close = difflib.get_close_matches(text, names, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else " (see `rb list`)"
    raise SpecError((Diagnostic("dashboard-not-found", f"no dashboard file or built-in dashboard named '{text}'{hint}",
                                Span(text, 1, 1)),))


def load_dashboard(text: str) -> Dashboard:
    path = find_dashboard(text)
    label = str(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise _error(label, f"cannot read dashboard: {exc}") from None
    if not isinstance(doc, dict):
        raise _error(label, "a dashboard must be a mapping with title and reports")
    unknown = [k for k in doc if k not in _KEYS]
    if unknown:
        raise _error(label, f"unknown dashboard key '{unknown[0]}'; keys: {', '.join(_KEYS)}")
    reports = doc.get("reports") or []
    if not isinstance(reports, list) or not reports:
        raise _error(label, "reports: a list of report names or paths is required")
    date_range = doc.get("date_range") or {}
    filters = doc.get("filters") or {}
    if not isinstance(date_range, dict) or not isinstance(filters, dict):
        raise _error(label, "date_range and filters must be mappings")
    for key in filters:
        if key not in DASHBOARD_FILTERS:
            raise _error(label, f"unknown dashboard filter '{key}'; filters: {', '.join(DASHBOARD_FILTERS)}")
    return Dashboard(
        name=str(doc.get("name") or path.stem),
        title=str(doc.get("title") or path.stem),
        description=str(doc.get("description") or ""),
        reports=tuple(_report_ref(str(r), path.parent) for r in reports),
        preset=date_range.get("preset"),
        start=_text(date_range.get("from")),
        end=_text(date_range.get("to")),
        filters=tuple((k, v) for k, v in filters.items() if v not in (None, "", [])),
        timezone=doc.get("timezone"),
    )


def _report_ref(ref: str, folder: Path) -> str:
    if ref in builtin_names():
        return ref
    candidate = folder / ref
    return str(candidate) if candidate.is_file() else ref


def _text(value):
    return None if value is None else str(value)


def _error(label: str, message: str) -> SpecError:
    return SpecError((Diagnostic("bad-dashboard", message, Span(label, 1, 1)),))
