"""What a dashboard says about the data: filter values that match nothing (did-you-mean, through
the viewer's restricted view), and reports without a date range of their own keeping none."""
from __future__ import annotations

from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.dashboard.filter_values import unmatched_warning

from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE

NOW = "2025-06-30T12:00:00"
COUNT = "title: {title}\nsource: tickets\n{range}measures: [count() as n]\n"


def _dashboard(tmp_path, filters: str, *, date_range: str = "date_range: {preset: last_7_days}\n",
               reports=("tickets.yaml",)):
    dash = tmp_path / "d.yaml"
    dash.write_text(f"title: D\nreports: [{', '.join(reports)}]\n{date_range}filters: {filters}\n")
    return dash


def _run(tmp_path, dash, *extra):
    out = tmp_path / "d.html"
    result = CliRunner().invoke(main, ["dashboard", str(dash), "-o", str(out), "--data", str(FIXTURE), "--now", NOW,
                                       *extra], env={"RB_USER": ""})
    return result, out.read_text(encoding="utf-8") if out.exists() else ""


def _spec(tmp_path, name="tickets", title="Tickets", range_="date_range: {field: created_at}\n"):
    (tmp_path / f"{name}.yaml").write_text(COUNT.format(title=title, range=range_))


def test_a_filter_value_that_matches_nothing_warns_with_a_did_you_mean(tmp_path):
    _spec(tmp_path)
    result, page = _run(tmp_path, _dashboard(tmp_path, "{team: Tier 3}"))
    assert result.exit_code == 0, result.output
    expected = "dashboard filter team: 'Tier 3' matches no value in this data; did you mean 'Tier 2' or 'Tier 1'?"
    assert f"warning: {expected}" in result.output  # stderr (mixed into output by CliRunner)
    assert 'class="note filter-warning">dashboard filter team: &#x27;Tier 3&#x27; matches no value' in page


def test_a_matching_filter_value_gives_no_warning(tmp_path):
    _spec(tmp_path)
    result, page = _run(tmp_path, _dashboard(tmp_path, "{team: Tier 2, owner: [Bob Chen, Alice Martin]}"))
    assert result.exit_code == 0 and "warning" not in result.output and "filter-warning" not in page


def test_each_unmatched_value_of_a_list_is_named_once():
    warning = unmatched_warning("owner", ["Bob Chen", "Bob Chan", "Zed"], ["Alice Martin", "Bob Chen"])
    assert warning == ("dashboard filter owner: 'Bob Chan' matches no value in this data; did you mean "
                       "'Bob Chen'?; 'Zed' matches no value in this data")
    assert unmatched_warning("team", "tier 2", ["Tier 2"]).endswith("did you mean 'Tier 2'?")  # case differs
    assert unmatched_warning("team", "X", []).endswith("(the data has no value for it)")


def test_the_values_offered_are_those_the_viewer_may_see(tmp_path):
    # bob (member) sees only his own tickets: another agent's name matches nothing for him, and the
    # warning never names a value he may not see; the admin sees Alice's tickets: no warning.
    (tmp_path / "rb.yaml").write_text(WORKSPACE)
    _spec(tmp_path)
    dash = _dashboard(tmp_path, "{owner: Alice Martin}")
    common = ("--workspace", str(tmp_path / "rb.yaml"))
    as_member, _ = _run(tmp_path, dash, *common, "--as", MEMBER)
    assert "warning: dashboard filter owner: 'Alice Martin' matches no value in this data" in as_member.output
    assert "Carol" not in as_member.output and "did you mean" not in as_member.output
    as_admin, _ = _run(tmp_path, dash, *common, "--as", "lead@example.com")
    assert as_admin.exit_code == 0 and "warning" not in as_admin.output


def test_a_report_without_a_date_range_keeps_none(tmp_path):
    # all-time (open now) and no date_range at all keep all time; a field-only date_range opts in
    _spec(tmp_path, "open_now", "Open now", "date_range: {field: created_at, preset: all_time}\n")
    _spec(tmp_path, "bare", "Bare", "")
    _spec(tmp_path, "opted", "Opted in")
    dash = _dashboard(tmp_path, "{}", reports=("open_now.yaml", "bare.yaml", "opted.yaml"),
                      date_range="date_range: {from: '2025-06-02', to: '2025-06-03'}\n")
    result, page = _run(tmp_path, dash, "--format", "html")
    assert result.exit_code == 0, result.output
    cards = {name: page.split(f'{name}.yaml"')[1].split("</section>")[0] for name in ("open_now", "bare", "opted")}
    for name in ("open_now", "bare"):
        assert ">all time<" in cards[name] and "has no date range of its own" in cards[name]
        assert ">12<" in cards[name]  # every ticket of the fixture
    assert "2025-06-02<" in cards["opted"] and ">1<" in cards["opted"] and "note" not in cards["opted"]
