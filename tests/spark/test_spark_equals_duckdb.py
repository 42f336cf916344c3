"""The same report on DuckDB and on local Apache Spark gives the same answer.

Every built-in report and the golden fixture specs run over the acceptance CSVs (UTC) and over
the demo Parquet data (Asia/Kolkata, a half-hour offset; weeks starting on Sunday); rows must be
identical (floats within 1e-9 relative). One SparkSession serves the run (conftest.py). Marked `spark`:
skip locally with `-m "not spark"`; skipped with a reason when pyspark or Java is missing.

The other dialects have no engine here: tests/emit/test_dialects.py checks their SQL.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import compile_text, checked_plan
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
        yield path.name, build_sql(checked_plan(load_spec_file(path), catalog, options), catalog)
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
