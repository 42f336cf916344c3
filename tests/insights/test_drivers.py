"""Drivers against hand-computed numbers: contributions of an additive measure, mix and
rate effects of a share from each group's own numerator and denominator (run through
the engine), and no drivers when the groups overlap."""
from datetime import date, datetime, timedelta

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.options import ReportOptions
from reportbuilder.check.check_spec import check_spec
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.insights.calendar import BucketCalendar
from reportbuilder.insights.drivers import drivers
from reportbuilder.insights.parts import decompose
from reportbuilder.insights.series import Cell, fetch
from reportbuilder.load.load_spec import load_spec_text
from reportbuilder.plan.plan_report import plan_report
from reportbuilder.run.execute import run_query

from engine.fixture_data import write_tables

OLD, NEW = date(2025, 6, 16), date(2025, 6, 23)
# (week, channel, satisfied, answers): email keeps 80% but halves its weight; chat 30% -> 40%.
CSAT = [(OLD, "email", 8, 10), (OLD, "chat", 3, 10), (NEW, "email", 4, 5), (NEW, "chat", 6, 15)]
SPEC = """source: feedback_submissions
dimensions: [{field: submitted_at, granularity: week, as: week}, ticket.channel]
measures: [csat, count() as answers]
filters: ["survey_type = 'csat'"]
date_range: {from: 2025-06-16, to: 2025-06-30}
"""


def csat_data(tmp_path, weeks=CSAT):
    """CSAT answers of (week, channel, satisfied, answers), one ticket each, plus one NPS answer."""
    tickets, answers = [], []
    for week, channel, satisfied, total in weeks:
        for i in range(total):
            tickets.append({"id": len(tickets) + 1, "channel": channel, "created_at": f"{week}T08:00:00"})
            score = 5 if i < satisfied else 2
            answers.append({"id": len(answers) + 1, "ticket_id": len(tickets), "survey_type": "csat",
                            "score": score, "submitted_at": f"{week + timedelta(days=1)}T09:00:00"})
    answers.append({"id": 999, "ticket_id": 1, "survey_type": "nps", "score": 0,  # another survey: filtered out
                    "submitted_at": f"{NEW}T09:00:00"})
    return write_tables(tmp_path, tickets=tickets, feedback_submissions=answers)


def fetched_csat(tmp_path):
    catalog = load_catalog()
    report = check_spec(load_spec_text(SPEC, "s.yaml"), catalog, ReportOptions(now_utc=datetime(2025, 6, 30, 12)))
    data = csat_data(tmp_path)
    run = lambda r: run_query(build_sql(plan_report(r, catalog), catalog), data, catalog, r.timezone)  # noqa: E731
    return fetch(report, BucketCalendar.of(report), run)


def test_group_parts_are_the_groups_own_counts(tmp_path):
    fetched = fetched_csat(tmp_path)
    csat = fetched.measures[0]
    assert csat.decomposition.proportion and csat.decomposition.scale == 100
    (_, satisfied), (_, answered) = csat.decomposition.numerator[0], csat.decomposition.denominator[0]
    table = fetched.groups["ticket.channel"]
    for week, channel, k, n in CSAT:
        cell = table[("csat", week, channel)]
        assert (cell.parts[satisfied], cell.parts[answered]) == (k, n)
        assert cell.value == pytest.approx(100 * k / n)
    assert fetched.series[("csat", NEW)].value == pytest.approx(50.0)  # 10 / 20, not the mean of 80 and 40
    assert fetched.series[("csat", OLD)].value == pytest.approx(55.0)


def test_mix_and_rate_effects_by_hand(tmp_path):
    fetched = fetched_csat(tmp_path)
    d = fetched.measures[0].decomposition
    table = fetched.groups["ticket.channel"]
    found = drivers(d, "csat", table, NEW, OLD, fetched.series[("csat", NEW)].parts,
                    fetched.series[("csat", OLD)].parts)
    # Total 55% -> 50% (-5 pts). email: rate 0, mix (0.25 - 0.5) * (0.8 + 0.8) / 2 = -20 pts;
    # chat: rate (0.4 - 0.3) * (0.75 + 0.5) / 2 = +6.25, mix (0.75 - 0.5) * (0.4 + 0.3) / 2 = +8.75.
    assert [x.group for x in found] == ["email"]  # chat pushed the other way
    email = found[0]
    assert email.rate == pytest.approx(0.0) and email.mix == pytest.approx(-20.0)
    assert email.share == pytest.approx(4.0) and (email.n_old, email.n_new) == (10, 5)



def test_rate_and_mix_effects_add_up_to_the_change_exactly(tmp_path, monkeypatch):
    """Every group kept (no minimum share): chat's own effects by hand, and the sum is the -5 pts."""
    from reportbuilder.insights import drivers as drivers_module

    monkeypatch.setattr(drivers_module, "MIN_SHARE", float("-inf"))
    fetched = fetched_csat(tmp_path)
    everything = drivers(fetched.measures[0].decomposition, "csat", fetched.groups["ticket.channel"], NEW, OLD,
                         fetched.series[("csat", NEW)].parts, fetched.series[("csat", OLD)].parts)
    chat = next(x for x in everything if x.group == "chat")
    assert chat.rate == pytest.approx(6.25) and chat.mix == pytest.approx(8.75)
    assert sum(x.effect for x in everything) == pytest.approx(-5.0)
    assert sum(x.rate + x.mix for x in everything) == pytest.approx(-5.0)


def test_contributions_add_up_and_overlaps_are_refused():
    count = check_spec(load_spec_text("source: tickets\nmeasures: [count() as n]\n", "s.yaml"), load_catalog()).measures[0]
    d = decompose(count.expr)
    agg = d.numerator[0][1]
    cell = lambda k: Cell(k, {agg: k})  # noqa: E731
    table = {("n", NEW, "a"): cell(30), ("n", NEW, "b"): cell(20), ("n", NEW, None): cell(5),
             ("n", OLD, "a"): cell(10), ("n", OLD, "b"): cell(22), ("n", OLD, None): cell(3)}
    found = drivers(d, "n", table, NEW, OLD, {agg: 55}, {agg: 35})
    assert [(x.group, x.effect, x.share) for x in found] == [("a", 20, 1.0), (None, 2, 0.1)]
    assert drivers(d, "n", table, NEW, OLD, {agg: 50}, {agg: 35}) is None  # groups sum to 55, not 50
