"""Dashboard filters follow the path each report names (issue 14, item 3), on hand-made data.

    teams   1 Tier 1, 2 Tier 2          owners  1 Ann (Tier 1), 2 Bob (Tier 2)
    companies 1 Globex, 2 Initech       contacts 1 -> Globex, 2 -> Initech
    tickets  T1 support, Ann, Globex    T2 sales, Bob, Initech
    conversations C1: T1, owner Ann, contact 1      C2: T2, owner Bob, contact 2
    messages (2025-06-20)  C1: M1 in 10:00, M2 out agent Bob 10:30, M3 in 11:00
                           C2: M4 in 10:00, M5 out agent Ann 10:10
    calls    K1 contact 1, Ann, T1, incoming completed; K2 contact 2, Bob, T2, incoming
             completed; K3 no contact, Bob, incoming missed

messages_received_by_hour counts incoming messages: a team filter follows the
conversation's assignee (Tier 1 -> C1: M1, M3 = 2), where the sender of an incoming
message is nobody (the old entity shorthand gave 0). rep_reply_time_over_time follows the
agent who replied: Tier 1 -> M5 (Ann, 10 minutes), Tier 2 -> M2 (Bob, 30 minutes).
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard import load_dashboard, run_dashboard
from reportbuilder.workspace import open_workspace

from tests.engine.fixture_data import NOW, write_tables

DAY = "2025-06-20"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("dashboard_paths"),
        teams=[(1, "Tier 1"), (2, "Tier 2")],
        owners=[(1, "Ann", "ann@x", 1, True, DAY), (2, "Bob", "bob@x", 2, True, DAY)],
        companies=[{"id": 1, "name": "Globex"}, {"id": 2, "name": "Initech"}],
        contacts=[{"id": 1, "company_id": 1}, {"id": 2, "company_id": 2}],
        tickets=[{"id": 1, "pipeline": "support", "owner_id": 1, "company_id": 1, "contact_id": 1,
                  "created_at": DAY},
                 {"id": 2, "pipeline": "sales", "owner_id": 2, "company_id": 2, "contact_id": 2, "created_at": DAY}],
        conversations=[{"id": 1, "ticket_id": 1, "owner_id": 1, "contact_id": 1, "started_at": DAY},
                       {"id": 2, "ticket_id": 2, "owner_id": 2, "contact_id": 2, "started_at": DAY}],
        messages=[
            {"id": 1, "conversation_id": 1, "direction": "incoming", "sender_type": "contact",
             "sent_at": f"{DAY} 10:00:00"},
            {"id": 2, "conversation_id": 1, "direction": "outgoing", "sender_type": "agent", "owner_id": 2,
             "sent_at": f"{DAY} 10:30:00"},
            {"id": 3, "conversation_id": 1, "direction": "incoming", "sender_type": "contact",
             "sent_at": f"{DAY} 11:00:00"},
            {"id": 4, "conversation_id": 2, "direction": "incoming", "sender_type": "contact",
             "sent_at": f"{DAY} 10:00:00"},
            {"id": 5, "conversation_id": 2, "direction": "outgoing", "sender_type": "agent", "owner_id": 1,
             "sent_at": f"{DAY} 10:10:00"},
        ],
        calls=[
            {"id": 1, "contact_id": 1, "owner_id": 1, "ticket_id": 1, "direction": "incoming", "status": "completed",
             "started_at": f"{DAY} 09:00:00", "duration_seconds": 60},
            {"id": 2, "contact_id": 2, "owner_id": 2, "ticket_id": 2, "direction": "incoming", "status": "completed",
             "started_at": f"{DAY} 09:00:00", "duration_seconds": 120},
            {"id": 3, "owner_id": 2, "direction": "incoming", "status": "missed", "started_at": f"{DAY} 09:30:00"},
        ],
        feedback_submissions=[], shifts=[], ticket_status_changes=[],
    )


def panels(data, tmp_path, reports: list[str], filters: str) -> dict:
    """{report: rows or error} of a dashboard over the fixture."""
    from datetime import datetime

    dash = tmp_path / "d.yaml"
    dash.write_text(f"title: D\nreports: {reports}\nfilters: {filters}\n", encoding="utf-8")
    run = run_dashboard(load_dashboard(str(dash)), open_workspace(), data, datetime.fromisoformat(NOW))
    return {p.ref: (p.error if p.error else [dict(zip(p.result.names, r)) for r in p.result.rows])
            for p in run.panels}


def run_builtin(name: str, data, *extra) -> list[dict]:
    result = CliRunner().invoke(main, ["run", name, "--data", str(data), "--format", "json", "--now", NOW, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def total(rows, column):
    return sum(r[column] for r in rows)


@pytest.mark.parametrize("filters, expected", [
    ("{team: Tier 1}", 2),       # C1 (Ann's): M1, M3
    ("{owner: Bob}", 1),         # C2 (Bob's): M4
    ("{pipeline: support}", 2),  # C1's ticket T1
    ("{company: Initech}", 1),   # C2's contact 2
    ("{team: [Tier 1, Tier 2]}", 3),
])
def test_message_volumes_follow_the_conversation(data, tmp_path, filters, expected):
    got = panels(data, tmp_path, ["messages_received_by_hour"], filters)["messages_received_by_hour"]
    assert total(got, "messages_received") == expected


@pytest.mark.parametrize("team, minutes", [("Tier 1", 10.0), ("Tier 2", 30.0)])
def test_reply_times_follow_the_agent_who_replied(data, tmp_path, team, minutes):
    got = panels(data, tmp_path, ["rep_reply_time_over_time"], f"{{team: {team}}}")["rep_reply_time_over_time"]
    replied = [r for r in got if r["replies"]]
    assert [(r["replies"], r["avg_reply_minutes"]) for r in replied] == [(1, minutes)]


def test_calls_filtered_by_the_contacts_company(data, tmp_path):
    # Globex -> K1 only (K3 has no contact: dropped, as by any filter on a missing link)
    got = panels(data, tmp_path, ["call_performance"], "{company: Globex}")["call_performance"]
    assert [(r["direction"], r["calls"], r["completed"]) for r in got] == [("incoming", 1, 1)]


def test_each_panel_equals_the_report_with_the_same_filter(data, tmp_path):
    got = panels(data, tmp_path, ["messages_received_by_hour", "call_performance"], "{company: Globex}")
    assert got["messages_received_by_hour"] == run_builtin(
        "messages_received_by_hour", data, "--filter", "conversation.contact.company.name = 'Globex'")
    assert got["call_performance"] == run_builtin(
        "call_performance", data, "--filter", "contact.company.name = 'Globex'")


def test_a_filter_a_report_has_no_path_for_is_an_error_for_that_panel(data, tmp_path):
    got = panels(data, tmp_path, ["agent_utilization", "call_performance"], "{pipeline: support}")
    assert got["agent_utilization"].startswith("the dashboard filter pipeline does not apply to this report")
    assert isinstance(got["call_performance"], list)  # the other panels still run, filtered


def test_a_source_without_a_path_is_an_error_not_an_unfiltered_number(data, tmp_path):
    report = tmp_path / "teams.yaml"
    report.write_text("title: Teams\nsource: teams\nmeasures: [count() as n]\n", encoding="utf-8")
    got = panels(data, tmp_path, [str(report)], "{pipeline: support}")
    assert "neither it nor its source teams names a path for it" in got[str(report)]


def test_a_spec_names_its_own_path(data, tmp_path):
    # calls by the ticket's company instead of the contact's: K1 (T1 Globex) -> 1; K3 has no ticket
    report = tmp_path / "calls.yaml"
    report.write_text("title: Calls\nsource: calls\nmeasures: [count() as n]\n"
                      "dashboard_filters: {company: ticket.company.name}\n", encoding="utf-8")
    assert panels(data, tmp_path, [str(report)], "{company: Globex}")[str(report)] == [{"n": 1}]


def test_the_cli_lists_the_failed_panels_and_exits_1(data, tmp_path):
    dash = tmp_path / "d.yaml"
    dash.write_text("title: D\nreports: [agent_utilization, call_performance]\nfilters: {company: Globex}\n")
    result = CliRunner().invoke(main, ["dashboard", str(dash), "-o", str(tmp_path / "d.html"), "--data", str(data),
                                       "--now", NOW])
    assert result.exit_code == 1, result.output
    assert "panel agent_utilization: the dashboard filter company does not apply" in result.output
    assert "call_performance" not in result.output
    assert "This report failed" in (tmp_path / "d.html").read_text(encoding="utf-8")
