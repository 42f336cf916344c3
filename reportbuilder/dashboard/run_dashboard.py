"""Run every report of a dashboard with the dashboard's date range and filters.

A dashboard filter takes the path the report names for it (dashboard_filters.py): the
panel is the report run with that `--filter`, the value added to the checked report as a
literal (check/value_filters.py), so it is checked and planned once. A filter the report names no path for is
an error for that panel, never an unfiltered number. A date range a report cannot take
is left out with a note on the panel, and so is one for a report without a date range of
its own (`takes_dashboard_range`). A report that fails is kept as a panel with its
error, so one bad report does not blank a page.

The data is opened once for the whole dashboard on its engine (reportbuilder.engines; DuckDB
unless `engine` says otherwise: one connection, one view per table) and every report's query
runs on it.

With `insights`, a panel whose report has time buckets also carries its findings
(`reportbuilder.insights`, the same as `rb insights`), read on the same connection; the
statistics are imported only then.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone as dt_timezone
from pathlib import Path
from typing import Callable

from reportbuilder.emit.build_sql import BuiltQuery, build_sql
from reportbuilder.check.options import ReportOptions
from reportbuilder.check.report import Report
from reportbuilder.check.check_spec import check_spec
from reportbuilder.dashboard.dashboard_filters import with_dashboard_filters
from reportbuilder.dashboard.filter_values import filter_warnings
from reportbuilder.dashboard.load_dashboard import Dashboard
from reportbuilder.errors import DataError, MissingTableError, ReportError, SpecError
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.load.yaml_nodes import YMap
from reportbuilder.plan.plan_report import plan_report
from reportbuilder.render.chart_spec import ChartShape
from reportbuilder.engines import Engine, get_engine, run_once
from reportbuilder.run.result import Result
from reportbuilder.run.result_cache import ResultCache
from reportbuilder.workspace import Workspace, find_spec

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PanelRun:
    """One report of a dashboard: its result and chart shape, or its error."""

    ref: str
    title: str
    result: Result | None = None
    shape: ChartShape = ChartShape()
    not_applied: tuple[str, ...] = ()  # why a dashboard filter, the date range or findings do not apply
    error: str | None = None
    date_range: str = ""
    findings: tuple | None = None  # insights.Finding, ranked; None: none computed (no time buckets, or off)
    missing_table: str | None = None  # the error is a table this data does not have


@dataclass(frozen=True)
class DashboardRun:
    dashboard: Dashboard
    panels: tuple[PanelRun, ...]
    now_utc: datetime
    timezone: str
    warnings: tuple[str, ...] = ()  # dashboard filter values that match nothing (did-you-mean)

    @property
    def failed(self) -> tuple[PanelRun, ...]:
        return tuple(p for p in self.panels if p.error is not None)


def run_dashboard(dashboard: Dashboard, workspace: Workspace, data_path: Path, now_utc: datetime | None,
                  timezone: str | None = None, progress: Progress | None = None, viewer=None,
                  cache: ResultCache | None = None, insights: bool = False,
                  engine: Engine | None = None, share_scans: bool = True,
                  on_panel: Callable[[PanelRun], None] | None = None) -> DashboardRun:
    """Run each report on `engine` (default DuckDB); `progress(label)` and `on_panel(panel)` are
    called after each one (`on_panel` may start drawing its chart while the next query runs).
    `viewer` (access.Viewer): run as that user, every panel reading only what their role may see;
    `cache` reuses unchanged answers; `insights`: also find each time-bucketed panel's findings;
    `share_scans`: what several panels compute identically is computed once (shared_scans.py)."""
    now = now_utc or datetime.now(dt_timezone.utc).replace(tzinfo=None)
    zone = timezone or dashboard.timezone
    hidden = viewer.hidden if viewer else frozenset()
    restrict = viewer.restriction if viewer else None
    engine = engine or get_engine()
    prepared = [_prepare_panel(ref, dashboard, workspace, now, zone, hidden) for ref in dashboard.reports]
    panels = _run_panels(prepared, workspace, data_path, progress, restrict, cache, insights, engine, share_scans,
                         on_panel)
    shown_zone = zone or next((p.result.timezone for p in panels if p.result), "UTC")
    return DashboardRun(dashboard, tuple(panels), now, shown_zone,
                        _filter_warnings(dashboard, prepared, workspace, data_path, now, restrict, engine))


def _filter_warnings(dashboard, prepared, workspace, data_path, now, restrict, engine) -> tuple[str, ...]:
    """Warnings for filter values that match nothing, along the first path each filter takes."""
    paths: dict = {}
    for item in prepared:
        for key, where in getattr(item, "filter_paths", ()):
            paths.setdefault(key, where)
    try:
        return filter_warnings(dashboard.filters, paths, workspace, data_path, now, restrict, engine)
    except ReportError:  # the data cannot say (a table missing): the panels tell
        return ()


@dataclass(frozen=True)
class _Prepared:
    """A panel whose query is built, waiting to run."""

    panel: PanelRun  # without result yet
    query: BuiltQuery
    timezone: str
    report: Report
    filter_paths: tuple = ()  # (dashboard filter key, (source entity, path)) for the filters applied
    range_start: datetime | None = None  # the date range's start its derived source entity may skip to


def _run_panels(prepared: list, workspace: Workspace, data_path: Path, progress: Progress | None,
                restrict, cache: ResultCache | None, insights: bool, engine: Engine,
                share_scans: bool = True, on_panel=None) -> list[PanelRun]:
    tables = tuple(sorted({t for p in prepared if isinstance(p, _Prepared) for t in p.query.tables}))
    try:
        con = engine.open(data_path, tables, workspace.catalog, restrict) if tables else None
    except DataError:  # some table missing: each panel opens what it needs and reports its own error
        con = None
    opened = frozenset(tables) if con is not None else frozenset()
    shared = _shared_scans(prepared, opened, workspace, engine) if con is not None and share_scans else {}

    def run(query: BuiltQuery, item: _Prepared) -> Result:
        if query.tables and set(query.tables) <= opened:
            if query is item.query and id(item) in shared:
                same, names, scans = shared[id(item)]
                return con.run(query, item.timezone, item.panel.title, cache, same, lambda: scans.fill(con.data, names))
            return con.run(query, item.timezone, item.panel.title, cache)
        return run_once(engine, query, data_path, workspace.catalog, item.timezone, item.panel.title, restrict,
                        cache)

    panels = []
    try:
        for item in prepared:
            panel = _run_prepared(item, run)
            if insights and isinstance(item, _Prepared) and panel.error is None:
                panel = _with_findings(panel, item, workspace, run)
            panels.append(panel)
            if on_panel:
                on_panel(panel)
            if progress:
                progress(panels[-1].ref)
    finally:
        if con is not None:
            con.close()
    return panels


def _shared_scans(prepared: list, opened: frozenset, workspace: Workspace, engine: Engine) -> dict:
    """id(panel) -> (its query reading the shared tables, their names, the SharedScans) for the panels
    that share a scan with another (DuckDB only: the tables live on its connection)."""
    if engine.name != "duckdb":
        return {}
    from reportbuilder.dashboard.shared_scans import Need, share

    items = [p for p in prepared if isinstance(p, _Prepared) and p.query.tables and set(p.query.tables) <= opened]
    needs = [Need(p.query, p.report.now_utc, p.report.source, p.range_start) for p in items]
    queries, scans = share(needs, workspace.catalog)
    return {id(item): (same, names, scans) for item, (same, names) in zip(items, queries) if names}


def _run_prepared(item, run: Callable[[BuiltQuery, _Prepared], Result]) -> PanelRun:
    if isinstance(item, PanelRun):  # failed while preparing
        return item
    try:
        result = run(item.query, item)
    except MissingTableError as exc:  # the title and one plain sentence, not the raw error
        return replace(item.panel, error=str(exc), missing_table=exc.table)
    except ReportError as exc:
        return PanelRun(item.panel.ref, item.panel.ref, error=_message(exc))
    return replace(item.panel, result=result)


def _with_findings(panel: PanelRun, item: _Prepared, workspace: Workspace, run) -> PanelRun:
    """The panel with its findings when its report has time buckets; a note when they fail."""
    from reportbuilder.insights import find_insights, has_series  # scipy: only when findings are asked for

    if not has_series(item.report):
        return panel
    try:
        found = find_insights(item.report, workspace.catalog,
                              lambda variant: run(build_sql(variant, workspace.catalog), item))
    except ReportError as exc:
        return replace(panel, not_applied=panel.not_applied + (f"no findings: {_message(exc)}",))
    return replace(panel, findings=tuple(found))


def _prepare_panel(ref, dashboard, workspace, now, zone, hidden=frozenset()):
    """The panel's built query (a `_Prepared`), or a `PanelRun` with its error. The report is
    checked once (twice only when the dashboard's date range does not check with it), and
    planned once: the dashboard filters are added to the checked report as values."""
    try:
        raw = load_spec_file(find_spec(ref), ref)
        options = ReportOptions(now_utc=now, timezone=zone, hidden_fields=hidden)
        checked, notes = _checked(raw, dashboard, workspace.catalog, options)
        report, applied = with_dashboard_filters(checked, dashboard.filters, workspace.catalog, hidden)
        plan = plan_report(report, workspace.catalog)
        panel = PanelRun(ref, report.title or report.name, None, ChartShape.of_report(report), notes,
                         date_range=_range_text(report))
        return _Prepared(panel, build_sql(plan, workspace.catalog), report.timezone, report,
                         tuple((key, (report.source, path)) for key, path, _ in applied), plan.range_start)
    except ReportError as exc:
        return PanelRun(ref, ref, error=_message(exc))


def _checked(raw, dashboard, catalog, options) -> tuple:
    """(the checked report, notes): with the dashboard's date range when the report takes it
    and checks with it, else without it and a note saying why."""
    if not (dashboard.preset or dashboard.start or dashboard.end):
        return check_spec(raw, catalog, options), ()
    if not takes_dashboard_range(raw):
        return check_spec(raw, catalog, options), (
            "the dashboard's date range does not apply: this report has no date range of its own "
            "(a report opts in with a date_range that names only a field)",)
    try:
        return check_spec(raw, catalog, replace(options, preset=dashboard.preset, start=dashboard.start,
                                                end=dashboard.end)), ()
    except SpecError as exc:
        problem = exc.diagnostics[0].message if exc.diagnostics else "invalid"
        return check_spec(raw, catalog, options), (f"the dashboard's date range does not apply ({problem})",)


def takes_dashboard_range(raw) -> bool:
    """Whether a report takes the dashboard's date range: not when it has none of its own (no
    `date_range`, or `preset: all_time`: "open tickets now" must not become "created last
    week"); a `date_range` naming only a field opts in; any other range is replaced."""
    node = raw.root.get("date_range")
    if not isinstance(node, YMap):
        return False
    preset = node.get("preset")
    if preset is not None and getattr(preset, "value", None) == "all_time":
        return False
    return True


def _message(exc) -> str:
    if isinstance(exc, SpecError) and exc.diagnostics:
        return "; ".join(d.message for d in exc.diagnostics)
    return str(exc)


def _range_text(report) -> str:
    window = report.window
    if window is None:
        return "all time"
    label = window.preset.replace("_", " ") if window.preset else ""
    span = _span_text(window.range.start, window.range.end)
    return f"{label} ({span})" if label and span else (label or span or "all time")


def _span_text(start, end) -> str:
    """Whole local days as an inclusive date span ('2026-10-24 – 2026-11-22'), else minutes."""
    if start is None and end is None:
        return ""
    days = all(v is None or v.time() == time() for v in (start, end))
    if days:
        first = start.date().isoformat() if start else "…"
        last = (end - timedelta(days=1)).date().isoformat() if end else "…"
        return first if first == last else f"{first} – {last}"
    shown = [v.isoformat(sep=" ", timespec="minutes") if v else "…" for v in (start, end)]
    return f"{shown[0]} – {shown[1]} (end excluded)"
