"""Charts built the fast way (render/chart_dict.py: rows opaque to altair, its checks off) are the
charts altair builds the ordinary way (rows as lists, every object validated): the same
Vega-Lite dicts, key order included, and the same dashboard page with the same SVG charts.

The ordinary way is put back by patching the chart_dict helpers where they are used, for one run.
"""
from __future__ import annotations

import json
import re
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

import altair as alt
import pytest

from reportbuilder.dashboard import dashboard_page
from reportbuilder.dashboard.dashboard_page import dashboard_html, dashboard_png_spec, panel_spec
from reportbuilder.dashboard.load_dashboard import load_dashboard
from reportbuilder.dashboard.run_dashboard import run_dashboard
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.render import chart_table, chart_vega
from reportbuilder.render.chart_dict import Rows, spec_dict
from reportbuilder.render.chart_spec import choose_chart
from reportbuilder.workspace import open_workspace

NOW = datetime(2026, 6, 15, 12)
DASHBOARDS = ("communications", "helpdesk_summary")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list:
    folder: Path = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=NOW.date())
    return [run_dashboard(load_dashboard(name), open_workspace(), folder, NOW) for name in DASHBOARDS]


@pytest.fixture
def altair_own(monkeypatch):
    """`altair_own.on()`: charts built the ordinary altair way until `.off()`."""
    def plain(records):
        return alt.Data(values=list(records))

    def validated(chart):
        return chart.to_dict(validate=True)

    class Switch:
        def on(self):
            for module in (chart_vega, chart_table):
                monkeypatch.setattr(module, "inline_data", plain)
            for module in (chart_vega, dashboard_page):
                monkeypatch.setattr(module, "building", nullcontext)
                monkeypatch.setattr(module, "spec_dict", validated)

        def off(self):
            monkeypatch.undo()
    return Switch()


def _drawn(run):
    return [p for p in run.panels if p.result is not None and choose_chart(p.result, p.shape).type != "table"]


def _specs(runs):
    return [json.dumps(panel_spec(p)) for run in runs for p in _drawn(run)] + \
        [json.dumps(dashboard_png_spec(run)) for run in runs]


def test_panel_and_png_specs_are_altairs_own(runs, altair_own):
    fast = _specs(runs)
    altair_own.on()
    plain = _specs(runs)
    altair_own.off()
    assert len(fast) > 10
    assert fast == plain


def test_the_page_and_its_svg_charts_are_unchanged(runs, altair_own):
    run = runs[0]
    fast = dashboard_html(run)
    altair_own.on()
    plain = dashboard_html(run)
    altair_own.off()
    # vl-convert numbers gradients across the process: the second drawing counts on
    def same_ids(page):
        return re.sub(r"gradient_\d+", "gradient_N", page)
    assert fast.count("<svg") >= 5
    assert same_ids(fast) == same_ids(plain)


def test_rows_are_put_back_as_lists_everywhere():
    rows = [{"a": 1}, {"a": None}]
    nested = {"layer": [{"data": {"values": Rows(rows)}}, {"data": {"values": Rows([])}}], "n": [1, 2]}

    class Chart:
        def to_dict(self, validate):
            assert validate is False
            return nested
    assert spec_dict(Chart()) == {"layer": [{"data": {"values": rows}}, {"data": {"values": []}}], "n": [1, 2]}


def test_charts_build_with_altairs_checks_on(runs, monkeypatch):
    """Another thread may leave `building()` (altair's flag is global) while one builds: the
    opaque rows must not depend on the checks being off."""
    from altair.utils.schemapi import debug_mode

    panels = _drawn(runs[0])[:4]
    fast = [json.dumps(panel_spec(p)) for p in panels]
    monkeypatch.setattr(chart_vega, "building", lambda: debug_mode(True))
    assert [json.dumps(panel_spec(p)) for p in panels] == fast
