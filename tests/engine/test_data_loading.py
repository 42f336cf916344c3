"""Data loading: every file kind of the contract, both timestamp spellings, read-only."""
import hashlib
import json

import duckdb
import pytest

from .fixture_data import invoke, run_report, write_tables

SPEC = """
source: tickets
dimensions: [priority]
measures:
  - count() as tickets
  - min(created_at) as first
  - sum(handle_time_seconds) as handle
"""
# Both ISO spellings and an explicit offset: 09:15 UTC, 10:00 UTC, 08:00+02:00 = 06:00 UTC.
TICKETS = [
    {"id": 1, "priority": "high", "created_at": "2025-03-04 09:15:00", "handle_time_seconds": 60},
    {"id": 2, "priority": "high", "created_at": "2025-03-04T10:00:00Z", "handle_time_seconds": 30},
    {"id": 3, "priority": "galactic", "created_at": "2025-03-04T08:00:00+02:00"},
]
EXPECTED = [
    {"priority": "galactic", "tickets": 1, "first": "2025-03-04T06:00:00+00:00", "handle": None},
    {"priority": "high", "tickets": 2, "first": "2025-03-04T09:15:00+00:00", "handle": 90},
]


@pytest.fixture
def csv_dir(tmp_path):
    return write_tables(tmp_path / "csv", tickets=TICKETS)


