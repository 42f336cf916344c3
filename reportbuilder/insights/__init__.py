"""Insights: what a report's numbers show, stated only when the data supports it.

`find_insights(report, catalog, run)` runs variants of a checked report through the
engine (`run` turns a `QueryPlan` into a `Result`, as `rb run` does) and returns
ranked `Finding`s; `render_text` / `render_json` print them. The same findings serve
`rb insights`, dashboards and the live app. See docs/insights.md.
"""
from __future__ import annotations

import json
from typing import Callable

from ..catalog.model import Catalog
from ..check.report import Report
from ..plan.plan_report import plan_report
from ..plan.query_plan import QueryPlan
from ..run.result import Result
from .analyze import analyze
from .calendar import SERIES_GRANULARITIES, BucketCalendar
from .finding import Finding
from .series import fetch

__all__ = ["Finding", "find_insights", "has_series", "render_json", "render_text"]


def has_series(report: Report) -> bool:
    """Whether the report has time buckets to read findings from (a non-cyclic time
    dimension); pages show a findings card only then."""
    time = report.time_dimension
    return time is not None and time.granularity in SERIES_GRANULARITIES


def find_insights(report: Report, catalog: Catalog, run: Callable[[QueryPlan], Result]) -> list[Finding]:
    if not has_series(report):
        time = report.time_dimension
        what = "no time dimension" if time is None else f"its time dimension is cyclic ({time.granularity})"
        return [Finding("withheld", None, f"{report.title}: {what}, so there is no series to read trends, "
                        "changes or unusual buckets from.", {"reason": "no_time_series"})]
    calendar = BucketCalendar.of(report)
    fetched = fetch(report, calendar, lambda variant: run(plan_report(variant, catalog)))
    return analyze(fetched, calendar)


def render_text(report: Report, findings: list[Finding]) -> str:
    lines = [f"{report.title}: {len(findings)} finding{'s' if len(findings) != 1 else ''}"]
    lines += [f.sentence if f.sentence.startswith("  ") else f"- {f.sentence}" for f in findings]
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_json() for f in findings], indent=2, ensure_ascii=False) + "\n"
