"""Dashboard filter values that match nothing in the data, with a did-you-mean.

A typo in a dashboard-wide filter (`team: Support EMAE`) would otherwise empty every
card without a word. For each filter, the distinct values of the path it takes (from the
first report it applies to) are read through the same restricted view the panels read
(so a user is never told values their role may not see), and each filter value found
among none of them gets one warning naming the closest values.

Example:
    >>> unmatched_warning("team", "Support EMAE", ["Support EMEA", "Tier 2"])
    "dashboard filter team: 'Support EMAE' matches no value in this data; did you mean 'Support EMEA'?"
    >>> unmatched_warning("team", "Tier 2", ["Support EMEA", "Tier 2"]) is None
    True
"""
from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path

import yaml

from reportbuilder.emit.build_sql import build_sql
from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.engines import get_engine, run_once


def distinct_values(source: str, path: str, workspace, data_path: Path, now: datetime, restrict=None,
                    engine=None) -> list:
    """The distinct non-null values of `path` from entity `source`, as `restrict` lets its user see them
    (on `engine`, default DuckDB)."""
    text = yaml.safe_dump({"title": "filter values", "source": source, "dimensions": [f"{path} as value"],
                           "measures": ["count() as n"], "fill_gaps": False})
    report_plan = checked_plan(load_spec_text(text, "<dashboard filter>", "filter_values"), workspace.catalog,
                       ReportOptions(now_utc=now))
    result = run_once(engine or get_engine(), build_sql(report_plan, workspace.catalog), data_path,
                      workspace.catalog, "UTC", "filter values", restrict)
    return [row[0] for row in result.rows if row[0] is not None]


def unmatched_warning(key: str, value, known: list) -> str | None:
    """The warning for the values of filter `key` not among `known`, or None when all match."""
    shown = [str(v) for v in known]
    wanted = value if isinstance(value, (list, tuple)) else [value]
    missing = [str(v) for v in wanted if str(v) not in shown]
    if not missing:
        return None
    parts = []
    for item in missing:
        lowered = {v.lower(): v for v in shown}
        close = difflib.get_close_matches(item.lower(), list(lowered), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(lowered[c]) for c in close)}?" if close else \
            (" (the data has no value for it)" if not shown else "")
        parts.append(f"{item!r} matches no value in this data{hint}")
    return f"dashboard filter {key}: " + "; ".join(parts)


def filter_warnings(filters, paths: dict, workspace, data_path: Path, now: datetime, restrict=None,
                    engine=None) -> tuple:
    """One warning per dashboard filter (key, value) whose value matches nothing along
    `paths[key]` = (source entity, path); filters without a path are left to the panels."""
    warnings = []
    for key, value in filters:
        if key not in paths:
            continue
        source, path = paths[key]
        warning = unmatched_warning(key, value, distinct_values(source, path, workspace, data_path, now, restrict,
                                                                     engine))
        if warning:
            warnings.append(warning)
    return tuple(warnings)
