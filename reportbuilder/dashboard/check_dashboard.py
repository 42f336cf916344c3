"""`rb validate` of a dashboard: the file itself, then every panel's report with the
dashboard's filters applied, each problem positioned in the file it is in. A panel is
checked and planned once: the filters are added to the checked report as values
(dashboard_filters.with_dashboard_filters), as `rb dashboard` adds them."""
from __future__ import annotations

from reportbuilder.check.check_spec import check_spec
from reportbuilder.check.options import ReportOptions
from reportbuilder.dashboard.dashboard_filters import with_dashboard_filters
from reportbuilder.dashboard.load_dashboard import Dashboard, load_dashboard
from reportbuilder.errors import SpecError
from reportbuilder.plan.plan_report import plan_report


def check_dashboard(text: str, catalog, load_spec, sources: dict | None = None) -> Dashboard:
    """The dashboard `text` (a file or built-in name) when it and every panel check; else a
    SpecError with every panel's problems. `load_spec(ref)` loads a panel's report; the
    dashboard's text goes into `sources`. A filter a panel names no path for is a
    FilterNotApplicable (the first such panel's)."""
    board = load_dashboard(text, sources)
    problems = []
    for ref in board.reports:
        try:
            checked = check_spec(load_spec(ref), catalog, ReportOptions(timezone=board.timezone))
            plan_report(with_dashboard_filters(checked, board.filters, catalog)[0], catalog)
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(tuple(problems))
    return board
