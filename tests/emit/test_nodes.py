"""Marker nodes (emit/nodes.py): the emitter's own concepts, each spelled by every dialect's table."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from reportbuilder.emit.dialects import TRANSFORMS, DialectError, to_dialect
from reportbuilder.emit.join_sql import placeholders_filled
from reportbuilder.emit.nodes import MARKERS, UtcToLocal, utc_to_local
from reportbuilder.emit.time_sql import hour_start, local_time

PARIS = {  # dialect -> the naive local time in Europe/Paris of the naive UTC column ts
    "duckdb": "SELECT ts AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris'",
    "postgres": "SELECT ts AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris'",
    "spark": "SELECT FROM_UTC_TIMESTAMP(ts, 'Europe/Paris')",
    "trino": "SELECT CAST(AT_TIMEZONE(WITH_TIMEZONE(ts, 'UTC'), 'Europe/Paris') AS TIMESTAMP)",
    "bigquery": "SELECT DATETIME(TIMESTAMP(ts), 'Europe/Paris')",
    "snowflake": "SELECT CONVERT_TIMEZONE('UTC', 'Europe/Paris', ts)",
}


def test_every_dialect_maps_every_marker_class():
    assert set(PARIS) == set(TRANSFORMS)
    for dialect, table in TRANSFORMS.items():
        assert set(MARKERS) <= set(table), dialect


@pytest.mark.parametrize("dialect", sorted(PARIS))
def test_utc_to_local_in_each_dialect(dialect):
    select = exp.select(utc_to_local(exp.column("ts"), "Europe/Paris"))
    sql = to_dialect(select, dialect, pretty=False)
    assert sql == PARIS[dialect]
    assert len(sqlglot.parse(sql, read=dialect)) == 1
    assert isinstance(select.expressions[0], UtcToLocal)  # the builder's tree is left as it was


PARIS_LOCAL = {d: sql[len("SELECT "):] for d, sql in PARIS.items()}
TRUNC = {"bigquery": "DATETIME_TRUNC({local}, HOUR)"}  # the rest: DATE_TRUNC('HOUR', {local})


@pytest.mark.parametrize("dialect", sorted(PARIS))
def test_back_to_hour_start_in_each_dialect(dialect):
    """ts - (local - hour of local), its operands in the dialect's forms; Snowflake by DATEADD."""
    local = PARIS_LOCAL[dialect]
    trunc = TRUNC.get(dialect, "DATE_TRUNC('HOUR', {local})").format(local=local)
    expected = f"SELECT ts - ({local} - {trunc})" if dialect != "snowflake" else \
        f"SELECT DATEADD(MICROSECOND, -DATEDIFF(MICROSECOND, {trunc}, {local}), ts)"
    sql = to_dialect(exp.select(hour_start(exp.column("ts"), "Europe/Paris")), dialect, pretty=False)
    assert sql == expected
    assert len(sqlglot.parse(sql, read=dialect)) == 1


def test_duckdb_keeps_the_two_hours_of_a_fall_back_day_apart():
    """Europe/Paris repeats 02:00-03:00 local on 2025-10-26 (00:00-01:00 UTC at +2, 01:00-02:00 at +1)."""
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (i INT, ts TIMESTAMP)")
        con.execute("INSERT INTO t VALUES (1, '2025-10-26 00:30:00'), (2, '2025-10-26 01:30:00'), "
                    "(3, '2025-10-26 02:59:59'), (4, NULL)")
        select = exp.select(exp.column("i"), hour_start(exp.column("ts"), "Europe/Paris")).from_("t").order_by("i")
        rows = con.execute(to_dialect(select, "duckdb")).fetchall()
    finally:
        con.close()
    assert rows == [(1, datetime(2025, 10, 26, 0)), (2, datetime(2025, 10, 26, 1)),
                    (3, datetime(2025, 10, 26, 2)), (4, None)]


