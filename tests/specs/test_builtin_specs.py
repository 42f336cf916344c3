"""The built-in report library (specs/*.yaml) and dashboards (specs/dashboards/*.yaml).

- every built-in report name of the contract has a spec file, and the files are exactly
  those names;
- every spec has a title, a description, a default date range and a chart, and validates
  (`rb validate specs/*.yaml` exits 0);
- every spec runs on the demo data (anchor Monday 2026-06-15, now at its noon) and gives
  meaningful numbers: rows, at least one non-null non-zero measure, and values in their
  range (percentages within 0-100, NPS/CES within -100..100, durations and counts >= 0);
- every spec, those with a short default range (today, last_7_days, ...) above all, also
  runs on the anchors of other weekdays, weekend included;
- every dashboard has the agreed keys and names existing reports only.

Runs go through click's CliRunner (one process) with `--data`, `--now` and JSON output.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.demo.generate_demo import generate_demo

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
DASHBOARDS = SPECS / "dashboards"
ANCHOR = date(2026, 6, 15)  # a Monday

# The contract's "Built-in reports" list (shared/contract/spec-language.md), as spelled there.
CONTRACT_REPORTS = [
    "tickets_created_over_time", "tickets_closed_over_time",
    "first_response_time_over_time", "time_to_close_over_time",
    "first_response_sla_over_time", "next_response_sla_over_time",
    "time_to_close_sla_over_time", "ticket_time_in_status",
    "customer_effort_score", "customer_satisfaction", "net_promoter_score",
    "first_contact_resolution", "average_handle_time", "agent_utilization",
    "tickets_per_customer", "tickets_per_company", "tickets_by_category_over_time",
    "tickets_by_channel", "messages_sent_by_hour", "messages_received_by_hour",
    "rep_reply_time_over_time", "customer_wait_time_by_company",
    "slowest_responding_reps", "sla_progress", "team_summary",
    "call_performance", "calls_by_owner", "activity_heatmap",
    "conversations_over_time",
]
CONTRACT_DASHBOARDS = ["helpdesk_analyze", "helpdesk_summary", "support_kpis", "communications"]
DASHBOARD_KEYS = {"title", "description", "reports", "date_range", "filters"}
DASHBOARD_FILTERS = {"owner", "team", "channel_account", "pipeline", "company"}

# Default ranges short enough that a weekend or a Monday can leave them nearly empty.
SHORT_PRESETS = {"today", "yesterday", "this_week", "last_week", "last_7_days"}
WEEKDAY_ANCHORS = [date(2026, 6, 13), date(2026, 6, 14), date(2026, 6, 15), date(2026, 6, 17)]

# Measures with a bounded scale (by output column name).
PERCENT_0_100 = ("_rate", "csat", "utilization")
PERCENT_SIGNED = ("nps", "ces")

CHART_TYPES = {"line", "area", "bar", "stacked_bar", "grouped_bar", "horizontal_bar", "pie", "donut",
               "kpi", "table", "heatmap", "combo", "scatter"}


def spec_doc(name: str) -> dict:
    return yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))


def dimension_names(doc: dict) -> list[str]:
    names = []
    for d in doc.get("dimensions") or []:
        if isinstance(d, dict):
            names.append(d.get("as") or d["field"])
        elif " as " in d:
            names.append(d.rsplit(" as ", 1)[1].strip())
        else:
            names.append(d)
    return names


@pytest.fixture(scope="module", autouse=True)
def outside_any_workspace(tmp_path_factory):
    """Run from an empty folder, so that no stray ./rb.yaml workspace is picked up."""
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(before)


@pytest.fixture(scope="module")
def demo_dirs(tmp_path_factory) -> dict:
    """Demo datasets by anchor, generated once per module (about half a second each)."""
    dirs = {}
    for anchor in sorted({ANCHOR, *WEEKDAY_ANCHORS}):
        folder = tmp_path_factory.mktemp(f"demo-{anchor.isoformat()}")
        generate_demo(folder, anchor=anchor)
        dirs[anchor] = folder
    return dirs


def run_builtin(name: str, data: Path, anchor: date, *extra: str) -> list[dict]:
    runner = CliRunner()
    args = ["run", str(SPECS / f"{name}.yaml"), "--data", str(data),
            "--now", f"{anchor.isoformat()}T12:00:00", "--format", "json", *extra]
    result = runner.invoke(main, args, env={"RB_NOW": None, "RB_DATA": None, "RB_WORKSPACE": None},
                           catch_exceptions=False)
    assert result.exit_code == 0, f"{name} @ {anchor}: exit {result.exit_code}\n{result.output}"
    return json.loads(result.output)


def check_meaningful(name: str, rows: list[dict], where: str):
    doc = spec_doc(name)
    dims = set(dimension_names(doc))
    assert rows, f"{name} {where}: no rows"
    measures = [c for c in rows[0] if c not in dims]
    assert measures, name
    assert any(isinstance(r[m], (int, float)) and not isinstance(r[m], bool) and r[m] != 0
               for r in rows for m in measures), f"{name} {where}: every measure is null or 0"
    for row in rows:
        for column in measures:
            value = row[column]
            if value is None:
                continue
            assert isinstance(value, (int, float)) and not isinstance(value, bool), (name, column, value)
            assert math.isfinite(value), (name, column, value)
            if column in PERCENT_SIGNED:
                assert -100 <= value <= 100, (name, where, column, value)
            elif column.endswith(PERCENT_0_100) or column in PERCENT_0_100:
                assert 0 <= value <= 100, (name, where, column, value)
            else:
                assert value >= 0, (name, where, column, value)


# ---------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------

# Business-hours siblings of the response-time reports (docs/business-hours.md).
EXTRA_REPORTS = ["business_first_response_time_over_time", "business_time_to_close_over_time",
                 "business_reply_time_over_time"]


def test_every_contract_report_has_a_spec_and_nothing_else():
    assert len(CONTRACT_REPORTS) == 29 and len(set(CONTRACT_REPORTS)) == 29
    files = sorted(p.stem for p in SPECS.glob("*.yaml"))
    assert sorted(CONTRACT_REPORTS + EXTRA_REPORTS) == files


@pytest.mark.parametrize("name", CONTRACT_REPORTS)
def test_spec_documents_itself(name):
    doc = spec_doc(name)
    assert doc.get("name", name) == name
    assert doc.get("title") and len(doc["title"]) <= 60, name
    assert doc.get("description") and len(doc["description"]) >= 60, name
    assert doc.get("source"), name
    assert doc.get("date_range", {}).get("preset"), f"{name}: a default date_range preset"
    chart = doc.get("chart") or {}
    assert chart.get("type") in CHART_TYPES, name
    if chart["type"] != "table":
        assert chart.get("x") and chart.get("y"), name


def test_rb_validate_accepts_every_spec():
    files = sorted(str(p) for p in SPECS.glob("*.yaml"))
    proc = subprocess.run([sys.executable, "-m", "reportbuilder", "validate", *files],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------
# Running on the demo data
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", CONTRACT_REPORTS)
def test_spec_runs_on_the_demo_with_meaningful_numbers(demo_dirs, name):
    rows = run_builtin(name, demo_dirs[ANCHOR], ANCHOR)
    check_meaningful(name, rows, f"@ {ANCHOR}")
    doc = spec_doc(name)
    if doc.get("limit"):
        assert len(rows) <= doc["limit"]


SHORT = [n for n in CONTRACT_REPORTS if spec_doc(n)["date_range"]["preset"] in SHORT_PRESETS]


def test_some_specs_have_short_ranges():
    assert "team_summary" in SHORT


@pytest.mark.parametrize("anchor", WEEKDAY_ANCHORS, ids=lambda d: d.strftime("%a"))
@pytest.mark.parametrize("name", CONTRACT_REPORTS)
def test_specs_on_every_kind_of_day(demo_dirs, name, anchor):
    """Every spec (those with a short default range above all) on a Saturday, a Sunday, a
    Monday and a Wednesday: a weekend leaves `today` with few tickets and no shift."""
    rows = run_builtin(name, demo_dirs[anchor], anchor)
    check_meaningful(name, rows, f"@ {anchor:%a %Y-%m-%d}")


def test_team_summary_today_matches_the_tickets(demo_dirs):
    """team_summary's totals agree with plain counts over the tickets table."""
    import duckdb

    rows = run_builtin("team_summary", demo_dirs[ANCHOR], ANCHOR)
    tickets = demo_dirs[ANCHOR] / "tickets.parquet"
    con = duckdb.connect()
    created, closed, still_open = con.execute(
        f"SELECT count(*) FILTER (WHERE created_at >= DATE '{ANCHOR}' AND created_at < DATE '{ANCHOR}' + 1),"
        f"       count(*) FILTER (WHERE status = 'closed' AND closed_at >= DATE '{ANCHOR}'"
        f"                        AND closed_at < DATE '{ANCHOR}' + 1),"
        f"       count(*) FILTER (WHERE status <> 'closed')"
        f" FROM '{tickets}'").fetchone()
    assert sum(r["created"] for r in rows) == created
    assert sum(r["closed"] for r in rows) == closed
    assert sum(r["open_now"] for r in rows) == still_open > 0


