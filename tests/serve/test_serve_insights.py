"""Insights in `rb serve`: `/api/insights/NAME` answers exactly as `rb insights --format json`
with the same options, a member's findings come from their rows only, and the report page
shows the findings card above the chart (none for a report without time buckets)."""
from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import date

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from reportbuilder.cli import main
from reportbuilder.serve import create_app
from tests.insights.synthetic import NOW, daily_spec, daily_tickets, write

SHIFT_DAY = date(2025, 5, 19)
MEMBER, LEAD = "bob@x.test", "ann@x.test"  # bob owns the tickets of team 2 (synthetic.OWNERS)
TOKENS = {LEAD: "lead-token", MEMBER: "bob-token"}
BY_CHANNEL = "source: tickets\ndimensions: [channel]\nmeasures: [count() as tickets]\n"


def _workspace(folder, users: str = "") -> object:
    folder.mkdir(parents=True)
    (folder / "rb.yaml").write_text("timezone: UTC\n" + users, encoding="utf-8")
    (folder / "daily.yaml").write_text("title: Daily\n" + daily_spec(extra=", channel"), encoding="utf-8")
    (folder / "by_channel.yaml").write_text(BY_CHANNEL, encoding="utf-8")
    (folder / "board.yaml").write_text("title: Board\nreports: [daily.yaml, by_channel.yaml]\n", encoding="utf-8")
    return folder / "rb.yaml"


def _users() -> str:
    sha = {email: hashlib.sha256(token.encode()).hexdigest() for email, token in TOKENS.items()}
    return (f"users:\n  {LEAD}: {{token_sha256: {sha[LEAD]}, role: admin}}\n"
            f"  {MEMBER}: {{token_sha256: {sha[MEMBER]}, role: member}}\n"
            "access:\n  member:\n    tickets: owner.email = user.email\n")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Team 2's volume shifts up on SHIFT_DAY, team 1's does not; an open and a locked workspace,
    and team 2's tickets alone (what the member may see, deleted by hand) as their own data."""
    root = tmp_path_factory.mktemp("insights")
    weekday = lambda d: 1.0 if d.isoweekday() <= 5 else 0.4  # noqa: E731
    tickets = daily_tickets(lambda d, t: 12 * weekday(d) * (1.8 if t == 2 and d >= SHIFT_DAY else 1.0))
    data = write(root / "all", tickets)
    own = write(root / "own", [t for t in tickets if t["owner_id"] == 2])
    return data, own, _workspace(root / "open"), _workspace(root / "locked", _users())


