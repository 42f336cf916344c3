"""The same report on DuckDB and on local Apache Spark gives the same answer.

Every built-in report and the golden fixture specs run over the acceptance CSVs (UTC) and over
the demo Parquet data (Asia/Kolkata, a half-hour offset; weeks starting on Sunday); rows must be
identical (floats within 1e-9 relative). One SparkSession serves the run (conftest.py). Marked `spark`:
skip locally with `-m "not spark"`; skipped with a reason when pyspark or Java is missing.

The other dialects have no engine here: their SQL must parse back and use the engine's own
time-zone, epoch and exact-percentile forms (emit/dialects.py).
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
import sqlglot

from reportbuilder.emit.dialects import DialectError, to_dialect
from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import compile_text, plan
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.run.execute import run_query
from reportbuilder.engines import run_once
from reportbuilder.run.spark_engine import SparkEngine
from tests.equal_answer_corpus import BUSINESS_SPECS, ROOT, SPECS, business_catalog, mixed_functions_spec, same_value

MIXED = mixed_functions_spec("Asia/Kolkata")


@pytest.fixture(scope="module")
def acceptance_data() -> Path:
    path = (ROOT / ".." / "shared" / "acceptance" / "data").resolve()
    if not (path / "tickets.csv").is_file():
        pytest.skip(f"{path} has no acceptance data")
    return path


def _compare(query, data: Path, catalog, session) -> None:
    duck = run_query(query, data, catalog, "UTC")
    spark = run_once(SparkEngine(session=session), query, data, catalog, "UTC")
    assert len(duck.rows) == len(spark.rows)
    for i, (d, s) in enumerate(zip(duck.rows, spark.rows)):
        assert len(d) == len(s) and all(same_value(x, y) for x, y in zip(d, s)), (i, d, s)


def _queries(catalog, now: datetime, timezone: str | None):
    options = ReportOptions(now_utc=now, timezone=timezone)
    for path in SPECS:
        yield path.name, build_sql(plan(load_spec_file(path), catalog, options), catalog)
    yield "mixed", compile_text(MIXED, catalog, options)


@pytest.mark.spark
def test_acceptance_csv_utc(spark, acceptance_data):
    catalog = load_catalog()
    failures = []
    for name, query in _queries(catalog, datetime(2025, 6, 30, 12), None):
        try:
            _compare(query, acceptance_data, catalog, spark)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.spark
def test_demo_parquet_kolkata_sunday_weeks(spark, demo_data):
    catalog = dataclasses.replace(load_catalog(), week_start="sunday")
    failures = []
    for name, query in _queries(catalog, datetime(2026, 6, 15, 12), "Asia/Kolkata"):
        try:
            _compare(query, demo_data, catalog, spark)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.spark
def test_business_hours(spark, acceptance_data):
    catalog = business_catalog()
    options = ReportOptions(now_utc=datetime(2025, 6, 30, 12))
    failures = []
    for name, text in BUSINESS_SPECS.items():
        try:
            _compare(compile_text(text, catalog, options), acceptance_data, catalog, spark)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.spark
def test_cli_runs_on_spark(spark, acceptance_data):
    from click.testing import CliRunner

    from reportbuilder.cli import main

    args = ["run", "tickets_by_channel", "--data", str(acceptance_data), "--now", "2025-06-30T12:00:00",
            "--format", "csv"]
    duck = CliRunner().invoke(main, args)
    on_spark = CliRunner().invoke(main, args + ["--engine", "spark", "--spark-master", "local[2]"])
    assert duck.exit_code == 0 and on_spark.exit_code == 0, on_spark.output
    assert on_spark.output == duck.output


# -- other dialects: SQL that parses back and uses the engine's own forms ---------------------
EXPECTED = {  # dialect -> (local time, epoch seconds, exact percentile)
    "spark": ("FROM_UTC_TIMESTAMP(", "UNIX_MICROS(", "PERCENTILE("),
    "trino": ("AT_TIMEZONE(WITH_TIMEZONE(", "TO_UNIXTIME(WITH_TIMEZONE(", "ARRAY_SORT("),
    "postgres": ("AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kolkata'", "EXTRACT(EPOCH FROM",
                 "PERCENTILE_CONT(0.25) WITHIN GROUP"),
    "bigquery": ("DATETIME(TIMESTAMP(", "UNIX_MICROS(TIMESTAMP(", "ARRAY_AGG("),
    "snowflake": ("CONVERT_TIMEZONE('UTC', 'Asia/Kolkata'", "EPOCH_MICROSECOND", "PERCENTILE_CONT(0.25) WITHIN GROUP"),
}
FORBIDDEN = {  # forms that parse but mean something else there
    "spark": ("UNIX_TIMESTAMP(", "PERCENTILE_CONT(", "DAYOFWEEK("),
    "trino": ("PERCENTILE_CONT(", "MEDIAN(", "APPROX_PERCENTILE("),
    "postgres": ("DAYOFWEEK_ISO(", "HOUR(", "DATE_PART('epoch'"),
    "bigquery": ("TIME_TO_UNIX(", "PERCENTILE_CONT(", "MEDIAN(", ", WEEK)", "TIMESTAMP_TRUNC("),
    "snowflake": ("AT TIME ZONE", "EPOCH_SECOND", "DATE_TRUNC('WEEK'"),
}
DERIVED = """\
source: tickets
dimensions: [channel]
measures:
  - avg(reopen_count) as reopens
  - sum(agent_reply_count) as replies
  - avg(conversations.messages.reply_time) as reply_time
"""


@pytest.mark.parametrize("dialect", sorted(EXPECTED))
def test_dialect_sql_uses_the_engines_forms(dialect):
    query = compile_text(MIXED, options=ReportOptions(now_utc=datetime(2025, 6, 30, 12)))
    sql = query.sql(dialect)
    assert len(sqlglot.parse(sql, read=dialect)) == 1
    for needle in EXPECTED[dialect]:
        assert needle in sql, f"{dialect}: {needle} missing"
    for needle in FORBIDDEN[dialect]:
        assert needle not in sql, f"{dialect}: {needle} present"


@pytest.mark.parametrize("dialect", sorted(EXPECTED))
def test_catalog_sql_transpiles(dialect):
    """Derived fields and entities (catalog SQL written for DuckDB) come out in the engine's forms."""
    options = ReportOptions(now_utc=datetime(2025, 6, 30, 12))
    for text in (DERIVED, "source: ticket_status_periods\nmeasures: [sum(seconds) as s]\n",
                 "source: response_turns\nmeasures: [avg(reply_seconds) as s]\n"):
        sql = compile_text(text, options=options).sql(dialect)
        assert len(sqlglot.parse(sql, read=dialect)) == 1
        assert "EPOCH(" not in sql.replace("EPOCH_MICROSECOND", "")
        assert "UNIX_TIMESTAMP(" not in sql


def test_unknown_dialect_is_a_clear_error():
    with pytest.raises(DialectError, match="dialect 'oracle'"):
        to_dialect(sqlglot.parse_one("SELECT 1"), "oracle")


def test_duckdb_sql_is_unchanged():
    query = compile_text(MIXED, options=ReportOptions(now_utc=datetime(2025, 6, 30, 12)))
    assert query.sql("duckdb") == query.select.sql(dialect="duckdb", pretty=True)
