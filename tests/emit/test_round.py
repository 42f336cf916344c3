"""round(x, n): the shortest decimal spelling of x, rounded half away from zero (docs/spec-language.md).

A double such as 2.675 is stored as 2.67499999999999982236431605997495353221893310546875;
a spreadsheet user expects round(2.675, 2) = 2.68, and engines disagree (DuckDB rounds the
binary value, Spark the spelling). The report language defines it once, and every engine
computes that (the Spark and PostgreSQL equal-answer corpora run round() too).
"""
from __future__ import annotations

import math
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from reportbuilder.emit.compile_expr import rounded
from tests.oracle.reference import spreadsheet_round as reference_round

from tests.engine.fixture_data import invoke, run_report, write_tables


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_round(con, x: float, places: int) -> float:
    value = exp.cast(exp.Literal.string(repr(x)), exp.DataType.Type.DOUBLE)
    return con.execute(exp.select(rounded(value, exp.Literal.number(places))).sql("duckdb")).fetchone()[0]


@pytest.mark.parametrize("x, places, expected", [
    (2.675, 2, 2.68),            # binary 2.67499999...: the spelling decides
    (1.005, 2, 1.01),
    (0.285, 2, 0.29),
    (249.905, 2, 249.91),
    (-2.675, 2, -2.68),          # half away from zero, not up
    (-0.5, 0, -1.0),
    (0.5, 0, 1.0),
    (2.5, 0, 3.0),               # not banker's rounding
    (2.6749999999999994, 2, 2.67),  # the double just below 2.675 spells itself so
    (1234567.125, 2, 1234567.13),
    (1e15 + 0.5, 0, 1e15 + 1),
    (1e15 + 0.5, 2, 1e15 + 0.5),
    (1e16, 12, 1e16),
    (1e20, 2, 1e20),             # beyond 2^53 every double is whole already
    (1e-7, 2, 0.0),
    (0.0, 3, 0.0),
])
def test_round_hand_values(con, x, places, expected):
    assert reference_round(x, places) == expected
    assert sql_round(con, x, places) == expected


def test_round_of_null_is_null(con):
    assert con.execute(exp.select(rounded(exp.cast(exp.Null(), exp.DataType.Type.DOUBLE),
                                          exp.Literal.number(2))).sql("duckdb")).fetchone()[0] is None


def ties(places: int):
    """Values spelled exactly half way between two n-place numbers, and their neighbouring doubles."""
    half = st.integers(min_value=-10**11, max_value=10**11).map(
        lambda k: float(Decimal(2 * k + 1) / Decimal(2 * 10**places)))
    return half.flatmap(lambda x: st.sampled_from([x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), places=st.integers(min_value=0, max_value=6))
def test_round_matches_the_definition_at_rounding_boundaries(con, data, places):
    x = data.draw(ties(places))
    if abs(x) < 0.1:  # the spelling of smaller doubles may need more than 18 places (documented)
        return
    assert sql_round(con, x, places) == reference_round(x, places)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=-1e16, max_value=1e16, allow_nan=False), places=st.integers(0, 12))
def test_round_matches_the_definition_anywhere(con, x, places):
    if 0 < abs(x) < 0.1:
        return
    assert sql_round(con, x, places) == reference_round(x, places)


def test_round_in_a_report_sums_the_rounded_values(tmp_path):
    # handle times 2675 and 1005 s -> 2.675 and 1.005 thousand -> 2.68 + 1.01 = 3.69
    data = write_tables(tmp_path, tickets=[{"id": 1, "created_at": "2025-06-01T10:00:00", "status": "open",
                                            "handle_time_seconds": 2675},
                                           {"id": 2, "created_at": "2025-06-01T11:00:00", "status": "open",
                                            "handle_time_seconds": 1005},
                                           {"id": 3, "created_at": "2025-06-01T12:00:00", "status": "open"}])
    rows = run_report("source: tickets\nmeasures:\n"
                      "  - {name: r, expr: 'sum(round(handle_time_seconds / 1000, 2))'}\n"
                      "  - {name: whole, expr: 'round(avg(handle_time_seconds))'}\n", data)
    assert rows == [{"r": pytest.approx(3.69, abs=1e-12), "whole": 1840.0}]


@pytest.mark.parametrize("call", ["round(handle_time_seconds, -1)", "round(handle_time_seconds, 1.5)",
                                  "round(handle_time_seconds, 13)", "round(handle_time_seconds, handle_time_seconds)"])
def test_round_places_must_be_a_whole_literal(tmp_path, call):
    data = write_tables(tmp_path, tickets=[])
    result = invoke(f"source: tickets\nmeasures:\n  - name: r\n    expr: sum({call})\n", data)
    assert result.exit_code == 2
    assert "spec.yaml:4:" in result.output and "decimal places from 0 to 12" in result.output
