"""Drill-down: the rows behind one number of a report (`rb rows`, and the web app's pages)."""
from .drill_rows import DrillPage, DrillRequest, drill_on, drill_rows, drill_tables, plan_rows
from .rows_sql import RowsQuery

__all__ = ["DrillPage", "DrillRequest", "RowsQuery", "drill_on", "drill_rows", "drill_tables", "plan_rows"]
