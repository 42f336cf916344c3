"""`rb serve` with dashboard filters (owner=..., team=...) answers as the filter text did.

The app adds the dashboard filters to the checked report as values (running.plan_report's
`board`), checking and planning it once. The reference is the text route: `rb run` with
`--filter "<path> = '<value>'"` (dashboard_filters.filter_expression) along the path the report
names. The data's names are made nasty (quotes, `--`, unicode) so the filters match rows.
"""
from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from reportbuilder.check.options import ReportOptions
from reportbuilder.cli import main
from reportbuilder.compile import checked_plan
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.running import load_spec, viewer_of
from reportbuilder.serve import create_app
from reportbuilder.serve.app import _Server
from reportbuilder.serve.params import run_params
from tests.dashboard_text_route import filter_texts
from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE, read, write
from tests.serve.test_serve import TOKENS, _with_tokens

NOW = "2025-06-30T12:00:00"
OWNER = "Bob O'Brien -- Zoë 東京 ''x''"  # bob (MEMBER) renamed: owns tickets 3, 6 and 8
TEAM = "Tier 'Un' -- ☃"  # Tier 1 renamed
COMPANY = "\"Acme\" /* c */ 'Corp' --"  # Acme Corp renamed
ACCOUNT = "x' OR 1=1; -- chat ☃"  # Website chat renamed
RENAMED = {("owners", "name", "Bob Chen"): OWNER, ("teams", "name", "Tier 1"): TEAM,
           ("companies", "name", "Acme Corp"): COMPANY, ("tickets", "channel_account", "Website chat"): ACCOUNT}
REPORTS = ["tickets_by_channel", "tickets_created_over_time", "tickets_per_company", "rep_reply_time_over_time"]
BOARDS = [{"owner": OWNER}, {"team": TEAM, "company": COMPANY}, {"channel_account": ACCOUNT, "owner": OWNER}]
NO_COMPANY = "source: tickets\nmeasures: [count() as n]\ndashboard_filters: {company: null}\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("board")
    tables = read(FIXTURE)
    for (table, column, old), new in RENAMED.items():
        rows = tables[table][1]
        assert any(r[column] == old for r in rows)
        for row in rows:
            row[column] = new if row[column] == old else row[column]
    data = write(tables, root / "data")
    spaces = {}
    for name, text in (("open", "timezone: UTC\n"), ("locked", _with_tokens(WORKSPACE))):
        (root / name).mkdir()
        (root / name / "rb.yaml").write_text(text, encoding="utf-8")
        (root / name / "no_company.yaml").write_text(NO_COMPANY, encoding="utf-8")
        spaces[name] = root / name / "rb.yaml"
    return data, spaces


def checked(name: str, workspace, data):
    """The report as the text route checked it first (the paths of its dashboard filters)."""
    server = _Server(workspace, str(data), 30)
    return checked_plan(load_spec(name, {}, *_file(server, name)), server.ws.catalog).report


def _file(server, name: str) -> tuple:
    entry = server.entry("report", name)
    return entry.path, entry.label


def text_filters(name: str, board: dict, workspace, data) -> tuple[str, ...]:
    return filter_texts(checked(name, workspace, data), board.items())