@pytest.mark.parametrize("dialect", sorted(PARIS))
def test_the_markers_operand_is_rewritten_too(dialect):
    """A marker inside a marker (the hour start of a half-hour zone) and a cast under it."""
    inner = exp.cast(exp.column("ts"), exp.DataType.Type.TIMESTAMP)
    twice = to_dialect(exp.select(local_time(exp.paren(local_time(inner, "Asia/Kolkata")), "Europe/Paris")),
                       dialect, pretty=False)
    assert twice.count("Asia/Kolkata") == 1 and twice.count("Europe/Paris") == 1
    assert "UTC_TO_LOCAL" not in twice.upper()
    assert len(sqlglot.parse(twice, read=dialect)) == 1


def test_a_marker_under_a_conversion_keeps_its_parentheses():
    """Markers print as operators in DuckDB (AT TIME ZONE steps, a subtraction): the operand is wrapped."""
    ts = exp.column("ts")
    of_hour_start = to_dialect(exp.select(local_time(hour_start(ts, "Europe/Paris"), "Asia/Tokyo")), "duckdb",
                               pretty=False)
    assert of_hour_start.startswith("SELECT (ts - (") and of_hour_start.endswith(
        ")) AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo'")
    of_local = to_dialect(exp.select(local_time(local_time(ts, "Europe/Paris"), "Asia/Tokyo")), "duckdb", pretty=False)
    assert of_local == ("SELECT (ts AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') "
                        "AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Tokyo'")


def test_local_time_of_utc_is_the_timestamp_itself():
    ts = exp.column("ts")
    assert local_time(ts, "UTC") is ts


def test_duckdb_computes_the_marker_across_a_dst_change():
    """Europe/Paris moves from +1 to +2 at 01:00 UTC on 2025-03-30; nulls stay null."""
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE t (i INT, ts TIMESTAMP)")
        con.execute("INSERT INTO t VALUES (1, '2025-03-30 00:30:00'), (2, '2025-03-30 01:30:00'), (3, NULL)")
        select = exp.select(exp.column("i"), utc_to_local(exp.column("ts"), "Europe/Paris")).from_("t").order_by("i")
        rows = con.execute(to_dialect(select, "duckdb")).fetchall()
    finally:
        con.close()
    assert rows == [(1, datetime(2025, 3, 30, 1, 30)), (2, datetime(2025, 3, 30, 3, 30)), (3, None)]


@pytest.mark.parametrize("dialect", sorted(set(PARIS) - {"duckdb"}))
def test_a_bare_at_time_zone_is_refused_outside_duckdb(dialect):
    """Catalog SQL's own AT TIME ZONE (not the UTC -> local pair) means different things by engine."""
    tree = sqlglot.parse_one("SELECT ts AT TIME ZONE 'Europe/Paris' FROM t", read="duckdb")
    with pytest.raises(DialectError, match=f"bare AT TIME ZONE.*{dialect}"):
        to_dialect(tree, dialect)
    assert "AT TIME ZONE 'Europe/Paris'" in to_dialect(tree, "duckdb")


def test_catalog_sqls_conversion_becomes_the_marker_with_its_placeholders_filled():
    tree = sqlglot.parse_one("SELECT NOW() AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kolkata' AS local_now, "
                             "ts AT TIME ZONE 'Europe/Paris' AS aware FROM t", read="duckdb")
    filled = placeholders_filled(tree, datetime(2025, 6, 30, 12))
    local, aware = (e.this for e in filled.expressions)
    assert isinstance(local, UtcToLocal) and local.args["zone"].name == "Asia/Kolkata"
    assert isinstance(aware, exp.AtTimeZone)  # not the pair: left as written
    duck = to_dialect(filled, "duckdb", pretty=False)
    assert duck.startswith("SELECT CAST('2025-06-30 12:00:00' AS TIMESTAMP) AT TIME ZONE 'UTC' AT TIME ZONE "
                           "'Asia/Kolkata' AS local_now, ts AT TIME ZONE 'Europe/Paris' AS aware"), duck
    filled.expressions[1].pop()
    assert to_dialect(filled, "spark", pretty=False) == \
        "SELECT FROM_UTC_TIMESTAMP(CAST('2025-06-30 12:00:00' AS TIMESTAMP), 'Asia/Kolkata') AS local_now FROM t"
