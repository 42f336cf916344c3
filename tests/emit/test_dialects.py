"""emit/dialects.py: one transform table per dialect, applied by one bottom-up walk.

The other dialects have no engine here: their SQL must parse back and use the engine's own
time-zone, epoch and exact-percentile forms.
"""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlglot
from sqlglot import exp

from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import compile_text
from reportbuilder.emit.dialects import TRANSFORMS, DialectError, to_dialect, transform_bottom_up
from reportbuilder.emit.nodes import MARKERS
from tests.equal_answer_corpus import mixed_functions_spec

MIXED = mixed_functions_spec("Asia/Kolkata")


def test_the_walk_rewrites_children_before_their_parent():
    """A rewrite sees its operands already rewritten, and the root itself can be replaced."""
    seen = []

    def upper(node):
        seen.append(node.sql())
        return exp.column(node.name.upper())

    def wrap(node):
        seen.append(node.sql())
        return exp.Anonymous(this="F", expressions=[node.this.copy(), node.expression.copy()])

    tree = sqlglot.parse_one("a + (b + c)")
    out = transform_bottom_up(tree, {exp.Column: upper, exp.Add: wrap})
    assert out.sql() == "F(A, (F(B, C)))"
    assert seen == ["c", "b", "B + C", "a", "A + (F(B, C))"]


def test_a_rewrite_may_reuse_its_node_inside_the_replacement():
    """The report language's GREATEST (no `ignore_nulls`) becomes CASE ... ELSE <itself> END."""
    tree = exp.select(exp.alias_(exp.Greatest(this=exp.column("a"), expressions=[exp.column("b")]), "g"))
    table = TRANSFORMS["spark"]
    assert transform_bottom_up(tree, table).sql("spark") == \
        "SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE GREATEST(a, b) END AS g"


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


def test_duckdb_sql_changes_only_the_markers():
    """DuckDB's table maps the marker classes and nothing else: the tree means what DuckDB reads."""
    assert set(TRANSFORMS["duckdb"]) == set(MARKERS)
    query = compile_text(MIXED, options=ReportOptions(now_utc=datetime(2025, 6, 30, 12)))
    sql = query.sql("duckdb")
    assert "AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kolkata'" in sql and "UTC_TO_LOCAL" not in sql.upper()
