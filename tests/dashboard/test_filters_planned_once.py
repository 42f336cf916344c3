"""A panel with dashboard filters is checked and planned once, with the SQL the filter text gave.

The dashboard filters reach the panel as values (dashboard_filters.filter_paths +
check/value_filters.py), not as `--filter` text parsed and checked again. The reference here is
the text route as it was: check and plan the report, write each filter as
`path = 'value'` (quotes doubled), check and plan the whole report again with those filters.
Every panel of every built-in dashboard, every built-in report and the examples must give
byte-identical SQL (or the same error) both ways, with values that are hard to write as text.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from reportbuilder.check.options import ReportOptions
from reportbuilder.compile import checked_plan
from reportbuilder.dashboard import load_dashboard
from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS
from reportbuilder.dashboard.run_dashboard import PanelRun, _message, _prepare_panel, takes_dashboard_range
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.errors import ReportError, SpecError
from reportbuilder.load.load_spec import load_spec_file
from reportbuilder.locate import builtin_names
from reportbuilder.workspace import find_spec, open_workspace
from tests.dashboard_text_route import filter_texts

run_module = importlib.import_module("reportbuilder.dashboard.run_dashboard")  # the package names a function so
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 20, 12, 0)
NASTY = {
    "owner": "O'Brien -- the ''boss''",
    "team": "Zoë — 東京 ☃ Tier\n2",
    "channel_account": "x' OR 1=1; DROP TABLE tickets; --",
    "pipeline": ["it's", "--", "back\\slash", ""],
    "company": "\"Globex\" /* c */ 'Inc'",
}
REPORTS = sorted(builtin_names()) + sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
BOARDS = sorted((ROOT / "specs" / "dashboards").glob("*.yaml"))


@pytest.fixture(scope="module")
def workspace():
    return open_workspace()


def text_route(ref: str, board, catalog, hidden=frozenset()) -> str:
    """The panel's SQL as the filter text gave it (the report checked and planned twice)."""
    raw = load_spec_file(find_spec(ref), ref)
    options = ReportOptions(now_utc=NOW, timezone=board.timezone, hidden_fields=hidden)
    if (board.preset or board.start or board.end) and takes_dashboard_range(raw):
        ranged = replace(options, preset=board.preset, start=board.start, end=board.end)
        try:
            checked_plan(raw, catalog, ranged)
            options = ranged
        except SpecError:
            pass
    report = checked_plan(raw, catalog, options).report
    filters = filter_texts(report, board.filters)
    return build_sql(checked_plan(raw, catalog, replace(options, filters=options.filters + filters)), catalog).sql()


def assert_same(ref: str, board, workspace, hidden=frozenset()) -> bool:
    """The panel's SQL (or error) equals the text route's; True when the panel has a query."""
    prepared = _prepare_panel(ref, board, workspace, NOW, board.timezone, hidden)
    try:
        expected = text_route(ref, board, workspace.catalog, hidden)
    except ReportError as exc:
        assert isinstance(prepared, PanelRun), ref
        assert prepared.error == _message(exc), ref
        return False
    assert not isinstance(prepared, PanelRun), (ref, prepared.error)
    assert prepared.query.sql() == expected, ref
    return True


def board_with(tmp_path: Path, reports, filters: dict, preset: str | None = None) -> object:
    """A dashboard file (JSON, which is YAML: any value written safely) loaded as `rb` loads it."""
    path = tmp_path / "board.yaml"
    board = {"title": "Filtered", "reports": list(reports), "filters": filters}
    path.write_text(json.dumps(board | ({"date_range": {"preset": preset}} if preset else {}), ensure_ascii=False),
                    encoding="utf-8")
    return load_dashboard(str(path))


@pytest.mark.parametrize("key", DASHBOARD_FILTERS)
def test_every_report_same_sql_with_each_nasty_filter(tmp_path, workspace, key):
    board = board_with(tmp_path, REPORTS, {key: NASTY[key]})
    applied = [assert_same(ref, board, workspace) for ref in REPORTS]
    assert any(applied), f"no report takes the {key} filter: the comparison compared only errors"


