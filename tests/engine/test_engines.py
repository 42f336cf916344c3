"""The engine seam: one registry of engines and dialects, and the `Engine` protocol every
caller (CLI, dashboards, rows, web app) runs through (the dialects' tables: tests/emit)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner

from reportbuilder.emit.dialects import TRANSFORMS
from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.options import ReportOptions
from reportbuilder.cli import main
from reportbuilder.compile import compile_text
from reportbuilder.engines import DIALECTS, ENGINES, get_engine, run_once
from reportbuilder.errors import UsageError
from reportbuilder.run.execute import DuckDBEngine


def test_every_engine_speaks_a_dialect_with_a_transform_table():
    assert tuple(TRANSFORMS) == DIALECTS
    assert {get_engine(n).dialect for n in ENGINES} <= set(DIALECTS)


def test_the_cli_offers_the_registrys_engines_and_dialects():
    for command in ("run", "insights", "rows", "dashboard"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert "[duckdb|spark]" in result.output.replace("\n", "").replace(" ", ""), command
    result = CliRunner().invoke(main, ["sql", "--help"])
    assert "|".join(DIALECTS) in result.output.replace("\n", "").replace(" ", "")


def test_an_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown engine 'oracle'.*duckdb, spark"):
        get_engine("oracle")


@pytest.fixture
def data(tmp_path) -> Path:
    (tmp_path / "tickets.csv").write_text(
        "id,created_at,channel,priority\n"
        "1,2025-03-01T10:00:00,email,high\n"
        "2,2025-03-01T11:00:00,email,\n"
        "3,2025-03-02T09:00:00,phone,low\n")
    return tmp_path


def test_duckdb_connection_runs_a_report_and_fetches_a_tree(data):
    query = compile_text("source: tickets\ndimensions: [channel]\nmeasures: [count() as n]\n",
                         options=ReportOptions(now_utc=datetime(2025, 6, 30)))
    con = DuckDBEngine().open(data, query.tables, load_catalog())
    try:
        result = con.run(query, "UTC", "by channel")
        assert result.names == ("channel", "n") and result.rows == (("email", 2), ("phone", 1))
        assert result.title == "by channel"
        null_priority = sqlglot.parse_one("SELECT count(*) FROM tickets WHERE priority IS NULL")
        assert con.fetch(null_priority) == [(1,)]
    finally:
        con.close()


def test_run_once_opens_only_what_the_query_reads_and_calls_on_open(data):
    query = compile_text("source: tickets\nmeasures: [count() as n]\n")
    opened = []
    result = run_once(get_engine(), query, data, load_catalog(), "UTC", on_open=opened.append)
    assert result.rows == ((3,),) and len(opened) == 1 and hasattr(opened[0], "interrupt")


def test_spark_refuses_row_level_access_before_starting():
    with pytest.raises(UsageError, match="does not apply row-level access"):
        get_engine("spark").open(Path("."), ("tickets",), load_catalog(), restrict=object())
