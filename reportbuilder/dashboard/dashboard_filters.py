"""Dashboard-wide filters as extra filter expressions, one per filter key.

Each report names the path each filter takes from its source (the source entity's
catalog `dashboard_filters`, replaced key by key by the spec's own, see
check/dashboard_paths.py), so a panel is exactly the report run with
`--filter "<path> = '<value>'"`; a filter without a path is an error for that panel.
`rb dashboard`, `rb validate` of a dashboard and `rb serve` take them as values
(`with_dashboard_filters`: `filter_paths`, then check/value_filters.py adds them to the
checked report, so it is checked and planned once). `filter_expression` writes the same
filter as `--filter` text: a value quoted as an expression string literal (`'` doubled),
a list of values as `in (...)`.

Example:
    >>> filter_expression("contact.company.name", "O'Brien & Co")
    "contact.company.name = 'O''Brien & Co'"
    >>> filter_expression("channel_account", ["a", "b"])
    "channel_account in ('a', 'b')"
"""
from __future__ import annotations

from reportbuilder.catalog.model import DASHBOARD_FILTER_KEYS as DASHBOARD_FILTERS
from reportbuilder.check.value_filters import with_value_filters
from reportbuilder.errors import ReportError


class FilterNotApplicable(ReportError):
    """A dashboard filter the report names no path for: its panel is an error."""


def quote(value) -> str:
    """An expression string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def filter_expression(path: str, value) -> str:
    """The filter expression comparing the field at `path` with a dashboard filter's value."""
    if isinstance(value, (list, tuple)):
        return f"{path} in ({', '.join(quote(v) for v in value)})"
    return f"{path} = {quote(value)}"


def with_dashboard_filters(report, filters, catalog, hidden: frozenset = frozenset()) -> tuple:
    """(the checked `report` narrowed by the dashboard's `filters` ((key, value) pairs) as values,
    the (key, path, value) applied); `hidden`: the viewer's hidden fields, as when `report` was
    checked. FilterNotApplicable names a filter that does not apply to it."""
    applied = filter_paths(report, filters)
    return with_value_filters(report, [(path, value) for _, path, value in applied], catalog, hidden), applied


def filter_paths(report, filters) -> tuple[tuple[str, str, object], ...]:
    """(key, path, value) for each of the dashboard's `filters` ((key, value) pairs), along the
    path the checked `report` names for it (check.value_filters turns them into conditions);
    FilterNotApplicable names a filter that does not apply to it."""
    paths = dict(report.dashboard_filters)
    out = []
    for key, value in filters:
        path = paths.get(key)
        if path is None:
            why = "its dashboard_filters set it to null" if key in paths else \
                f"neither it nor its source {report.source} names a path for it under dashboard_filters"
            raise FilterNotApplicable(f"the dashboard filter {key} does not apply to this report: {why}")
        out.append((key, path, value))
    return tuple(out)


__all__ = ["DASHBOARD_FILTERS", "FilterNotApplicable", "filter_expression", "filter_paths", "quote",
           "with_dashboard_filters"]
