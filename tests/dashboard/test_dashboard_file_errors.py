"""A problem in a dashboard file itself is reported where it is (FILE:LINE:COL, the line and a
caret), with a did-you-mean, every problem at once, exit 2: for `rb validate` and `rb dashboard`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main

BOARD = """\
title: Mine
reprots: [x]
reports:
  - tickets_created_over_time
  - tickets_by_chanel
  - "nosuch.yaml"
date_range: {preset: last_30_days, form: 2026-01-01}
filters:
  teem: Tier 2
"""


@pytest.fixture
def board(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.yaml").write_text(BOARD, encoding="utf-8")
    return tmp_path / "d.yaml"


@pytest.mark.parametrize("command", [["validate", "d.yaml"], ["dashboard", "d.yaml", "-o", "d.html"]])
def test_every_problem_of_the_file_is_positioned(board, command):
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2, result.output
    heads = [line for line in result.output.splitlines() if ": error: " in line]
    assert heads == [
        "d.yaml:2:1: error: unknown dashboard key 'reprots'; did you mean 'reports'?",
        "d.yaml:5:5: error: no spec file or built-in report named 'tickets_by_chanel'; did you mean "
        "'tickets_by_channel' or 'tickets_per_company' or 'tickets_by_category_over_time'?",
        "d.yaml:6:5: error: no spec file or built-in report named 'nosuch.yaml'; see `rb list`",
        "d.yaml:7:36: error: unknown date_range key 'form'; did you mean 'from'?",
        "d.yaml:9:3: error: unknown dashboard filter 'teem'; did you mean 'team'?",
    ]
    assert "\n    teem: Tier 2\n    ^\n" in result.output  # the line and a caret under the key
    assert not (board.parent / "d.html").exists()


@pytest.mark.parametrize("text, head", [
    ("title: x\nreports: [a\n", "d.yaml:2:10: error: invalid YAML: this '[' is never closed"),
    ("- a\n", "d.yaml:1:1: error: a dashboard must be a mapping with title and reports"),
    ("title: x\nreports: []\n", "d.yaml:2:10: error: reports: a list of report names or paths is required"),
    ("title: x\nreports: [tickets_by_channel]\nfilters: [team]\n", "d.yaml:3:10: error: filters must be a mapping"),
    ("title: x\nreports: [{a: 1}]\n", "d.yaml:2:11: error: a report is a built-in name or a spec file path"),
])
def test_a_malformed_dashboard_is_positioned(tmp_path, monkeypatch, text, head):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["dashboard", "d.yaml", "-o", "d.html"])
    assert result.exit_code == 2 and result.output.splitlines()[0].startswith(head), result.output


def test_a_report_next_to_the_dashboard_is_found(tmp_path, monkeypatch):
    (tmp_path / "boards").mkdir()
    (tmp_path / "boards" / "mine.yaml").write_text("source: tickets\nmeasures: [count() as n]\n", encoding="utf-8")
    (tmp_path / "boards" / "d.yaml").write_text("title: x\nreports: [mine.yaml, mine, tickets_by_channel]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "boards/d.yaml"])
    assert result.exit_code == 0, result.output