def test_every_report_same_sql_with_all_filters_and_a_date_range(tmp_path, workspace):
    board = board_with(tmp_path, REPORTS, NASTY, "last_30_days")
    outcomes = [assert_same(ref, board, workspace) for ref in REPORTS]
    assert any(outcomes) and not all(outcomes)  # some panels take all five; others lack a path (an error)


@pytest.mark.parametrize("path", BOARDS, ids=lambda p: p.stem)
def test_builtin_dashboards_same_sql(tmp_path, workspace, path):
    """Each built-in dashboard as shipped, with its filters set to nasty values."""
    board = load_dashboard(str(path))
    board = replace(board, filters=tuple((k, NASTY[k]) for k in DASHBOARD_FILTERS if k in ("owner", "team")))
    assert sum(assert_same(ref, board, workspace) for ref in board.reports) > 0


def test_a_value_enters_sql_as_one_literal(tmp_path, workspace):
    board = board_with(tmp_path, ["tickets_created_over_time"], {"channel_account": NASTY["channel_account"]})
    sql = _prepare_panel("tickets_created_over_time", board, workspace, NOW, None).query.sql()
    assert "'x'' OR 1=1; DROP TABLE tickets; --'" in sql


def test_a_filter_the_report_has_no_path_for_is_the_same_error(tmp_path, workspace):
    spec = tmp_path / "no_company.yaml"
    spec.write_text("source: tickets\nmeasures: [count() as n]\ndashboard_filters: {company: null}\n",
                    encoding="utf-8")
    board = board_with(tmp_path, [str(spec)], {"company": "O'Brien", "owner": "Ann"})
    assert not assert_same(str(spec), board, workspace)
    panel = _prepare_panel(str(spec), board, workspace, NOW, None)
    assert panel.error == ("the dashboard filter company does not apply to this report: "
                           "its dashboard_filters set it to null")


def test_a_restricted_member_gets_the_same_sql_and_the_same_refusals(tmp_path, workspace):
    """Hidden fields (`--as` a member: tests/security/access_world.py hides contacts' email and
    phone) are checked as in the text route; a role that may not read the filter's own field
    (teams.name) is refused both ways, with the same message."""
    member = frozenset({("contacts", "email"), ("contacts", "phone")})
    board = board_with(tmp_path, REPORTS, {"owner": NASTY["owner"], "team": NASTY["team"]})
    assert any([assert_same(ref, board, workspace, member) for ref in REPORTS])
    no_teams = member | {("teams", "name")}
    assert not any([assert_same(ref, board, workspace, no_teams) for ref in REPORTS])
    refused = _prepare_panel("tickets_created_over_time", board, workspace, NOW, None, no_teams)
    assert isinstance(refused, PanelRun) and "teams.name is hidden from your role" in refused.error


def test_the_panel_is_planned_once(tmp_path, workspace, monkeypatch):
    calls = {"check": 0, "plan": 0}

    def counted(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(run_module, "check_spec", counted("check", run_module.check_spec))
    monkeypatch.setattr(run_module, "plan_report", counted("plan", run_module.plan_report))
    board = board_with(tmp_path, ["tickets_created_over_time"], NASTY | {"pipeline": "support"},
                       "last_30_days")
    board = replace(board, filters=tuple((k, v) for k, v in board.filters if k in ("owner", "team")))
    prepared = _prepare_panel("tickets_created_over_time", board, workspace, NOW, None)
    assert not isinstance(prepared, PanelRun), prepared.error
    assert calls == {"check": 1, "plan": 1}
    assert len(prepared.report.filters) >= 2 and prepared.filter_paths == (
        ("owner", ("tickets", "owner.name")), ("team", ("tickets", "owner.team.name")))