def rb_run(name: str, workspace, data, filters, *extra) -> str:
    """`rb run` with the dashboard filters written as `--filter` text (the text route)."""
    args = ["run", name, "--workspace", str(workspace), "--data", str(data), "--now", NOW, "--format", "json"]
    for text in filters:
        args += ["--filter", text]
    result = CliRunner().invoke(main, args + list(extra), env={"RB_USER": "", "RB_DAEMON": "0"},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("board", BOARDS, ids=lambda b: "+".join(b))
def test_api_run_with_board_filters_equals_the_filter_text(world, name, board):
    data, spaces = world
    client = TestClient(create_app(spaces["open"], str(data)))
    answer = client.get(f"/api/run/{name}", params={"now": NOW, "range": "all_time", **board})
    assert answer.status_code == 200, answer.text
    filters = text_filters(name, board, spaces["open"], data)
    assert answer.text == rb_run(name, spaces["open"], data, filters, "--range", "all_time")


def test_the_nasty_values_match_rows(world):
    """The comparison above compares counts, not only zeros: bob's 3 tickets (3, 6 and 8, by hand),
    one of them (6) on the renamed chat account."""
    data, spaces = world
    client = TestClient(create_app(spaces["open"], str(data)))
    rows = client.get("/api/run/tickets_by_channel", params={"now": NOW, "range": "all_time", "owner": OWNER}).json()
    assert sum(r["tickets"] for r in rows) == 3
    both = client.get("/api/run/tickets_by_channel",
                      params={"now": NOW, "range": "all_time", "owner": OWNER, "channel_account": ACCOUNT}).json()
    assert sum(r["tickets"] for r in both) == 1  # ticket 6, bob's one on the renamed chat account


@pytest.mark.parametrize("name", REPORTS)
def test_a_member_gets_the_filter_texts_answer(world, name):
    """A restricted viewer (bob: his own tickets, contacts' email and phone hidden)."""
    data, spaces = world
    locked = TestClient(create_app(spaces["locked"], str(data)))
    board = {"owner": OWNER, "team": "Tier 2"}
    answer = locked.get(f"/api/run/{name}", params={"now": NOW, "range": "all_time", **board},
                        headers={"Authorization": f"Bearer {TOKENS[MEMBER]}"})
    assert answer.status_code == 200, answer.text
    filters = text_filters(name, board, spaces["locked"], data)
    assert answer.text == rb_run(name, spaces["locked"], data, filters, "--range", "all_time", "--as", MEMBER)
    if name == "tickets_by_channel":
        assert sum(r["tickets"] for r in answer.json()) == 3


@pytest.mark.parametrize("as_user", [None, MEMBER])
@pytest.mark.parametrize("name", REPORTS)
def test_same_sql_as_the_filter_text_and_planned_once(world, name, as_user, monkeypatch):
    data, spaces = world
    workspace = spaces["locked"]
    server = _Server(workspace, str(data), 30)
    board = {"owner": OWNER, "team": TEAM, "company": COMPANY}
    applicable = {k: v for k, v in board.items() if dict(checked(name, workspace, data).dashboard_filters).get(k)}
    params = run_params(list({"now": NOW, "range": "last_30_days", "timezone": "Europe/Paris", **applicable}.items()))
    calls = {"check": 0, "plan": 0}
    counted(monkeypatch, calls)
    user = SimpleNamespace(email=as_user) if as_user else None
    report_plan = server.planned(server.entry("report", name), params, user, {})[0]
    assert calls == {"check": 1, "plan": 1}
    monkeypatch.undo()
    viewer = viewer_of(as_user, server.ws, report_plan.report.now_utc)
    options = ReportOptions(now_utc=report_plan.report.now_utc, timezone="Europe/Paris", preset="last_30_days",
                            hidden_fields=viewer.hidden if viewer else frozenset())
    raw = load_spec(name, {}, *_file(server, name))
    text = replace(options, filters=text_filters(name, applicable, workspace, data))
    expected = build_sql(checked_plan(raw, server.ws.catalog, text), server.ws.catalog).sql()
    assert build_sql(report_plan, server.ws.catalog).sql() == expected
    assert len(report_plan.report.filters) == len(applicable) + len(checked_plan(raw, server.ws.catalog,
                                                                                 options).report.filters)


def counted(monkeypatch, calls: dict) -> None:
    """Count the checks and plans (running.plan_report imports both when it is called)."""
    import reportbuilder.check.check_spec as check_module
    import reportbuilder.plan.plan_report as plan_module

    for module, attr, key in ((check_module, "check_spec", "check"), (plan_module, "plan_report", "plan")):
        real = getattr(module, attr)

        def wrapper(*args, real=real, key=key, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(module, attr, wrapper)


def test_a_filter_the_report_lacks_is_a_400_with_the_same_message(world):
    data, spaces = world
    client = TestClient(create_app(spaces["open"], str(data)))
    message = ("error: the dashboard filter company does not apply to this report: "
               "its dashboard_filters set it to null")
    answer = client.get("/api/run/no_company", params={"now": NOW, "company": COMPANY, "owner": OWNER})
    assert answer.status_code == 400 and answer.json() == {"error": message}
    page = client.get("/report/no_company", params={"now": NOW, "company": COMPANY})
    assert page.status_code == 400 and "<form" in page.text  # the form stays, to correct the choice
    assert "does not apply to this report" in page.text
    fine = client.get("/api/run/no_company", params={"now": NOW, "owner": OWNER})
    assert fine.status_code == 200 and json.loads(fine.text) == [{"n": 3}]
