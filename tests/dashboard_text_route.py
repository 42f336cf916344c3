"""The dashboard filters as `--filter` text, the route every command took before they were
added as values (check/value_filters.py): the reference the value route is compared with."""
from __future__ import annotations

from reportbuilder.dashboard.dashboard_filters import filter_expression, filter_paths


def filter_texts(report, filters) -> tuple[str, ...]:
    """`path = 'value'` (quotes doubled; a list: `path in (...)`) for each of the dashboard's
    `filters` ((key, value) pairs) along the paths the checked `report` names."""
    return tuple(filter_expression(path, value) for _, path, value in filter_paths(report, filters))
