"""Dashboards: several reports under one title, date range and set of filters, on one page.

The page functions are imported on first use: they need the chart toolchain (altair), which
running a dashboard's reports does not.
"""
from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS, filter_expression
from reportbuilder.dashboard.load_dashboard import Dashboard, load_dashboard
from reportbuilder.dashboard.run_dashboard import DashboardRun, PanelRun, run_dashboard

__all__ = ["DASHBOARD_FILTERS", "Dashboard", "DashboardRun", "PanelRun", "dashboard_html", "dashboard_png",
           "filter_expression", "load_dashboard", "run_dashboard"]


def __getattr__(name: str):
    if name in ("dashboard_html", "dashboard_png"):
        from reportbuilder.dashboard import dashboard_page

        return getattr(dashboard_page, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
