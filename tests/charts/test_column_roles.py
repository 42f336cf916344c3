"""Result columns carry a role (check/output_schema.py): charts find a measure's comparison
columns by role and `of`, never by the `_previous` / `_change_pct` suffix of a name."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.emit.build_sql import build_sql
from reportbuilder.check.options import ReportOptions
from reportbuilder.cli import main
from reportbuilder.compile import checked_plan
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.render.chart_output import chart_vegalite
from reportbuilder.render.chart_spec import ChartShape
from reportbuilder.run.execute import run_query
from reportbuilder.run.result import ResultColumn
from reportbuilder.workspace import open_workspace

NOW = datetime(2025, 3, 15, 12)
TICKETS = ("id,channel,created_at\n1,email,2025-02-03 10:00:00\n2,chat,2025-02-04 10:00:00\n"
           "3,email,2025-01-10 10:00:00\n4,email,2025-02-20 09:00:00\n")


@pytest.fixture
def data(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    return tmp_path


def _run(folder: Path, spec: str):
    path = folder / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    ws = open_workspace()
    report_plan = checked_plan(load_spec_file(path), ws.catalog, ReportOptions(now_utc=NOW))
    report = report_plan.report
    result = run_query(build_sql(report_plan, ws.catalog), folder / "data", ws.catalog, report.timezone, "T")
    return result, ChartShape.of_report(report)


def _domains(spec: dict) -> list:
    """Every colour scale's domain in the spec (layers included)."""
    out, todo = [], [spec]
    while todo:
        part = todo.pop()
        todo += part.get("layer", [])
        color = part.get("encoding", {}).get("color", {})
        if "scale" in color and "domain" in color["scale"]:
            out.append(color["scale"]["domain"])
    return out


def test_a_measure_named_like_a_comparison_column_is_drawn(data):
    result, shape = _run(data, "source: tickets\ndimensions: [channel]\nsort: [channel]\n"
                               "measures: [count() as n, count_if(channel = 'email') as n_previous]\n")
    assert [(c.name, c.role, c.of) for c in result.columns] == [
        ("channel", "dimension", None), ("n", "measure", None), ("n_previous", "measure", None)]
    assert result.rows == (("chat", 1, 0), ("email", 3, 3))
    spec = chart_vegalite(result, shape)
    assert ["N", "N previous"] in _domains(spec)
    drawn = {(v.get("series"), v.get("value")) for v in spec["data"]["values"]}
    assert {("N", 1), ("N previous", 0), ("N", 3), ("N previous", 3)} <= drawn


def test_a_compared_measure_gets_its_previous_series_by_role(data):
    result, shape = _run(data, "source: tickets\ndate_range: {field: created_at, preset: last_month}\n"
                               "measures: [count() as n]\ncompare: previous_period\n"
                               "chart: {type: kpi}\n")
    assert [(c.name, c.type, c.role, c.of) for c in result.columns] == [
        ("n", "integer", "measure", None), ("n_previous", "number", "previous", "n"),
        ("n_change_pct", "percent", "change_pct", "n")]
    assert result.rows == ((3, 1, 200.0),)  # February 3 tickets, January 1
    texts = [v["text"] for v in chart_vegalite(result, shape)["data"]["values"]]
    assert texts[2].startswith("▲ 200%"), texts


def test_a_month_series_draws_the_measure_and_its_previous_period(data):
    result, shape = _run(data, "source: tickets\ndate_range: {field: created_at, from: 2025-02-01, to: 2025-03-01}\n"
                               "dimensions: [{field: created_at, granularity: month, as: month}]\n"
                               "measures: [count() as n]\ncompare: previous_period\n")
    spec = chart_vegalite(result, shape)
    assert ["N", "N (previous period)"] in _domains(spec)
    assert [(v["series"], v["value"]) for v in spec["data"]["values"]] == [("N", 3), ("N (previous period)", 1)]


def test_a_measure_n_previous_beside_n_cannot_compare(data):
    """With compare, `n`'s previous column would be a second `n_previous`: a positioned error."""
    (data / "spec.yaml").write_text("source: tickets\ndate_range: {field: created_at, preset: last_month}\n"
                                    "measures: [count() as n, count() as n_previous]\ncompare: previous_period\n")
    done = CliRunner().invoke(main, ["run", str(data / "spec.yaml"), "--data", str(data / "data")])
    assert done.exit_code == 2
    assert "spec.yaml:3:26: error: 'n_previous' is also the name of the column compare: adds for 'n'" in done.output


def test_a_comparison_column_names_its_measure():
    with pytest.raises(ValueError):
        ResultColumn("n_previous", "number", "previous")
    with pytest.raises(ValueError):
        ResultColumn("n", "integer", "measure", "m")
    with pytest.raises(ValueError):
        ResultColumn("n", "integer", "total")
    assert ResultColumn("n_previous", "integer").role == "measure"  # no role given: by type, not by name
    assert ResultColumn("channel", "text").role == "dimension"
