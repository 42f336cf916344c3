"""Dashboards: filters translated per report, one self-contained page, drawn in headless Chromium."""
from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard import filter_expression
from reportbuilder.demo.generate_demo import generate_demo
from reportbuilder.workspace import builtin_names

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, anchor=date(2026, 6, 15))
    return folder


def test_filter_values_are_quoted():
    assert filter_expression("contact.company.name", "O'Brien") == "contact.company.name = 'O''Brien'"
    assert filter_expression("owner.team.name", ["A", "B"]) == "owner.team.name in ('A', 'B')"


def _render(demo_dir, dash, out, *extra, code=0):
    result = CliRunner().invoke(main, ["dashboard", str(dash), "-o", str(out), "--data", str(demo_dir),
                                       "--now", "2026-06-15T12:00:00", *extra])
    assert result.exit_code == code, result.output
    return out.read_text(encoding="utf-8") if out.suffix == ".html" else out.read_bytes()


@pytest.mark.parametrize("name", builtin_names("dashboards"))
def test_builtin_dashboards_render(name, demo_dir, tmp_path):
    page = _render(demo_dir, name, tmp_path / f"{name}.html")
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    assert page.count("<svg") >= 1 and "This report failed" not in page


def test_filter_that_cannot_apply_is_an_error_on_the_panel_and_in_the_cli(demo_dir, tmp_path):
    report = tmp_path / "msgs.yaml"
    report.write_text("title: Messages\nsource: messages\nmeasures: [count() as n]\n"
                      "dashboard_filters: {company: null}\n")
    dash = tmp_path / "d.yaml"
    dash.write_text(f"title: D\nreports: ['{report}']\nfilters: {{company: \"O'Brien\"}}\n")
    result = CliRunner().invoke(main, ["dashboard", str(dash), "-o", str(tmp_path / "d.html"),
                                       "--data", str(demo_dir), "--now", "2026-06-15T12:00:00"])
    assert result.exit_code == 1, result.output
    assert f"panel {report}: the dashboard filter company does not apply" in result.output
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "This report failed: the dashboard filter company does not apply" in page


def test_dashboard_png(demo_dir, tmp_path):
    png = _render(demo_dir, "helpdesk_summary", tmp_path / "d.png")
    assert png[:4] == b"\x89PNG"


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _drew(card: str) -> bool:
    """A card drew when it holds an SVG with marks, or its data as a table."""
    return ("<svg" in card and ("<path" in card or "<text" in card)) or "<table" in card


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)")
@pytest.mark.parametrize("name", builtin_names("dashboards"))
def test_dashboard_draws_in_chromium(demo_dir, tmp_path, name, artifacts):
    page = tmp_path / "dash.html"
    text = _render(demo_dir, name, page)
    cards = text.count('<section class="card"')
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    drawn = re.findall(r'<section class="card"[^>]*>.*?</section>', dom, re.S)
    assert cards and len(drawn) == cards and all(_drew(card) for card in drawn)
    assert "This report failed" not in dom
    shot = artifacts("dashboards") / f"{name}.png"  # kept to be looked at
    subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, *profile, "--hide-scrollbars",
                    "--window-size=1400,2400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=60, check=True)
    assert shot.stat().st_size > 10_000


def test_the_data_is_opened_once_per_dashboard(demo_dir, tmp_path):
    from reportbuilder.dashboard.load_dashboard import load_dashboard
    from reportbuilder.workspace import open_workspace

    from reportbuilder.engines import get_engine

    module = importlib.import_module("reportbuilder.dashboard.run_dashboard")
    opened, duckdb = [], get_engine("duckdb")

    class Recording:  # the duckdb engine, counting what it opens
        name = dialect = "duckdb"

        def open(self, data_path, tables, catalog, restrict=None):
            opened.append(tables)
            return duckdb.open(data_path, tables, catalog, restrict)

    dash = load_dashboard("helpdesk_summary")
    run = module.run_dashboard(dash, open_workspace(), demo_dir, None, engine=Recording())
    assert len(run.panels) > 2 and all(p.result is not None for p in run.panels)
    assert len(opened) == 1 and "tickets" in opened[0]


def test_a_missing_table_fails_only_the_panels_that_read_it(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    for path in data.glob("calls.*"):
        path.unlink()
    tickets, calls = tmp_path / "t.yaml", tmp_path / "c.yaml"
    tickets.write_text("title: Tickets\nsource: tickets\nmeasures: [count() as n]\n")
    calls.write_text("title: Calls\nsource: calls\nmeasures: [count() as n]\n")
    dash = tmp_path / "d.yaml"
    dash.write_text(f"title: D\nreports: ['{tickets}', '{calls}']\n")
    page = _render(data, dash, tmp_path / "d.html", code=1)
    # the card keeps the report's title and says, in one sentence, what the data lacks
    card = page.split('data-report="' + str(calls))[1].split("</section>")[0]
    assert "<h2>Calls</h2>" in card and "Needs calls, which this data does not have." in card
    assert "This report failed" not in page and "is needed by the report" not in page


def test_running_a_dashboard_needs_no_chart_toolchain():
    # the benchmarks and headless runs import the runner alone; altair loads only for the page
    code = "import sys, reportbuilder.dashboard.run_dashboard; sys.exit('altair' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_table_cards_read_none_for_a_null_group_and_wide_ones_take_the_row(demo_dir, tmp_path):
    page = _render(demo_dir, "helpdesk_summary", tmp_path / "h.html")
    cards = dict(re.findall(r'<section class="card" data-report="([^"]+)"([^>]*)>', page))
    team = page.split('data-report="team_summary"')[1].split("</section>")[0]
    assert "<td>(none)</td>" in team and "<td></td>" not in team  # unassigned tickets: no team
    assert cards["sla_progress"] == " data-wide" and cards["tickets_by_channel"] == ""
    # the grid lets a card shrink below its table's width, so the table scrolls inside the card
    assert ".grid > .card { min-width: 0; }" in page and ".card .chart { overflow-x: auto; }" in page
