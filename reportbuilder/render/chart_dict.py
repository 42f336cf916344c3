"""Altair charts to Vega-Lite dicts without altair's per-value costs.

Altair checks every schema object against the Vega-Lite JSON schema when it is built and
when `to_dict(validate=True)` runs, deep-copies the whole chart (its data rows included) at
each `.properties()`, `.configure_*()` and `layer()`, and walks every data value in
`to_dict`: for a dashboard of 30 charts that was about 2.5 s of a 3 s build, for nothing the
page shows. Here the rows travel inside charts as an opaque `Rows` (copied and converted by
reference), charts are built with altair's checks off (`building()`), and `spec_dict` puts
the rows back into the finished dict: the same dict, byte for byte, as altair's own.

A wrong chart still fails in tests: tests/charts/test_builtin_charts_drawn.py validates the
chart of every built-in report, every built-in dashboard panel and a dashboard's PNG against
the Vega-Lite schema.
"""
from __future__ import annotations

from contextlib import AbstractContextManager

import altair as alt
from altair.utils.schemapi import debug_mode


class Rows:
    """A chart's data rows (plain JSON values), passed by reference through altair."""

    __slots__ = ("records",)

    def __init__(self, records):
        self.records = list(records)


class _InlineRows(alt.Data):
    """Inline data never checked when built: altair's schema cannot read a `Rows`."""

    _class_is_valid_at_instantiation = False


def inline_data(records) -> alt.Data:
    """Inline data of `records`."""
    return _InlineRows(values=Rows(records))


def building() -> AbstractContextManager:
    """Altair's construction-time schema checks off: a speed-up only (altair's flag is global,
    so a thread may still see them on while another leaves; nothing here depends on it)."""
    return debug_mode(False)


def spec_dict(chart) -> dict:
    """The chart's Vega-Lite dict, unvalidated, with its rows in place."""
    with building():
        return _with_rows(chart.to_dict(validate=False))


def _with_rows(node):
    if isinstance(node, Rows):
        return list(node.records)
    if isinstance(node, dict):
        return {key: _with_rows(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_rows(value) for value in node]
    return node
