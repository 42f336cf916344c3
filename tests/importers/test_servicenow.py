"""`rb import servicenow` on the real UCI event log, checked against the raw CSV."""
from __future__ import annotations

import csv
import gzip
from collections import Counter

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

from .conftest import assert_contract, builtin_or, dataset, import_into, rb_json, write_spec

RAW = "servicenow-incident-log/incident_event_log.csv.gz"
NOW = "2017-03-01T00:00:00"
WHOLE = ("--from", "2016-01-01", "--to", "2017-03-01")
PRIORITY = {"1 - Critical": "urgent", "2 - High": "high", "3 - Moderate": "medium", "4 - Low": "low"}


@pytest.fixture(scope="module")
def raw_last():
    """The last row (by sys_mod_count) of every incident, read with plain csv."""
    last = {}
    with gzip.open(dataset(RAW), "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key, mod = row["number"], int(row["sys_mod_count"])
            if key not in last or mod >= int(last[key]["sys_mod_count"]):
                last[key] = row
    return last


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("servicenow")
    output = import_into("servicenow", dataset(RAW), out)
    assert "Dropped:" in output and "-100" in output  # the sentinel state is reported, not silent
    return out


def test_tables_follow_the_contract(imported):
    assert_contract(imported, ("teams", "owners", "contacts", "tickets", "ticket_status_changes"))


def test_one_ticket_per_incident(imported, raw_last):
    count = duckdb.sql(f"SELECT count(*), count(DISTINCT id) FROM '{imported}/tickets.parquet'").fetchall()[0]
    assert count == (len(raw_last), len(raw_last)) == (24918, 24918)


def test_reopened_incidents_match_the_reopen_count_column(imported, raw_last, tmp_path):
    expected = sum(1 for row in raw_last.values() if int(row["reopen_count"]) > 0)
    spec = write_spec(tmp_path, "reopened", "source: tickets\nmeasures:\n  - count() as tickets\n"
                      "  - count_if(reopen_count > 0) as reopened\n  - sum(reopen_count) as reopens\n")
    [row] = rb_json(spec, imported, NOW)
    assert row["reopened"] == expected == 275
    assert row["reopens"] == sum(int(r["reopen_count"]) for r in raw_last.values())


def test_share_closed_and_priorities(imported, raw_last, tmp_path):
    closed = sum(1 for row in raw_last.values() if row["incident_state"] in ("Resolved", "Closed"))
    priorities = Counter(PRIORITY[row["priority"]] for row in raw_last.values())
    spec = write_spec(tmp_path, "by_priority", "source: tickets\ndimensions: [priority]\nmeasures:\n"
                      "  - count() as tickets\n  - count_if(is_closed) as closed\n")
    rows = rb_json(spec, imported, NOW)
    assert {r["priority"]: r["tickets"] for r in rows} == dict(priorities)
    assert sum(r["closed"] for r in rows) == closed


def test_close_sla_agrees_with_made_sla(imported, raw_last, tmp_path):
    met = sum(1 for row in raw_last.values() if row["made_sla"] == "true")
    spec = write_spec(tmp_path, "sla", "source: tickets\nmeasures:\n"
                      "  - count_if(close_sla_status = 'on_time') as on_time\n  - close_sla_rate\n")
    [row] = rb_json(spec, imported, NOW)
    assert row["on_time"] == met
    assert row["close_sla_rate"] == pytest.approx(100 * met / len(raw_last))


def test_builtin_reports_run(imported, raw_last, tmp_path):
    spec = builtin_or("tickets_by_channel", "source: tickets\ndimensions: [channel]\n"
                      "measures:\n  - count() as tickets\n", tmp_path)
    rows = rb_json(spec, imported, NOW, *WHOLE)
    assert sum(r["tickets"] for r in rows) == len(raw_last)
    assert {r["channel"] for r in rows} >= {"phone", "email", "form"}
    spec = builtin_or("ticket_time_in_status", "source: ticket_status_periods\ndimensions: [status]\n"
                      "measures:\n  - sum(seconds) as seconds\n", tmp_path)
    rows = rb_json(spec, imported, NOW, *WHOLE)
    assert rows and all(v is None or not isinstance(v, (int, float)) or v >= 0 for r in rows for v in r.values())


def test_wrong_format_names_the_missing_columns(tmp_path):
    result = CliRunner().invoke(main, ["import", "servicenow", str(dataset("twcs-head5000/twcs_head5000.csv")),
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "not a ServiceNow" in result.output and "incident_state" in result.output


def test_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["import", "servicenow", str(tmp_path / "nope.csv"), "-o", str(tmp_path)])
    assert result.exit_code == 1 and "no such file" in result.output


def test_unknown_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["import", "zendesk", "x.csv", "-o", str(tmp_path)])
    assert result.exit_code == 2
