"""What `rb import` says after the tables: which built-ins the data feeds (from the tables each
built-in reads), the empty tables, the data's time span and the command that reports on it."""
from __future__ import annotations

import json
import shlex

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.importers.base import ImportSummary, summary_lines
from reportbuilder.importers.feeds import builtin_tables, reports_fed

from .conftest import assert_contract, dataset, import_into

SERVICENOW = "servicenow-incident-log/incident_event_log.csv.gz"


@pytest.fixture(scope="module")
def servicenow(tmp_path_factory):
    out = tmp_path_factory.mktemp("servicenow")
    return out, import_into("servicenow", dataset(SERVICENOW), out)


def test_the_tables_a_builtin_reads_come_from_its_query():
    needed = builtin_tables()
    assert needed["tickets_by_channel"] == ("tickets",)
    assert needed["call_performance"] == ("calls",)
    assert needed["calls_by_owner"] == ("calls", "owners")
    assert set(needed["first_contact_resolution"]) >= {"tickets", "conversations", "messages"}
    fed, unfed = reports_fed({"calls", "owners", "teams", "contacts", "companies"})
    assert fed == ["call_performance", "calls_by_owner"]
    assert unfed["tickets_by_channel"] == ("tickets",) and len(fed) + len(unfed) == len(needed)


def test_the_summary_names_the_reports_fed_and_those_not(servicenow):
    out, output = servicenow
    fed_line = next(line for line in output.splitlines() if line.startswith("Built-in reports this data can feed"))
    fed, _ = reports_fed({"tickets", "ticket_status_changes", "contacts", "owners", "teams", "companies"})
    assert fed_line.endswith(": " + ", ".join(fed)) and "tickets_by_channel" in fed
    assert "conversations_over_time" not in fed_line
    assert "Not fed (" in output and "need calls, conversations, feedback_submissions, messages, shifts" in output


def test_a_format_without_companies_writes_an_empty_companies_table(servicenow):
    out, output = servicenow
    assert "Written empty (this format has none of that data): companies" in output
    assert_contract(out, ("companies",))
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{out / 'companies.parquet'}'").fetchone()[0] == 0
    # so tickets_per_company runs (and, leaving out tickets without company, lists none)
    assert _run(out, "tickets_per_company", "--now", "2017-02-18T00:00:00", "--range", "all_time") == []


def test_the_summary_gives_the_span_and_a_command_that_reports_on_it(servicenow):
    out, output = servicenow
    assert "Data spans 2016-02-29 01:16 to 2017-02-17 00:47 (UTC)." in output
    command = next(line.strip() for line in output.splitlines() if line.strip().startswith("rb run "))
    assert command == f"rb run tickets_by_channel --data {out} --now 2017-02-18T00:00:00 --range all_time"
    rows = _run(out, *shlex.split(command)[2:3], *shlex.split(command)[3:])
    assert sum(r["tickets"] for r in rows) == 24918  # every incident, where the default range shows none
    assert _run(out, "tickets_by_channel", "--now", "2026-12-03T00:00:00") == []


def test_summary_without_dated_rows():
    summary = ImportSummary("x", "in", "out", (("teams", 0),), (), (), (), 0.0)
    assert summary_lines(summary)[-1] == "The data holds no dated rows."


def test_source_timezone_does_not_apply_to_times_with_offsets(tmp_path):
    result = CliRunner().invoke(main, ["import", "twitter", str(dataset("twcs-head5000/twcs_head5000.csv")),
                                       "-o", str(tmp_path), "--source-timezone", "UTC"])
    assert result.exit_code == 2 and "does not apply to twitter" in result.output


def test_import_help_lists_the_source_timezone_defaults():
    result = CliRunner().invoke(main, ["import", "--help"])
    assert "--source-timezone" in result.output and "Asia/Jerusalem" in result.output


def _run(data, spec, *extra):
    result = CliRunner().invoke(main, ["run", spec, "--data", str(data), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)
