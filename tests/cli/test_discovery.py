"""`rb validate` of dashboards, `rb import --help` naming the formats, and the workspace
found next to the spec (or above it), with --workspace still winning."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.importers import IMPORTERS
from reportbuilder.workspace import builtin_names, find_workspace

HOT = textwrap.dedent("""\
    derived_fields:
      tickets:
        is_hot:
          type: boolean
          expr: priority in ('urgent', 'high')
    """)
USES_HOT = "source: tickets\nmeasures: [count() as n]\nfilters: [is_hot]\n"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the walk up stops at the home folder


def rb(*args):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def write(path: str, text: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    return path


# -- rb validate of dashboards -----------------------------------------------------------

def test_every_builtin_dashboard_validates():
    names = builtin_names("dashboards")
    result = rb("validate", *names)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{n}: ok (dashboard, {len(_reports(n))} reports)" for n in names]


def _reports(name):
    from reportbuilder.dashboard import load_dashboard

    return load_dashboard(name).reports


def test_a_dashboard_with_a_bad_panel_reports_it_where_it_is():
    write("bad.yaml", "source: tickets\nmeasures:\n  - count() as n\nfilters:\n  - n > 3\n")
    write("d.yaml", "title: Mine\nreports: [tickets_created_over_time, bad.yaml]\nfilters: {team: Tier 2}\n")
    result = rb("validate", "d.yaml")
    assert result.exit_code == 2
    assert result.output.startswith("bad.yaml:5:5: error: 'n' is a measure of this report")


def test_a_dashboard_filter_a_panel_cannot_take_is_an_error():
    write("d.yaml", "title: Mine\nreports: [tickets_created_over_time]\nfilters: {teem: Tier 2}\n")
    result = rb("validate", "d.yaml")
    assert result.exit_code == 2
    assert result.output.startswith("d.yaml:3:11: error: unknown dashboard filter 'teem'; did you mean 'team'?")


def test_a_report_and_a_dashboard_validate_together():
    write("r.yaml", "source: tickets\nmeasures: [count() as n]\n")
    write("d.yaml", "title: Mine\nreports: [r.yaml]\n")
    result = rb("validate", "r.yaml", "d.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["r.yaml: ok", "d.yaml: ok (dashboard, 1 reports)"]


# -- rb import --help --------------------------------------------------------------------

def test_import_help_lists_every_format():
    result = rb("import", "--help")
    assert result.exit_code == 0
    formats = result.output.split("Formats:")[1]
    for name in IMPORTERS:
        assert f"\n  {name} " in formats


# -- the workspace near the spec ----------------------------------------------------------

def test_a_workspace_above_the_spec_is_used(tmp_path):
    write("team/rb.yaml", HOT)
    spec = write("team/reports/weekly/hot.yaml", USES_HOT)
    assert find_workspace(spec) == (tmp_path / "team" / "rb.yaml").resolve()
    result = rb("validate", spec)
    assert result.exit_code == 0, result.output


def test_the_nearest_workspace_wins_and_workspace_option_wins_over_it(tmp_path):
    write("team/rb.yaml", HOT)
    write("team/reports/rb.yaml", "timezone: Europe/Paris\n")
    spec = write("team/reports/hot.yaml", USES_HOT)
    assert find_workspace(spec) == (tmp_path / "team" / "reports" / "rb.yaml").resolve()
    assert rb("validate", spec).exit_code == 2  # the nearest one has no is_hot
    assert rb("validate", "--workspace", "team/rb.yaml", spec).exit_code == 0


def test_the_walk_stops_at_home(tmp_path, monkeypatch):
    write("rb.yaml", HOT)  # above home: never read from a spec's folder walk
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    spec = write("home/project/hot.yaml", USES_HOT)
    monkeypatch.chdir(tmp_path / "home")
    assert find_workspace(spec) is None
    assert rb("validate", spec).exit_code == 2


def test_a_builtin_report_uses_the_current_folder_workspace(tmp_path):
    write("rb.yaml", HOT)
    assert find_workspace("tickets_created_over_time") == Path("rb.yaml")
    spec = write("elsewhere/hot.yaml", USES_HOT)
    assert rb("validate", spec).exit_code == 0  # found walking up: tmp_path is home and holds one


def test_a_spec_outside_home_with_none_above_it_uses_the_current_folder_one(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    write("home/rb.yaml", HOT)
    monkeypatch.chdir(tmp_path / "home")
    spec = write(str(tmp_path / "outside" / "hot.yaml"), USES_HOT)
    assert find_workspace(spec) == Path("rb.yaml")