def test_agent_utilization_matches_the_tables(demo_dirs):
    """One owner's utilization recomputed from tickets and shifts over the last 30 days."""
    import duckdb

    rows = {r["owner"]: r for r in run_builtin("agent_utilization", demo_dirs[ANCHOR], ANCHOR)}
    folder = demo_dirs[ANCHOR]
    con = duckdb.connect()
    start, end = "DATE '2026-05-16'", "DATE '2026-06-15'"
    for owner_id, name in con.execute(f"SELECT id, name FROM '{folder / 'owners.parquet'}'").fetchall():
        handled = con.execute(
            f"SELECT sum(handle_time_seconds) FROM '{folder / 'tickets.parquet'}' WHERE owner_id = ?"
            f" AND status = 'closed' AND closed_at >= {start} AND closed_at < {end}", [owner_id]).fetchone()[0]
        shift = con.execute(
            f"SELECT sum(epoch(ended_at) - epoch(started_at)) FROM '{folder / 'shifts.parquet'}'"
            f" WHERE owner_id = ? AND started_at >= {start} AND started_at < {end}", [owner_id]).fetchone()[0]
        if handled is None and shift is None:
            assert name not in rows
            continue
        got = rows[name]["utilization"]
        if not shift:
            assert got is None, name
        else:
            assert got == pytest.approx(100.0 * (handled or 0) / shift), name


