"""Every panel of every built-in dashboard, under each dashboard filter, equals the report run
alone with `--filter` along the path the reference names for it (reference.DASHBOARD_PATHS,
the table of docs/reports.md), on the acceptance data; a filter the reference names no path
for must be an error on that panel, never an unfiltered number. And the numbers of issue 14.
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import pytest
import yaml
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard import load_dashboard, run_dashboard
from reportbuilder.dashboard.dashboard_filters import filter_expression
from reportbuilder.render.values import json_rows
from reportbuilder.workspace import builtin_names, builtin_path, open_workspace

from .reference import DASHBOARD_PATHS

NOW = "2025-06-30T12:00:00"
# A value of each filter that the acceptance data holds.
VALUES = {"owner": "Bob Chen", "team": "Tier 1", "channel_account": "support@example.com", "pipeline": "support",
          "company": "Globex"}
# Reports whose path differs from their source's: replies follow the agent who sent them.
SENDER = {"owner": "owner.name", "team": "owner.team.name"}
OVERRIDES = {"rep_reply_time_over_time": SENDER, "slowest_responding_reps": SENDER,
             "customer_wait_time_by_company": SENDER}


def expected_path(report: str, key: str) -> str | None:
    source = yaml.safe_load(builtin_path(report).read_text(encoding="utf-8"))["source"]
    return {**DASHBOARD_PATHS.get(source, {}), **OVERRIDES.get(report, {})}.get(key)


@pytest.fixture(scope="module")
def acc(shared_dir):
    return shared_dir / "acceptance" / "data"


def dashboard_run(acc, name: str, filters: tuple, preset: str | None = None):
    board = replace(load_dashboard(name), filters=filters)
    if preset:
        board = replace(board, preset=preset, start=None, end=None)
    return run_dashboard(board, open_workspace(), acc, datetime.fromisoformat(NOW))


def single(acc, report: str, *extra) -> list[dict]:
    result = CliRunner().invoke(main, ["run", report, "--data", str(acc), "--format", "json", "--now", NOW, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_acceptance_data_holds_every_value(acc):
    text = {name: (acc / f"{name}.csv").read_text(encoding="utf-8") for name in ("owners", "teams", "tickets",
                                                                                 "companies")}
    assert all(value in "".join(text.values()) for value in VALUES.values())


@pytest.mark.parametrize("key", sorted(VALUES))
@pytest.mark.parametrize("name", builtin_names("dashboards"))
def test_every_builtin_panel_equals_the_report_with_the_same_filter(acc, name, key):
    run = dashboard_run(acc, name, ((key, VALUES[key]),))
    preset = run.dashboard.preset
    for panel in run.panels:
        path = expected_path(panel.ref, key)
        if path is None:
            assert panel.result is None and f"dashboard filter {key} does not apply" in panel.error, panel.ref
            continue
        assert panel.error is None, (panel.ref, panel.error)
        extra = ("--filter", filter_expression(path, VALUES[key])) + (("--range", preset) if preset else ())
        assert json_rows(panel.result) == single(acc, panel.ref, *extra), (panel.ref, key)


def test_messages_received_by_team_follow_the_conversation_owner(acc):
    # issue 14: 0 in every hour through the sender; the conversation owner's team gives 23
    run = dashboard_run(acc, "communications", (("team", "Tier 1"),), preset="last_quarter")
    panel = next(p for p in run.panels if p.ref == "messages_received_by_hour")
    assert sum(r["messages_received"] for r in json_rows(panel.result)) == 23


def test_pipeline_applies_to_message_volumes(acc):
    # issue 14: 117 unfiltered (the filter was dropped), 74 in the support pipeline
    run = dashboard_run(acc, "communications", (("pipeline", "support"),), preset="last_quarter")
    panel = next(p for p in run.panels if p.ref == "messages_received_by_hour")
    assert sum(r["messages_received"] for r in json_rows(panel.result)) == 74


def test_company_applies_to_call_performance(acc):
    # issue 14: 84 incoming / 44 outgoing unfiltered, 2 / 2 for Globex
    run = dashboard_run(acc, "communications", (("company", "Globex"),), preset="last_quarter")
    panel = next(p for p in run.panels if p.ref == "call_performance")
    assert [(r["direction"], r["calls"]) for r in json_rows(panel.result)] == [("incoming", 2), ("outgoing", 2)]
