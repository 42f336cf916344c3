"""`rb validate` of a dashboard: the file itself, then every panel's report with the
dashboard's filters applied, each problem positioned in the file it is in."""
from __future__ import annotations

from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.dashboard.dashboard_filters import panel_filters
from reportbuilder.dashboard.load_dashboard import Dashboard, load_dashboard
from reportbuilder.errors import SpecError


def check_dashboard(text: str, catalog, load_spec, sources: dict | None = None) -> Dashboard:
    """The dashboard `text` (a file or built-in name) when it and every panel check; else a
    SpecError with every panel's problems. `load_spec(ref)` loads a panel's report; the
    dashboard's text goes into `sources`."""
    board = load_dashboard(text, sources)
    problems = []
    for ref in board.reports:
        try:
            raw = load_spec(ref)
            checked = checked_plan(raw, catalog, ReportOptions(timezone=board.timezone)).report
            filters = panel_filters(checked, board.filters)
            checked_plan(raw, catalog, ReportOptions(timezone=board.timezone, filters=filters))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(tuple(problems))
    return board
