"""The dashboard page in Chromium: every panel's chart drawn by vega-embed, and a team chosen
on the page filters the panels as the same filter in the dashboard's YAML does."""
from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from reportbuilder.serve import create_app

from .conftest import NOW

pytestmark = pytest.mark.browser


def test_dashboard_charts_and_a_chosen_team(live_server, page, shot, tmp_path):
    page.goto(f"{live_server}/dashboard/helpdesk_summary?now={NOW}")
    page.wait_for_selector("body[data-chart=ready]")
    holders = page.locator(".vega-chart").count()
    assert holders >= 2 and page.locator(".vega-chart svg").count() == holders
    teams = page.eval_on_selector_all("select[name=team] option", "os => os.map(o => o.value).filter(Boolean)")
    assert len(teams) >= 2
    team = next(t for t in teams if any(row["tickets"] for row in page.context.request.get(  # one with tickets
        f"{live_server}/api/run/tickets_by_channel", params={"now": NOW, "team": t}).json()))
    with page.expect_navigation():
        page.select_option("select[name=team]", team)
    page.wait_for_selector("body[data-chart=ready]")
    assert f"team={team.replace(' ', '+')}" in page.url
    assert f"team: {team}" in page.text_content("ul.filters")
    shot(page, "dashboard_helpdesk_summary_team")
    # the same charts as the dashboard whose YAML names that team
    from reportbuilder.workspace import builtin_path

    yaml_text = builtin_path("helpdesk_summary", "dashboards").read_text(encoding="utf-8")
    quoted = team.replace("'", "''")
    (tmp_path / "rb.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    (tmp_path / "summary_team.yaml").write_text(yaml_text.replace("team: null", f"team: '{quoted}'"), encoding="utf-8")
    mine = TestClient(create_app(tmp_path / "rb.yaml")).get("/dashboard/summary_team", params={"now": NOW}).text
    served = page.context.request.get(page.url).text()
    assert _grid(served) == _grid(mine)


def _grid(html: str) -> str:
    """The cards, without the live-reload script (its stamp names the files as they were)."""
    return re.sub(r"var since = [^;]*;", "", html[html.index('<div class="grid">'):])
