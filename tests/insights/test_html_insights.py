"""The findings in HTML: `rb insights -o x.html` (and `rb run -o x.html --insights`) write
the chart page of `rb run` with the findings card above the chart, holding exactly the
findings of `--format json`, escaped."""
import re
from datetime import date
from html import unescape
from pathlib import Path

from click.testing import CliRunner

from engine.fixture_data import write_tables
from reportbuilder.cli import main
from reportbuilder.render.findings_card import CARD_STYLE

from .synthetic import NOW, OWNERS, daily_tickets, insights

HOSTILE_TEAM = '<b>Tier & "2"</b>'  # a dimension value that is markup: it must come out as text
SPEC = ("source: tickets\ndimensions: [{field: created_at, granularity: week, as: week}, owner.team.name]\n"
        "measures: [count() as tickets]\ndate_range: {preset: last_12_weeks}\n")


def _doubling_team(tmp_path) -> Path:
    """Team 2 (named in markup) doubles its volume in the last complete week: a change and its driver."""
    tickets = daily_tickets(lambda d, t: 12 * (2.0 if t == 2 and d >= date(2025, 6, 23) else 1.0))
    return write_tables(tmp_path, tickets=tickets, owners=list(OWNERS), teams=[(1, "Tier 1"), (2, HOSTILE_TEAM)])


def _cli(*argv) -> str:
    result = CliRunner().invoke(main, list(argv), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _card_items(page: str) -> list[tuple[str, str]]:
    """(kind, raw sentence markup) of each item of the page's one findings card."""
    cards = re.findall(r'<div class="findings"[^>]*>(.*?)</div>', page, re.S)
    assert len(cards) == 1
    return re.findall(r'<li class="([a-z_]+)">(.*?)</li>', cards[0], re.S)


def test_insights_html_is_the_chart_page_with_the_json_findings_above_the_chart(tmp_path):
    data = _doubling_team(tmp_path)
    found = insights(tmp_path, data, SPEC)  # writes spec.yaml, answers the JSON findings
    spec = str(tmp_path / "spec.yaml")
    out = tmp_path / "findings.html"
    _cli("insights", spec, "--data", str(data), "--now", NOW, "-o", str(out))  # html from the extension
    page = out.read_text(encoding="utf-8")
    assert page.index('<div class="findings"') < page.index('<div class="card chart"><svg') < page.index("<table>")
    items = _card_items(page)
    assert [(k, unescape(s)) for k, s in items] == [(f["kind"], f["sentence"].strip()) for f in found]
    drivers = [s for k, s in items if k == "driver"]
    assert "&lt;b&gt;Tier &amp; &quot;2&quot;&lt;/b&gt;" in drivers[0]  # the planted team, escaped
    assert "<b>Tier" not in page
    assert ".findings {" in page  # the card's style travels with the page
    same = _cli("insights", spec, "--data", str(data), "--now", NOW, "--format", "html")
    assert same == page


def test_run_with_insights_writes_the_same_page_and_without_it_no_card(tmp_path):
    data = _doubling_team(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    common = (str(spec), "--data", str(data), "--now", NOW)
    _cli("insights", *common, "-o", str(tmp_path / "findings.html"))
    _cli("run", *common, "-o", str(tmp_path / "with.html"), "--insights")
    _cli("run", *common, "-o", str(tmp_path / "plain.html"))
    with_card = (tmp_path / "with.html").read_text(encoding="utf-8")
    assert with_card == (tmp_path / "findings.html").read_text(encoding="utf-8")
    plain = (tmp_path / "plain.html").read_text(encoding="utf-8")
    assert 'class="findings"' not in plain and ".findings {" not in plain
    assert re.sub(r'<div class="findings".*?</div>\n', "", with_card, flags=re.S).replace(CARD_STYLE, "") == plain


def test_a_report_drawn_as_a_table_gets_the_card_above_the_table(tmp_path):
    data = _doubling_team(tmp_path)
    spec = ("source: tickets\ndimensions: [{field: created_at, granularity: week, as: week}]\n"
            "measures: [count() as tickets]\ndate_range: {preset: last_12_weeks}\nchart: {type: table}\n")
    found = insights(tmp_path, data, spec)
    page = _cli("insights", str(tmp_path / "spec.yaml"), "--data", str(data), "--now", NOW, "--format", "html")
    assert "<svg" not in page and page.index('<div class="findings"') < page.index("<table>")
    assert [unescape(s) for _, s in _card_items(page)] == [f["sentence"].strip() for f in found]


def test_a_report_without_time_buckets_shows_why_in_the_card(tmp_path):
    data = _doubling_team(tmp_path)
    spec = "source: tickets\ndimensions: [channel]\nmeasures: [count() as n]\n"
    found = insights(tmp_path, data, spec)
    page = _cli("insights", str(tmp_path / "spec.yaml"), "--data", str(data), "--now", NOW, "--format", "html")
    assert _card_items(page) == [("withheld", found[0]["sentence"])] and "no time dimension" in page


def test_run_insights_outside_html_is_a_usage_error(tmp_path):
    for extra in ((), ("--format", "json"), ("-o", str(tmp_path / "x.png"))):
        result = CliRunner().invoke(main, ["run", "tickets_created_over_time", "--insights", *extra])
        assert result.exit_code == 2 and "--insights draws a findings card on the HTML chart page" in result.output
        assert "Traceback" not in result.output
