"""Findings on dashboards: the panel with time buckets carries the same findings as
`rb insights`, above its chart; a panel without time buckets, or one that fails, carries none."""
from __future__ import annotations

import html
import re
from datetime import date

from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.insights.finding import Finding
from reportbuilder.render.findings_card import findings_card
from tests.cli.test_startup_imports import loaded_modules
from tests.insights.synthetic import NOW, daily_spec, daily_tickets, insights, write

SHIFT_DAY = date(2025, 5, 19)
BY_CHANNEL = "title: By channel\nsource: tickets\ndimensions: [channel]\nmeasures: [count() as tickets]\n"
BROKEN = "title: Broken\nsource: tickets\nmeasures: [nosuch(x) as n]\n"


def _planted(tmp_path):
    """Daily tickets whose level rises by 60% on SHIFT_DAY, and a dashboard of three panels."""
    weekday = lambda d: 1.0 if d.isoweekday() <= 5 else 0.4  # noqa: E731
    data = write(tmp_path, daily_tickets(lambda d, t: 15 * weekday(d) * (1.6 if d >= SHIFT_DAY else 1.0)))
    for name, text in (("daily", "title: Daily\n" + daily_spec()), ("by_channel", BY_CHANNEL),
                       ("broken", BROKEN)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    dash = tmp_path / "dash.yaml"
    dash.write_text("title: Planted\nreports: [daily.yaml, by_channel.yaml, broken.yaml]\n", encoding="utf-8")
    return data, dash


def _render(data, dash, out, *extra) -> str:
    result = CliRunner().invoke(main, ["dashboard", str(dash), "-o", str(out), "--data", str(data), "--now", NOW,
                                       *extra])
    assert result.exit_code == 1, result.output  # the broken panel fails the run, the page is written
    return out.read_text(encoding="utf-8")


def _cards(page: str) -> dict[str, str]:
    """Each panel's card by its report file's stem."""
    found = re.findall(r'<section class="card" data-report="[^"]*?([a-z_]+)\.yaml">(.*?)</section>', page, re.S)
    return dict(found)


def test_dashboard_shows_the_findings_of_rb_insights_above_the_chart(tmp_path):
    data, dash = _planted(tmp_path)
    cards = _cards(_render(data, dash, tmp_path / "d.html"))
    expected = insights(tmp_path, data, (tmp_path / "daily.yaml").read_text(encoding="utf-8"))
    assert any(f["kind"] == "shift" for f in expected)  # the planted truth is found
    daily = cards["daily"]
    items = re.findall(r"<li class=\"([a-z_]+)\">(.*?)</li>", daily)
    assert items == [(f["kind"], html.escape(f["sentence"].strip())) for f in expected]
    assert daily.index('class="findings"') < daily.index('<div class="chart">')
    assert 'class="findings"' not in cards["by_channel"] and "<svg" in cards["by_channel"]
    assert 'class="findings"' not in cards["broken"] and "This report failed" in cards["broken"]


def test_no_insights_leaves_the_cards_out_and_scipy_unloaded(tmp_path):
    data, dash = _planted(tmp_path)
    assert 'class="findings"' not in _render(data, dash, tmp_path / "d.html", "--no-insights")
    args = ("dashboard", str(dash), "-o", str(tmp_path / "p.html"), "--data", str(data), "--now", NOW)
    assert "scipy" not in loaded_modules(*args, "--no-insights")
    assert "scipy" in loaded_modules(*args)  # the probe can see it: findings do load the statistics


def test_the_card_escapes_every_sentence():
    card = findings_card([Finding("change", "n", "Tickets rose on <script>alert('x')</script> & more"),
                          Finding("driver", "n", "  channel = '<b>'")])
    assert "<script>" not in card and "&lt;script&gt;" in card and "&amp; more" in card
    assert '<li class="driver">channel = &#x27;&lt;b&gt;&#x27;</li>' in card
    assert findings_card([]) == ""
