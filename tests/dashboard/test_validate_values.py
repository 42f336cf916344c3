"""`rb validate` of a dashboard checks each panel once, the filters added as values, with the
outcome the filter text gave: the same success, the same positioned problems, the same error
for a filter a panel names no path for."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import reportbuilder.dashboard.check_dashboard as check_module
from reportbuilder.check.options import ReportOptions
from reportbuilder.cli import main
from reportbuilder.compile import checked_plan
from reportbuilder.dashboard import load_dashboard
from reportbuilder.dashboard.check_dashboard import check_dashboard
from reportbuilder.dashboard.dashboard_filters import DASHBOARD_FILTERS
from reportbuilder.errors import ReportError, SpecError
from reportbuilder.render.diagnostics import format_diagnostics
from reportbuilder.running import load_spec
from reportbuilder.workspace import open_workspace
from tests.dashboard_text_route import filter_texts

ROOT = Path(__file__).resolve().parents[2]
BOARDS = sorted((ROOT / "specs" / "dashboards").glob("*.yaml"))
NASTY = {
    "owner": "O'Brien -- the ''boss''",
    "team": "Zoë — 東京 ☃ Tier",
    "channel_account": "x' OR 1=1; DROP TABLE tickets; --",
    "pipeline": ["it's", "--", "back\\slash"],
    "company": "\"Globex\" /* c */ 'Inc'",
}
NO_COMPANY = "source: tickets\nmeasures: [count() as n]\ndashboard_filters: {company: null}\n"
UNKNOWN_FIELD = "source: tickets\nmeasures: [count() as n, nope]\n"


def text_route(text: str, catalog, sources: dict):
    """`check_dashboard` as it was: each panel checked and planned, then again with the filter text."""
    board = load_dashboard(text, sources)
    problems = []
    for ref in board.reports:
        try:
            raw = load_spec(ref, sources)
            checked = checked_plan(raw, catalog, ReportOptions(timezone=board.timezone)).report
            filters = filter_texts(checked, board.filters)
            checked_plan(raw, catalog, ReportOptions(timezone=board.timezone, filters=filters))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(tuple(problems))
    return board


def outcome(check, text: str, catalog) -> tuple:
    """What `rb validate` shows of a check: the board, or the error as it is printed."""
    sources: dict = {}
    try:
        return "ok", check(text, catalog, sources)
    except SpecError as exc:
        return "problems", format_diagnostics(exc.diagnostics, sources)
    except ReportError as exc:
        return type(exc).__name__, str(exc)


def new_route(text: str, catalog, sources: dict):
    return check_dashboard(text, catalog, lambda ref: load_spec(ref, sources), sources)


def board_file(tmp_path: Path, reports, filters: dict) -> str:
    path = tmp_path / "board.yaml"
    board = {"title": "Checked", "reports": list(reports), "filters": filters}
    path.write_text(yaml.safe_dump(board, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def panels(tmp_path: Path) -> dict[str, str]:
    found = {}
    for name, text in (("no_company", NO_COMPANY), ("unknown_field", UNKNOWN_FIELD),
                       ("unknown_copy", UNKNOWN_FIELD)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        found[name] = str(tmp_path / f"{name}.yaml")
    return found


@pytest.fixture(scope="module")
def catalog():
    return open_workspace().catalog


@pytest.mark.parametrize("path", BOARDS, ids=lambda p: p.stem)
def test_builtin_dashboards_as_shipped_and_with_each_nasty_filter(tmp_path, catalog, path):
    shipped = outcome(new_route, str(path), catalog)
    assert shipped[0] == "ok" and shipped == outcome(text_route, str(path), catalog)
    reports = load_dashboard(str(path)).reports
    seen = set()
    for key in DASHBOARD_FILTERS:
        text = board_file(tmp_path, reports, {key: NASTY[key]})
        result = outcome(new_route, text, catalog)
        assert result == outcome(text_route, text, catalog), key
        seen.add(result[0])
    everything = board_file(tmp_path, reports, NASTY)
    assert outcome(new_route, everything, catalog) == outcome(text_route, everything, catalog)
    assert "ok" in seen


def test_a_filter_a_panel_lacks_and_a_panel_with_problems(tmp_path, catalog):
    files = panels(tmp_path)
    cases = [
        ([files["no_company"], "tickets_by_channel"], {"company": NASTY["company"], "owner": NASTY["owner"]}),
        (["tickets_by_channel", files["unknown_field"], files["unknown_copy"]], {"team": NASTY["team"]}),
        ([files["unknown_field"], files["no_company"]], {"company": NASTY["company"]}),
        ([files["no_company"]], {"owner": NASTY["owner"], "pipeline": NASTY["pipeline"]}),
    ]
    results = []
    for reports, filters in cases:
        text = board_file(tmp_path, reports, filters)
        results.append(outcome(new_route, text, catalog))
        assert results[-1] == outcome(text_route, text, catalog), reports
    assert results[0] == ("FilterNotApplicable", "the dashboard filter company does not apply to this report: "
                                                  "its dashboard_filters set it to null")
    assert results[1][0] == "problems" and results[1][1].count("unknown field 'nope' on tickets") == 2
    assert results[2][0] == "FilterNotApplicable"  # as before: it stops the check, the earlier problems unshown
    assert results[3][0] == "ok"


def validate(*specs) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *specs], env={"RB_DAEMON": "0"})
    return result.exit_code, result.output


def test_rb_validate_prints_what_it_printed(tmp_path):
    """The output of `rb validate`, word for word, as the text route printed it."""
    assert validate(*map(str, BOARDS)) == (0, "".join(
        f"{p}: ok (dashboard, {len(load_dashboard(str(p)).reports)} reports)\n" for p in BOARDS))
    files = panels(tmp_path)
    lacks = board_file(tmp_path, ["tickets_by_channel", files["no_company"]], {"company": "O'Brien -- Zoë"})
    assert validate(lacks) == (1, "error: the dashboard filter company does not apply to this report: "
                                  "its dashboard_filters set it to null\n")
    broken = board_file(tmp_path, [files["unknown_field"]], {"owner": NASTY["owner"]})
    code, output = validate(broken)
    assert code == 2 and output.startswith(f"{files['unknown_field']}:2:26: error: unknown field 'nope' on tickets")


def test_each_panel_is_checked_and_planned_once(tmp_path, monkeypatch, catalog):
    calls = {"check": 0, "plan": 0}
    for attr, key in (("check_spec", "check"), ("plan_report", "plan")):
        real = getattr(check_module, attr)

        def wrapper(*args, real=real, key=key, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(check_module, attr, wrapper)
    reports = load_dashboard(str(BOARDS[0])).reports
    assert outcome(new_route, board_file(tmp_path, reports, {"owner": NASTY["owner"]}), catalog)[0] == "ok"
    assert calls == {"check": len(reports), "plan": len(reports)}