def _convert(csv_dir, target, fmt):
    target.mkdir()
    con = duckdb.connect()
    src = con.sql(f"SELECT * FROM read_csv('{csv_dir}/tickets.csv', all_varchar=true)")
    if fmt == "parquet":
        src.write_parquet(str(target / "tickets.parquet"))
    else:
        rows = [dict(zip(src.columns, r)) for r in src.fetchall()]
        if fmt == "json":
            (target / "tickets.json").write_text(json.dumps(rows))
        else:
            (target / "tickets.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return target


def test_csv_with_both_timestamp_spellings_and_unknown_enum_values(csv_dir):
    assert run_report(SPEC, csv_dir) == EXPECTED


@pytest.mark.parametrize("fmt", ["parquet", "json", "jsonl"])
def test_parquet_and_json_files(csv_dir, tmp_path, fmt):
    assert run_report(SPEC, _convert(csv_dir, tmp_path / fmt, fmt)) == EXPECTED


def test_duckdb_database_file(csv_dir, tmp_path):
    db = tmp_path / "helpdesk.duckdb"
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE tickets AS SELECT * FROM read_csv('{csv_dir}/tickets.csv', all_varchar=true)")
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert run_report(SPEC, db) == EXPECTED
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_data_files_are_never_modified(csv_dir):
    before = {p.name: p.read_bytes() for p in csv_dir.iterdir()}
    run_report(SPEC, csv_dir)
    assert {p.name: p.read_bytes() for p in csv_dir.iterdir()} == before


def test_tables_a_report_does_not_use_need_not_exist(csv_dir):
    assert not (csv_dir / "owners.csv").exists()
    assert run_report(SPEC, csv_dir)


def test_a_missing_table_is_named(csv_dir):
    result = invoke("source: tickets\ndimensions: [owner.name]\nmeasures: [count() as n]\n", csv_dir)
    assert result.exit_code == 1
    assert "needs owners, which this data does not have" in result.stderr


def test_a_missing_column_is_named(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "tickets.csv").write_text("id,priority\n1,high\n")
    result = invoke("source: tickets\nmeasures: [sum(handle_time_seconds) as h]\n", data)
    assert result.exit_code == 1
    assert "handle_time_seconds" in result.stderr


def test_an_absent_extension_column_reads_as_null(tmp_path):
    """calls.queue_seconds is optional (not in the contract): data without it has no queue time,
    so the average speed of answer is null, not an error; with it, the mean of answered calls."""
    data = tmp_path / "d"
    data.mkdir()
    (data / "calls.csv").write_text("id,status,started_at\n1,completed,2025-06-01T10:00:00\n")
    spec = "source: calls\nmeasures: [average_speed_of_answer, count() as n]\n"
    assert run_report(spec, data) == [{"average_speed_of_answer": None, "n": 1}]
    (data / "calls.csv").write_text("id,status,started_at,queue_seconds\n1,completed,2025-06-01T10:00:00,30\n"
                                    "2,completed,2025-06-01T11:00:00,60\n3,cancelled,2025-06-01T12:00:00,500\n")
    assert run_report(spec, data) == [{"average_speed_of_answer": 45.0, "n": 3}]


def test_a_bad_timestamp_is_a_data_error(tmp_path):
    data = write_tables(tmp_path / "bad", tickets=[{"id": 1, "created_at": "yesterday-ish"}])
    result = invoke(SPEC, data)
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("stored", ["TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMPTZ"])
def test_typed_parquet_timestamps_are_utc_instants(csv_dir, tmp_path, stored):
    # files that store real timestamps (any precision, naive or with zone) read as the same UTC
    # instants; naive ones are used as they are, without a per-row conversion
    target = tmp_path / stored
    target.mkdir()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.sql(f"""
        SELECT * REPLACE (CAST(CAST(created_at AS TIMESTAMPTZ) AS {stored}) AS created_at,
                          CAST(id AS INTEGER) AS id, CAST(handle_time_seconds AS DOUBLE) AS handle_time_seconds)
        FROM read_csv('{csv_dir}/tickets.csv', all_varchar=true)""").write_parquet(str(target / "tickets.parquet"))
    assert run_report(SPEC, target) == EXPECTED


@pytest.mark.parametrize("kind", ["folder", "database"])
def test_no_progress_bar_is_drawn_and_the_opening_can_be_replayed(csv_dir, tmp_path, kind):
    """DuckDB draws a progress bar on stdout for a query of over ~2 s: it would end up inside `rb run
    --format json`'s answer. The kept statements open the same views again (data_connection.reopen)."""
    from reportbuilder.catalog.load_catalog import load_catalog
    from reportbuilder.run.data_connection import reopen
    from reportbuilder.run.load_data import open_data

    path = csv_dir
    if kind == "database":
        path = tmp_path / "d.duckdb"
        con = duckdb.connect(str(path))
        con.execute(f"CREATE TABLE tickets AS SELECT * FROM read_csv('{csv_dir}/tickets.csv', all_varchar=true)")
        con.close()
    data = open_data(path, ("tickets",), load_catalog())
    query = "SELECT current_setting('enable_progress_bar'), count(*), min(created_at) FROM tickets"
    first = data.execute(query).fetchall()
    data.close()
    kept = json.loads(json.dumps(data.setup))
    again = reopen(kept, str(path.resolve()))
    assert first == again.execute(query).fetchall() and first[0][:2] == (False, 3)
    again.close()


def test_a_tampered_setup_is_refused(csv_dir, tmp_path):
    """The kept statements come from a file in the user's cache folder: only what open_data runs is run."""
    from reportbuilder.catalog.load_catalog import load_catalog
    from reportbuilder.run.data_connection import reopen
    from reportbuilder.run.load_data import open_data

    data = open_data(csv_dir, ("tickets",), load_catalog())
    data.close()
    setup, target = data.setup, tmp_path / "written.csv"
    here = str(csv_dir.resolve())
    assert reopen(setup, here) is not None
    for sql in (f"COPY (SELECT 1) TO '{target}'", f"SELECT 1; COPY (SELECT 1) TO '{target}'",
                "CREATE TABLE t AS SELECT 1", "ATTACH ':memory:' AS other", "INSTALL httpfs"):
        tampered = {**setup, "steps": [{"sql": sql, "params": None}, *setup["steps"]]}
        assert reopen(tampered, here) is None, sql
    assert not target.exists()
    assert reopen({**setup, "steps": setup["steps"][:-1]}, here) is None  # the lock must come last
    assert reopen({**setup, "database": str(tmp_path / "other.duckdb"), "read_only": True}, here) is None