def rb_insights(*args) -> str:
    result = CliRunner().invoke(main, ["insights", *map(str, args), "--now", NOW, "--format", "json"],
                                env={"RB_USER": ""}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _cli_options(options: dict) -> list[str]:
    return [arg for key, value in options.items() for one in (value if isinstance(value, list) else [value])
            for arg in (f"--{key}", one)]


@pytest.mark.parametrize("options", [{}, {"range": "last_3_months", "filter": ["channel = 'email'"]},
                                     {"from": "2025-03-01", "to": "2025-06-30", "timezone": "Europe/Paris"}])
def test_api_insights_equals_rb_insights(world, options):
    data, _, workspace, _ = world
    answer = TestClient(create_app(workspace, str(data))).get("/api/insights/daily", params={**options, "now": NOW})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.text == rb_insights(workspace.parent / "daily.yaml", "--workspace", workspace, "--data", data,
                                      *_cli_options(options))


def test_a_member_reads_findings_of_their_rows_only(world):
    data, own, open_ws, locked_ws = world
    client = TestClient(create_app(locked_ws, str(data)))
    assert client.get("/api/insights/daily", params={"now": NOW}).status_code == 401
    member = client.get("/api/insights/daily", params={"now": NOW},
                        headers={"Authorization": f"Bearer {TOKENS[MEMBER]}"})
    lead = client.get("/api/insights/daily", params={"now": NOW},
                      headers={"Authorization": f"Bearer {TOKENS[LEAD]}"})
    assert member.status_code == lead.status_code == 200, member.text
    # the member's answer is the plain answer on the data with every other row deleted
    assert member.text == rb_insights(open_ws.parent / "daily.yaml", "--workspace", open_ws, "--data", own)
    assert member.text == rb_insights(locked_ws.parent / "daily.yaml", "--workspace", locked_ws, "--data", data,
                                      "--as", MEMBER)
    assert lead.text == rb_insights(open_ws.parent / "daily.yaml", "--workspace", open_ws, "--data", data)
    compared = lambda text: [f for f in json.loads(text) if f["kind"] in ("change", "within_noise")]  # noqa: E731
    assert compared(member.text)[0]["numbers"]["value"] < compared(lead.text)[0]["numbers"]["value"]


def test_report_page_shows_the_card_above_the_chart(world):
    data, _, workspace, _ = world
    client = TestClient(create_app(workspace, str(data)))
    page = client.get("/report/daily", params={"now": NOW})
    assert page.status_code == 200, page.text
    found = json.loads(client.get("/api/insights/daily", params={"now": NOW}).text)
    assert any(f["kind"] == "shift" for f in found)  # team 2's planted shift moves the total
    items = re.findall(r'<li class="([a-z_]+)">(.*?)</li>', page.text)
    assert items == [(f["kind"], html.escape(f["sentence"].strip())) for f in found]
    assert page.text.index('class="findings"') < page.text.index('class="card chart"')
    flat = client.get("/report/by_channel", params={"now": NOW})
    assert flat.status_code == 200 and 'id="chart"' in flat.text and 'class="findings"' not in flat.text


def test_api_insights_refuses_what_api_run_refuses(world):
    data, _, workspace, _ = world
    client = TestClient(create_app(workspace, str(data)))
    assert client.get("/api/insights/nosuch", params={"now": NOW}).status_code == 404
    bogus = client.get("/api/insights/daily", params={"now": NOW, "bogus": "1"})
    assert bogus.status_code == 400 and "unknown query parameter 'bogus'" in bogus.json()["error"]
    csv = client.get("/api/insights/daily", params={"now": NOW, "format": "csv"})
    assert csv.status_code == 400 and "json only" in csv.json()["error"]
    flat = client.get("/api/insights/by_channel", params={"now": NOW})
    assert flat.status_code == 200 and [f["kind"] for f in flat.json()] == ["withheld"]


def test_dashboard_page_carries_findings(world):
    data, _, workspace, _ = world
    client = TestClient(create_app(workspace, str(data)))
    page = client.get("/dashboard/board", params={"now": NOW})
    assert page.status_code == 200, page.text
    cards = re.findall(r'<section class="card".*?</section>', page.text, re.S)
    assert len(cards) == 2 and 'class="findings"' in cards[0] and 'class="findings"' not in cards[1]
    shift = next(f for f in client.get("/api/insights/daily", params={"now": NOW}).json() if f["kind"] == "shift")
    assert html.escape(shift["sentence"]) in cards[0]


def test_a_members_dashboard_shows_their_findings(world):
    data, _, _, locked_ws = world
    client = TestClient(create_app(locked_ws, str(data)))
    bearer = {"Authorization": f"Bearer {TOKENS[MEMBER]}"}
    card = re.findall(r'<section class="card".*?</section>', client.get("/dashboard/board", params={"now": NOW},
                                                                          headers=bearer).text, re.S)[0]
    own = client.get("/api/insights/daily", params={"now": NOW}, headers=bearer).json()
    lead = client.get("/api/insights/daily", params={"now": NOW},
                      headers={"Authorization": f"Bearer {TOKENS[LEAD]}"}).json()
    shown = re.findall(r'<li class="[a-z_]+">(.*?)</li>', card)
    assert shown == [html.escape(f["sentence"].strip()) for f in own] != [html.escape(f["sentence"].strip())
                                                                           for f in lead]