# ---------------------------------------------------------------------------------------
# Dashboards
# ---------------------------------------------------------------------------------------

def test_every_contract_dashboard_exists():
    assert sorted(p.stem for p in DASHBOARDS.glob("*.yaml")) == sorted(CONTRACT_DASHBOARDS)


@pytest.mark.parametrize("name", CONTRACT_DASHBOARDS)
def test_dashboard_names_existing_reports(name):
    doc = yaml.safe_load((DASHBOARDS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert set(doc) <= DASHBOARD_KEYS, set(doc) - DASHBOARD_KEYS
    assert doc.get("title") and doc.get("description")
    reports = doc["reports"]
    assert reports and len(reports) == len(set(reports))
    for report in reports:
        assert report in CONTRACT_REPORTS or (ROOT / report).is_file(), report
    assert set(doc.get("filters") or {}) <= DASHBOARD_FILTERS
    if doc.get("date_range"):
        assert set(doc["date_range"]) <= {"preset", "from", "to"}


def test_dashboard_date_ranges_run(demo_dirs):
    """Every report of a dashboard runs under the dashboard's date range (--range)."""
    for path in sorted(DASHBOARDS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        preset = (doc.get("date_range") or {}).get("preset")
        if not preset:
            continue
        for report in doc["reports"]:
            rows = run_builtin(report, demo_dirs[ANCHOR], ANCHOR, "--range", preset)
            assert rows, (path.stem, report)


def test_helpdesk_analyze_has_the_nine_report_types():
    doc = yaml.safe_load((DASHBOARDS / "helpdesk_analyze.yaml").read_text(encoding="utf-8"))
    assert doc["reports"] == CONTRACT_REPORTS[:9]


def test_helpdesk_summary_has_its_four_reports():
    doc = yaml.safe_load((DASHBOARDS / "helpdesk_summary.yaml").read_text(encoding="utf-8"))
    assert doc["reports"] == ["team_summary", "tickets_by_channel", "sla_progress", "call_performance"]
