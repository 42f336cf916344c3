"""Every built-in report's chart, as a person sees it: drawn to a PNG on the demo data (kept in
test-artifacts/builtin-charts/ to be looked at; the dashboards' screenshots are taken by
tests/dashboard/test_dashboard.py), and its Vega-Lite spec asserted to say what the spec says:

- a sorted category chart keeps the result's order (no re-sorting by Vega);
- a colour scale's domain is the values the chart draws, with the palette's colours for them;
- a count axis (or a heatmap legend of counts) never gets fractional ticks;
- no chart has more than 11 colour categories (the top 10 and "Other");
- the spec is valid Vega-Lite (the JSON schema altair ships): production builds it unvalidated
  (render/chart_dict.py), so this is where a wrong chart fails.

The same checks run on every panel of every built-in dashboard, and on a dashboard's PNG spec.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from reportbuilder.emit.build_sql import build_sql
from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.dashboard.dashboard_page import dashboard_png_spec, panel_spec
from reportbuilder.dashboard.load_dashboard import load_dashboard
from reportbuilder.dashboard.run_dashboard import run_dashboard
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.render.chart_data import series_name
from reportbuilder.render.chart_output import chart_vegalite, png_of
from reportbuilder.render.chart_palette import Palette
from reportbuilder.render.chart_spec import choose_chart, ChartShape
from reportbuilder.render.values import NONE_LABEL
from reportbuilder.run.execute import run_query
from reportbuilder.workspace import builtin_names, builtin_path, open_workspace

NOW = datetime(2026, 6, 15, 12)
CATEGORY_CHARTS = ("bar", "horizontal_bar", "stacked_bar", "grouped_bar", "pie", "donut")
MAX_COLOURS = 11
SCHEMA = load_schema()


def valid_vegalite(spec: dict) -> None:
    """Raises (jsonschema's ValidationError) unless `spec` is valid Vega-Lite."""
    validate_jsonschema(spec, SCHEMA)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=NOW.date())
    return folder


def _parts(spec: dict) -> list[dict]:
    """The spec and its layers / concatenated views, depth first."""
    out = [spec]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, ()):
            out += _parts(part)
    return out


def _records(spec: dict) -> list[dict]:
    return [r for part in _parts(spec) for r in (part.get("data") or {}).get("values", ())] + \
        [r for values in spec.get("datasets", {}).values() for r in values]


def _columns_of(field: str, records, result) -> list:
    """The result columns a drawn field stands for: `f3` is column 3; `value` is the folded
    measures, named by their series."""
    if field.startswith("f") and field[1:].isdigit():
        return [result.columns[int(field[1:])]]
    if field == "value":
        names = {r["series"] for r in records if "series" in r}
        return [c for c in result.columns if series_name(c.name) in names]
    return []


def check_chart(spec: dict, result, shape: ChartShape) -> None:
    valid_vegalite(spec)
    records = _records(spec)
    chart = choose_chart(result, shape)
    for part in _parts(spec):
        encoding = part.get("encoding", {})
        for channel, enc in encoding.items():
            if not isinstance(enc, dict) or enc.get("type") != "quantitative" or "field" not in enc:
                continue
            columns = _columns_of(enc["field"], records, result)
            counts = columns and all(c.type == "integer" for c in columns)
            if counts and channel in ("x", "y"):
                assert enc.get("axis", {}).get("tickMinStep") == 1, (channel, enc)
            if counts and channel == "color":
                assert enc["legend"].get("format") == "d" and enc["legend"].get("tickMinStep") == 1
        color = encoding.get("color", {})
        if "domain" in color.get("scale", {}):
            domain = color["scale"]["domain"]
            drawn = {r[color["field"]] for r in records if color.get("field") in r}
            assert drawn <= set(domain), (drawn, domain)
            assert list(color["scale"]["range"]) == list(Palette.for_values(domain).range)
            assert len(domain) <= MAX_COLOURS, domain
    if chart.type in CATEGORY_CHARTS and shape.sort:
        _check_order(spec, records, result, chart)


def _check_order(spec: dict, records, result, chart) -> None:
    """The categories are drawn in the result's order: data order, not re-sorted by Vega."""
    index = [c.name for c in result.columns].index(chart.x)
    if result.columns[index].type != "text":
        return  # hours and buckets are in their own order whatever the sort
    field = f"f{index}"
    drawn = list(dict.fromkeys(r[field] for r in records if r[field] != "Other"))
    rows = list(dict.fromkeys(r["rb_row"] for r in records if r[field] != "Other"))
    assert rows == sorted(rows)
    assert drawn == [NONE_LABEL if result.rows[n][index] is None else str(result.rows[n][index]) for n in rows]
    for part in _parts(spec):
        for enc in part.get("encoding", {}).values():
            if isinstance(enc, dict) and enc.get("field") == field and "sort" in enc:
                # data order, or the drawn order spelled out (a legend's)
                assert enc["sort"] is None or [v for v in enc["sort"] if v != "Other"] == drawn, enc


def _builtin(name):
    ws = open_workspace()
    report_plan = checked_plan(load_spec_file(builtin_path(name)), ws.catalog, ReportOptions(now_utc=NOW))
    return report_plan, ws


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_chart_says_what_its_spec_says(name, demo_dir, artifacts):
    report_plan, ws = _builtin(name)
    report = report_plan.report
    result = run_query(build_sql(report_plan, ws.catalog), demo_dir, ws.catalog, report.timezone, report.title)
    shape = ChartShape.of_report(report)
    spec = chart_vegalite(result, shape)
    check_chart(spec, result, shape)
    png = png_of(spec)
    assert png[:4] == b"\x89PNG"
    (artifacts("builtin-charts") / f"{name}.png").write_bytes(png)


@pytest.mark.parametrize("name", builtin_names("dashboards"))
def test_every_builtin_dashboard_panel_says_what_its_spec_says(name, demo_dir):
    run = run_dashboard(load_dashboard(name), open_workspace(), demo_dir, NOW)
    drawn = [p for p in run.panels if p.result is not None and choose_chart(p.result, p.shape).type != "table"]
    assert drawn
    for panel in drawn:
        check_chart(panel_spec(panel), panel.result, panel.shape)
    valid_vegalite(dashboard_png_spec(run))


def test_the_schema_check_fails_on_a_wrong_chart():
    from reportbuilder.run.result import Result, ResultColumn

    r = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")), (("email", 3),), "UTC", "T")
    spec = chart_vegalite(r, ChartShape(("channel",)))
    valid_vegalite(spec)
    spec["mark"]["type"] = "bars"
    with pytest.raises(Exception, match="bars"):
        valid_vegalite(spec)
    spec["mark"]["type"] = "bar"
    spec["encoding"]["x"]["type"] = "category"
    with pytest.raises(Exception, match="category"):
        valid_vegalite(spec)


def test_the_order_check_fails_on_a_re_sorted_chart():
    from reportbuilder.run.result import Result, ResultColumn

    r = Result((ResultColumn("channel", "text"), ResultColumn("tickets", "integer")),
               (("phone", 9), ("chat", 5), (None, 1)), "UTC", "T")
    shape = ChartShape(("channel",), sort=(("tickets", True),))
    spec = chart_vegalite(r, shape)
    check_chart(spec, r, shape)
    spec["encoding"]["x"]["sort"] = "ascending"
    with pytest.raises(AssertionError):
        check_chart(spec, r, shape)
    del spec["encoding"]["y"]["axis"]["tickMinStep"]
    spec["encoding"]["x"]["sort"] = None
    with pytest.raises(AssertionError):
        check_chart(spec, r, shape)
