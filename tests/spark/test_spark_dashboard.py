"""Dashboards run on any engine of the registry: `rb dashboard --engine spark` shows the same
panels as on DuckDB (the demo data, Asia/Kolkata; a dashboard filter applied). Marked `spark`:
skipped with a reason when pyspark or Java is missing."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard import load_dashboard, run_dashboard
from reportbuilder.engines import get_engine
from reportbuilder.run.spark_engine import SparkEngine, spark_available, spark_session
from reportbuilder.workspace import open_workspace

NOW = datetime(2026, 6, 15, 12)


@pytest.fixture(scope="module")
def session():
    missing = spark_available()
    if missing:
        pytest.skip(f"Spark cannot run here: {missing}")
    return spark_session("local[2]")


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    from reportbuilder.demo.generate_demo import generate_demo

    path = tmp_path_factory.mktemp("demo")
    generate_demo(path, anchor=date(2026, 6, 15))
    return path


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is b if a is None or b is None else math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


@pytest.mark.spark
@pytest.mark.parametrize("team", [None, "Support EMEA"])
def test_a_dashboard_on_spark_shows_the_duckdb_panels(session, demo_data, team):
    board = load_dashboard("helpdesk_summary")
    if team:
        board = replace(board, filters=(("team", team),))
    ws = open_workspace()
    on_duck = run_dashboard(board, ws, demo_data, NOW, "Asia/Kolkata", engine=get_engine("duckdb"))
    on_spark = run_dashboard(board, ws, demo_data, NOW, "Asia/Kolkata", engine=SparkEngine(session=session))
    assert len(on_spark.panels) == len(on_duck.panels) == len(board.reports)
    for duck, spark in zip(on_duck.panels, on_spark.panels):
        assert spark.error is None and duck.error is None, (spark.ref, spark.error, duck.error)
        assert duck.result.rows, f"{duck.ref}: empty on the demo data"
        assert spark.result.columns == duck.result.columns
        assert len(spark.result.rows) == len(duck.result.rows), spark.ref
        for s_row, d_row in zip(spark.result.rows, duck.result.rows):
            assert all(_same(s, d) for s, d in zip(s_row, d_row)), (spark.ref, s_row, d_row)
    assert on_spark.warnings == on_duck.warnings


@pytest.mark.spark
def test_rb_dashboard_engine_spark_writes_the_page(session, demo_data, tmp_path):
    out = tmp_path / "board.html"
    result = CliRunner().invoke(main, ["dashboard", "helpdesk_summary", "--data", str(demo_data), "--engine", "spark",
                                       "--spark-master", "local[2]", "--now", "2026-06-15T12:00:00",
                                       "--no-insights", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Help desk summary" in out.read_text()
