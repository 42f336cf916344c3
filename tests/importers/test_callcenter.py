"""`rb import callcenter` on the Technion 'Anonymous Bank' February 1999 log, checked against the raw file."""
from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

from .conftest import assert_contract, builtin_or, dataset, import_into, rb_json, write_spec

RAW = "technion-callcenter-feb1999/data_anonymous_bank_february.txt"
NOW = "1999-03-01T00:00:00"


@pytest.fixture(scope="module")
def raw_rows():
    with dataset(RAW).open(encoding="ascii", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("callcenter")
    output = import_into("callcenter", dataset(RAW), out)
    assert "vru_time" in output and "ser_exit" in output  # the dropped columns are named
    assert "q_time" not in output  # kept, as calls.queue_seconds
    return out


def test_tables_follow_the_contract(imported):
    assert_contract(imported, ("teams", "owners", "contacts", "calls"))


def test_calls_and_outcomes(imported, raw_rows, tmp_path):
    outcomes = Counter(row["outcome"] for row in raw_rows)
    spec = write_spec(tmp_path, "by_status", "source: calls\ndimensions: [status]\nmeasures:\n  - count() as calls\n")
    got = {r["status"]: r["calls"] for r in rb_json(spec, imported, NOW)}
    assert got == {"completed": outcomes["AGENT"], "cancelled": outcomes["HANG"], "missed": outcomes["PHANTOM"]}
    assert sum(got.values()) == len(raw_rows) == 33344


def test_abandonment_rate_per_hour(imported, raw_rows, tmp_path):
    total, hung = Counter(), Counter()
    for row in raw_rows:
        hour = int(row["vru_entry"].split(":")[0])
        total[hour] += 1
        hung[hour] += row["outcome"] == "HANG"
    spec = write_spec(tmp_path, "abandon", "source: calls\ndimensions:\n  - field: started_at\n"
                      "    granularity: hour_of_day\n    as: hour\nmeasures:\n  - count() as calls\n"
                      "  - 100.0 * count_if(status = 'cancelled') / count() as abandon_rate\n")
    # the log is Israeli local time (UTC+2 in February 1999): hours of day in that zone are the file's
    rows = {r["hour"]: r for r in rb_json(spec, imported, NOW, "--timezone", "Asia/Jerusalem") if r["calls"]}
    assert set(rows) == set(total)
    for hour, row in rows.items():
        assert row["calls"] == total[hour]
        assert row["abandon_rate"] == pytest.approx(100.0 * hung[hour] / total[hour])


def test_average_service_time_of_answered_calls(imported, raw_rows, tmp_path):
    answered = [int(row["ser_time"]) for row in raw_rows if row["outcome"] == "AGENT"]
    spec = write_spec(tmp_path, "aht", "source: calls\nfilters: [\"status = 'completed'\"]\nmeasures:\n"
                      "  - avg(duration_seconds) as avg_talk\n")
    [row] = rb_json(spec, imported, NOW)
    assert row["avg_talk"] == pytest.approx(sum(answered) / len(answered))
    assert 170 < row["avg_talk"] < 185  # SOURCE.md: about 176 s


def test_builtin_call_reports_run(imported, raw_rows, tmp_path):
    named = Counter(r["server"] for r in raw_rows if r["server"] != "NO_SERVER")
    spec = builtin_or("calls_by_owner", "source: calls\ndimensions: [owner.name]\nmeasures:\n"
                      "  - count() as calls\n", tmp_path)
    rows = rb_json(spec, imported, NOW, "--from", "1999-02-01", "--to", "1999-03-01")
    assert rows
    numbers = [v for r in rows for v in r.values() if isinstance(v, (int, float))]
    assert numbers and all(v >= 0 for v in numbers)
    assert len(named) == 24


def test_wrong_format_and_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["import", "callcenter",
                                       str(dataset("servicenow-incident-log/incident_event_log.csv.gz")),
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "vru+line" in result.output
    result = CliRunner().invoke(main, ["import", "callcenter", str(tmp_path / "none.txt"), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no such file" in result.output


def _first_call_of_line(raw_rows, line: str):
    """The first call of a line, as the file's local time (datetime), from the raw rows."""
    return min(datetime.strptime(f"{r['date']} {r['vru_entry']}", "%y%m%d %H:%M:%S")
               for r in raw_rows if r["vru+line"] == line and r["vru_entry"] != "0:00:00")


FIRST_OF_LINE = ("source: calls\nfilters: [\"phone_number = 'AA0101'\"]\n"
                 "dimensions: [started_at]\nmeasures: [count() as n]\nsort: [started_at]\nlimit: 1\n")


def test_times_are_israeli_local_time_stored_in_utc(imported, raw_rows, tmp_path):
    # Israel is on IST (UTC+2) all February 1999: every stored time is the file's minus two hours
    spec = write_spec(tmp_path, "first", FIRST_OF_LINE)
    [row] = rb_json(spec, imported, NOW, "--range", "all_time")
    expected = _first_call_of_line(raw_rows, "AA0101") - timedelta(hours=2)
    assert row["started_at"] == expected.isoformat() + "+00:00"


def test_source_timezone_option(tmp_path, raw_rows):
    out = tmp_path / "utc"
    output = CliRunner().invoke(main, ["import", "callcenter", str(dataset(RAW)), "-o", str(out),
                                       "--source-timezone", "UTC"]).output
    assert "(UTC)" in output
    spec = write_spec(tmp_path, "first", FIRST_OF_LINE)
    [row] = rb_json(spec, out, NOW, "--range", "all_time")
    assert row["started_at"] == _first_call_of_line(raw_rows, "AA0101").isoformat() + "+00:00"  # as UTC: unchanged
    bad = CliRunner().invoke(main, ["import", "callcenter", str(dataset(RAW)), "-o", str(out),
                                    "--source-timezone", "Mars/Olympus"])
    assert bad.exit_code == 2 and "unknown time zone 'Mars/Olympus'" in bad.output


def test_average_speed_of_answer_from_the_queue_time(imported, raw_rows, tmp_path):
    waits = [int(row["q_time"]) for row in raw_rows if row["outcome"] == "AGENT"]
    spec = write_spec(tmp_path, "asa", "source: calls\nmeasures: [average_speed_of_answer]\n")
    [row] = rb_json(spec, imported, NOW, "--range", "all_time")
    assert row["average_speed_of_answer"] == pytest.approx(sum(waits) / len(waits))
    hung = [int(row["q_time"]) for row in raw_rows if row["outcome"] == "HANG"]
    spec = write_spec(tmp_path, "abandon_wait", "source: calls\nfilters: [\"status = 'cancelled'\"]\n"
                      "measures: [max(queue_seconds) as longest]\n")
    assert rb_json(spec, imported, NOW, "--range", "all_time")[0]["longest"] == max(hung)
