"""The same report on DuckDB and on a real PostgreSQL server gives the same answer.

Every built-in report and the golden fixture specs (plus one spec mixing the dialect-sensitive
functions) are compiled once, printed with `query.sql("postgres")` and run on the throwaway
server of conftest.py (the acceptance CSVs loaded with the catalog's types, session TimeZone
UTC), and run on DuckDB over the same CSVs with `run_query`. Rows must be identical: floats
within 1e-9 relative, Decimals compared as numbers, timestamps naive (UTC). Also in
Asia/Kolkata (a half-hour offset) with weeks starting on Sunday. Marked `postgres`: skip with
`-m "not postgres"`; skipped with the reason when PostgreSQL or psycopg is missing.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from decimal import Decimal

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import compile_report, compile_text
from reportbuilder.run.execute import run_query
from tests.equal_answer_corpus import BUSINESS_SPECS, ROOT, SPECS, business_catalog, mixed_functions_spec



DATA = (ROOT / ".." / "shared" / "acceptance" / "data").resolve()
NOW = datetime(2025, 6, 30, 12)
MIXED = mixed_functions_spec()
FANOUT_IF = """\
source: tickets
dimensions: [conversations.channel as conv_channel]
measures:
  - count_if(priority = 'urgent') as urgent
  - sum_if(handle_time_seconds, status = 'closed') as closed_handle
  - count() as n
  - count_if(owner.active) as active_owner
  - max(owner.active) as any_active
  - min(owner.active) as all_active
  - count_distinct(owner.active) as active_values
  - count_distinct(coalesce(closed_at, created_at) > created_at) as closed_later
  - count_distinct(coalesce(owner.active, false)) as active_or_none
sort: [conv_channel]
"""
BOOLEANS = """\
source: owners
dimensions: [team.name as team]
measures:
  - max(active) as any_active
  - min(active) as all_active
  - count_if(active) as n_active
sort: [team]
"""


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _same(a, b) -> bool:
    a, b = _number(a), _number(b)
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, datetime) and isinstance(b, datetime) and (a.tzinfo or b.tzinfo):
        return False  # both engines must give naive UTC timestamps
    return a == b and (type(a) is type(b) or {type(a), type(b)} <= {int, float})


def _compare(query, catalog, postgres, timezone: str) -> None:
    duck = run_query(query, DATA, catalog, timezone)
    rows = postgres.execute(query.sql("postgres")).fetchall()
    assert len(duck.rows) == len(rows), f"{len(duck.rows)} rows on DuckDB, {len(rows)} on Postgres"
    for i, (d, p) in enumerate(zip(duck.rows, rows)):
        assert len(d) == len(p) and all(_same(x, y) for x, y in zip(d, p)), (i, d, p)


def _run_all(postgres, catalog, options: ReportOptions, timezone: str) -> list[str]:
    failures = []
    queries = [(path.name, lambda p=path: compile_report(p, catalog, options)) for path in SPECS]
    queries += [("mixed", lambda: compile_text(MIXED, catalog, options)),
                ("fanout_if", lambda: compile_text(FANOUT_IF, catalog, options)),
                ("booleans", lambda: compile_text(BOOLEANS, catalog, options))]
    for name, build in queries:
        try:
            _compare(build(), catalog, postgres, timezone)
        except Exception as exc:  # a Postgres error or a difference: collect them all
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:600]}")
    return failures


@pytest.mark.postgres
def test_acceptance_csv_utc(postgres):
    failures = _run_all(postgres, load_catalog(), ReportOptions(now_utc=NOW), "UTC")
    assert not failures, "\n".join(failures)


@pytest.mark.postgres
def test_acceptance_csv_kolkata_sunday_weeks(postgres):
    catalog = dataclasses.replace(load_catalog(), week_start="sunday")
    failures = _run_all(postgres, catalog, ReportOptions(now_utc=NOW, timezone="Asia/Kolkata"), "Asia/Kolkata")
    assert not failures, "\n".join(failures)


@pytest.mark.postgres
def test_business_hours(postgres):
    catalog = business_catalog()
    failures = []
    for name, text in BUSINESS_SPECS.items():
        try:
            _compare(compile_text(text, catalog, ReportOptions(now_utc=NOW)), catalog, postgres, "UTC")
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:600]}")
    assert not failures, "\n".join(failures)
