"""Dashboards: several reports under one title, date range and set of filters, on one page."""
from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS, filter_expression
from reportbuilder.dashboard.load_dashboard import Dashboard, load_dashboard
from reportbuilder.dashboard.run_dashboard import DashboardRun, PanelRun, run_dashboard
from reportbuilder.dashboard.dashboard_page import dashboard_html, dashboard_png

__all__ = ["DASHBOARD_FILTERS", "Dashboard", "DashboardRun", "PanelRun", "dashboard_html", "dashboard_png",
           "filter_expression", "load_dashboard", "run_dashboard"]
