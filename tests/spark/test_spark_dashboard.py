"""Dashboards and rows run on any engine of the registry: `rb dashboard --engine spark` shows the same
panels as on DuckDB (the demo data, Asia/Kolkata; a dashboard filter applied). Marked `spark`:
skipped with a reason when pyspark or Java is missing."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard import load_dashboard, run_dashboard
from reportbuilder.engines import get_engine
from reportbuilder.run.spark_engine import SparkEngine
from reportbuilder.workspace import open_workspace
from tests.equal_answer_corpus import same_value

NOW = datetime(2026, 6, 15, 12)


@pytest.mark.spark
@pytest.mark.parametrize("team", [None, "Support EMEA"])
def test_a_dashboard_on_spark_shows_the_duckdb_panels(spark, demo_data, team):
    board = load_dashboard("helpdesk_summary")
    if team:
        board = replace(board, filters=(("team", team),))
    ws = open_workspace()
    on_duck = run_dashboard(board, ws, demo_data, NOW, "Asia/Kolkata", engine=get_engine("duckdb"))
    on_spark = run_dashboard(board, ws, demo_data, NOW, "Asia/Kolkata", engine=SparkEngine(session=spark))
    assert len(on_spark.panels) == len(on_duck.panels) == len(board.reports)
    for duck, spark in zip(on_duck.panels, on_spark.panels):
        assert spark.error is None and duck.error is None, (spark.ref, spark.error, duck.error)
        assert duck.result.rows, f"{duck.ref}: empty on the demo data"
        assert spark.result.columns == duck.result.columns
        assert len(spark.result.rows) == len(duck.result.rows), spark.ref
        for s_row, d_row in zip(spark.result.rows, duck.result.rows):
            assert all(same_value(s, d) for s, d in zip(s_row, d_row)), (spark.ref, s_row, d_row)
    assert on_spark.warnings == on_duck.warnings


@pytest.mark.spark
def test_rb_dashboard_engine_spark_writes_the_page(spark, demo_data, tmp_path):
    out = tmp_path / "board.html"
    result = CliRunner().invoke(main, ["dashboard", "helpdesk_summary", "--data", str(demo_data), "--engine", "spark",
                                       "--spark-master", "local[2]", "--now", "2026-06-15T12:00:00",
                                       "--no-insights", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Help desk summary" in out.read_text()


@pytest.mark.spark
def test_rb_rows_on_spark_lists_the_duckdb_rows(spark, demo_data):
    """The rows behind a cell (drill-down's own queries, printed for Spark) and their total."""
    base = ["--data", str(demo_data), "--now", "2026-06-15T12:00:00", "--format", "json"]
    cells = json.loads(CliRunner().invoke(main, ["run", "tickets_by_channel", *base]).stdout)
    cell = [f"channel={cells[0]['channel']}"]
    listed = {}
    for engine in ("duckdb", "spark"):
        result = CliRunner().invoke(main, ["rows", "tickets_by_channel", "--cell", *cell, "--limit", "5",
                                           "--engine", engine, "--spark-master", "local[2]", *base])
        assert result.exit_code == 0, result.output
        listed[engine] = json.loads(result.stdout)
    assert listed["duckdb"] and listed["spark"] == listed["duckdb"]
