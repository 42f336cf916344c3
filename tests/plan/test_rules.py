"""The planner's rules as passes (plan.rules): each one switched off, and all on, the answers
stay those of the reference evaluator (tests/oracle/reference.py), on random specs and on one
spec per rule that the rule rewrites; and the invariants (plan.validate_plan) are enforced.
`range_start_pushdown` rewrites only derived source entities, which the reference evaluator
does not compute: its example is compared with the same report planned without it.

A longer run, as for the oracle (ARCHITECTURE.md, "Testing the rules"): RB_PROPERTY_EXAMPLES=2000 .venv/bin/python -m pytest tests/plan -q
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, note, reject, settings
from hypothesis import strategies as st

from reportbuilder.plan.plan_report import naive_plan, plan_report
from reportbuilder.plan.query_plan import (PLAN_NODES, BranchJoin, Direct, DistinctPerGrain, ExistenceFilter,
                                          KeyRestriction, PartialCombine, PreGrouped)
from reportbuilder.plan.rules import (RULES, branches, eager_aggregation, existence_tests, fan_out_merge,
                                      key_restriction, range_start_pushdown)
from reportbuilder.plan.validate_plan import InvalidPlan, validate
from tests.oracle.reference import evaluate
from tests.oracle.strategies import (RANGE_BOUNDS, ZONES, assert_rows_match, catalog, check_text, datasets, run_sql,
                                     spec_yaml, specs)

EXAMPLES = max(int(os.environ.get("RB_PROPERTY_EXAMPLES", "60")) // 10, 6)  # per switch: 7 switches, 2 tests
SETTINGS = dict(deadline=None, derandomize=os.environ.get("RB_PROPERTY_RANDOM", "") in ("", "0"), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# one spec each rule rewrites, and what it looks like with the rule on
EXAMPLE = {
    existence_tests: """
source: tickets
dimensions: [priority]
measures: [count() as tickets, sum(handle_time_seconds) as handle]
filters: ["conversations.messages.sender_type = 'bot'"]
""",
    branches: """
source: tickets
dimensions: [priority]
measures: [count() as tickets, count(conversations) as conversations, sum(calls.duration_seconds) as seconds,
           avg(calls.duration_seconds) as avg_call]
""",
    fan_out_merge: """
source: tickets
dimensions: [conversations.channel]
measures: [count() as tickets, sum(handle_time_seconds) as handle, count(conversations) as conversations,
           min(conversations.id) as first_conversation]
""",
    eager_aggregation: """
source: tickets
dimensions: [owner.team.name, priority]
measures: [count() as tickets, avg(handle_time_seconds) as handle, max(handle_time_seconds) as longest]
""",
    key_restriction: """
source: tickets
dimensions: [priority]
measures: [count() as tickets, sum(agent_reply_count) as replies, max(reopen_count) as reopens]
filters: ["status != 'closed'", "owner.active"]
date_range: {from: "2025-03-09", to: "2025-11-02T01:30:00"}
""",
    range_start_pushdown: """
source: ticket_status_periods
dimensions: [status]
measures: [count() as stays, sum(seconds) as seconds, max(ended_at) as last_end]
""",
}
# the examples the reference evaluator computes (not the derived source of range_start_pushdown)
ORACLE_EXAMPLES = [text for rule, text in EXAMPLE.items() if rule is not range_start_pushdown]

SWITCHES = {"all on": RULES, **{"without " + r.__name__: tuple(x for x in RULES if x is not r) for r in RULES}}


def _fired(rule, plan) -> bool:
    """Whether `plan` shows the rewrite of `rule`."""
    if rule is key_restriction:
        return plan.report_keys is not None
    if rule is range_start_pushdown:
        return plan.range_start is not None
    flag = {existence_tests: lambda s: s.existence, branches: lambda s: isinstance(s.rows, Direct) and s.rows.parts,
            fan_out_merge: lambda s: isinstance(s.rows, DistinctPerGrain) and s.rows.parts,
            eager_aggregation: lambda s: s.rows == PreGrouped()}[rule]
    return any(flag(s) for s in plan.steps)


def _example(rule, date_range: str = 'date_range: {from: "2025-03-09", to: "2025-11-02T01:30:00"}\n'):
    """The checked example of `rule` (the derived source's with a date range on its time field)."""
    return check_text(EXAMPLE[rule] + (date_range if rule is range_start_pushdown else ""))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_each_rule_rewrites_its_example_and_only_it_does(rule):
    report = _example(rule)
    on = plan_report(report, catalog())
    off = plan_report(report, catalog(), SWITCHES["without " + rule.__name__])
    assert _fired(rule, on) and not _fired(rule, off)
    assert not _fired(rule, naive_plan(report, catalog()))


def test_rules_off_is_the_naive_plan():
    report = check_text(EXAMPLE[existence_tests])
    naive = plan_report(report, catalog(), ())
    step, = naive.steps
    # the filter's branch joined, so each ticket is made distinct again
    assert step.rows == DistinctPerGrain() and ("conversations", "messages") in step.nodes and not step.existence
    step, = plan_report(report, catalog()).steps
    assert step.rows == Direct() and step.nodes == ((),)


def _check(report, data, rules):
    try:
        expected = evaluate(report, data, catalog())
    except NotImplementedError:  # e.g. business_seconds in a derived field: nothing to compare with
        reject()
    with tempfile.TemporaryDirectory() as directory:
        actual = run_sql(report, data, directory, rules)
    assert_rows_match(report, expected, actual)


@pytest.mark.parametrize("switch", SWITCHES)
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.data())
def test_random_specs_match_reference(switch, draws):
    data = draws.draw(datasets(), label="data")
    text = spec_yaml(draws.draw(specs(data), label="spec"))
    note(f"spec:\n{text}")
    note(f"data: {data!r}")
    _check(check_text(text), data, SWITCHES[switch])


@pytest.mark.parametrize("switch", SWITCHES)
@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.data())
def test_rule_examples_match_reference(switch, draws):
    data = draws.draw(datasets(), label="data")
    text = draws.draw(st.sampled_from(ORACLE_EXAMPLES), label="spec")
    note(f"spec:\n{text}")
    note(f"data: {data!r}")
    _check(check_text(text), data, SWITCHES[switch])


def _replaced(plan, step):
    return replace(plan, steps=(step,) + plan.steps[1:])


def test_a_slot_no_step_produces_is_refused():
    plan = plan_report(check_text(EXAMPLE[branches]), catalog())
    root = plan.steps[0]
    with pytest.raises(InvalidPlan, match="does not produce"):
        validate(_replaced(plan, replace(root, rows=Direct(root.rows.parts[1:]))))


def test_a_branch_over_a_joined_child_is_refused():
    plan = plan_report(check_text(EXAMPLE[fan_out_merge]), catalog())
    host = plan.steps[0]
    assert host.rows.parts
    moved = replace(host, rows=Direct((BranchJoin(("conversations",), host.rows.merged),)))
    with pytest.raises(InvalidPlan, match="branches on a step other than"):
        validate(_replaced(plan, moved))


def test_a_part_in_the_wrong_row_shape_is_refused():
    """Partials belong to a distinct pass, branches to the source's direct step: swapped, each is refused."""
    fanned = plan_report(check_text(EXAMPLE[fan_out_merge]), catalog())
    host = fanned.steps[0]
    with pytest.raises(InvalidPlan, match="a Direct step holds PartialCombine parts"):
        validate(_replaced(fanned, replace(host, rows=Direct(host.rows.parts))))
    branched = plan_report(check_text(EXAMPLE[branches]), catalog())
    root = branched.steps[0]
    with pytest.raises(InvalidPlan, match="a DistinctPerGrain step holds BranchJoin parts"):
        validate(_replaced(branched, replace(root, rows=DistinctPerGrain(root.rows.parts))))


def test_a_pre_grouped_step_has_no_parts_and_no_grain():
    """PreGrouped cannot hold parts (no such field), so a pre-grouped step with branches cannot be
    built; made pre-grouped, the branches' slots are no longer produced and validate refuses it."""
    with pytest.raises(TypeError):
        PreGrouped(parts=())
    branched = plan_report(check_text(EXAMPLE[branches]), catalog())
    with pytest.raises(InvalidPlan, match="does not produce"):
        validate(_replaced(branched, replace(branched.steps[0], rows=PreGrouped())))
    fanned = plan_report(check_text(EXAMPLE[fan_out_merge]), catalog())
    host = fanned.steps[0]
    assert host.grain == ()
    conversations = next(s for s in plan_report(check_text(EXAMPLE[fan_out_merge]), catalog(),
                                                RULES[:2]).steps if s.grain)
    with pytest.raises(InvalidPlan, match="pre-grouped with a grain"):
        validate(replace(fanned, steps=fanned.steps + (replace(conversations, name="extra", aggregates=(),
                                                               rows=PreGrouped()),)))


def test_a_shape_or_filter_of_the_wrong_node_type_is_refused():
    plan = plan_report(check_text(EXAMPLE[existence_tests]), catalog())
    step = plan.steps[0]
    with pytest.raises(InvalidPlan, match="not a row shape"):
        validate(_replaced(plan, replace(step, rows=BranchJoin(("calls",), ()))))
    with pytest.raises(InvalidPlan, match="not an ExistenceFilter"):
        validate(_replaced(plan, replace(step, existence=(PartialCombine(()),))))
    with pytest.raises(InvalidPlan, match="joins a branch it tests"):
        validate(_replaced(plan, replace(step, existence=(ExistenceFilter((), (0,), ((),)),))))


def test_key_restriction_records_the_source_only_conditions():
    plan = plan_report(_example(key_restriction), catalog())
    # `status != 'closed'` reads the source's stored column; `owner.active` reads a linked node
    assert plan.report_keys == KeyRestriction(filters=(0,), window=True)
    compared = check_text(EXAMPLE[key_restriction] + "compare: previous_period\n")
    assert plan_report(compared, catalog()).report_keys == KeyRestriction(filters=(0,), window=False)
    # no lookup of the source: nothing to restrict, the rule does not fire
    plain = check_text("source: tickets\nmeasures: [count() as n]\nfilters: [\"status = 'open'\"]\n")
    assert plan_report(plain, catalog()).report_keys is None


def test_range_start_is_the_utc_start_of_a_range_on_the_derived_sources_time_field():
    report = _example(range_start_pushdown, 'date_range: {from: "2025-03-09", to: "2025-03-10"}\ntimezone: America/New_York\n')
    assert plan_report(report, catalog()).range_start == datetime(2025, 3, 9, 5, 0)
    compared = _example(range_start_pushdown, 'date_range: {from: "2025-03-09", to: "2025-03-10"}\ncompare: previous_period\n')
    assert plan_report(compared, catalog()).range_start is None
    assert plan_report(check_text(EXAMPLE[range_start_pushdown]), catalog()).range_start is None  # no range


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(st.data())
def test_range_start_pushdown_keeps_the_answers(draws):
    """On random history, the derived source planned with and without the pushed range start."""
    data = draws.draw(datasets(), label="data")
    start, end = draws.draw(st.sampled_from(RANGE_BOUNDS), label="range")
    zone = draws.draw(st.sampled_from(ZONES), label="zone")
    report = _example(range_start_pushdown, f'date_range: {{from: "{start}", to: "{end}"}}\ntimezone: {zone}\n')
    note(f"data: {data!r}")
    with tempfile.TemporaryDirectory() as on, tempfile.TemporaryDirectory() as off:
        pushed = run_sql(report, data, on)
        assert_rows_match(report, run_sql(report, data, off, SWITCHES["without range_start_pushdown"]), pushed)


def test_placeholder_decisions_outside_their_rules_are_refused():
    plan = plan_report(_example(key_restriction), catalog())
    with pytest.raises(InvalidPlan, match="report keys"):
        validate(replace(plan, report_keys=KeyRestriction(filters=(1,), window=False)))  # owner.active
    with pytest.raises(InvalidPlan, match="range start"):
        validate(replace(plan_report(check_text(EXAMPLE[range_start_pushdown]), catalog()),
                         range_start=datetime(2025, 1, 1)))


def test_the_examples_cover_every_node_type_and_emit_has_exactly_one_function_for_each():
    from reportbuilder.emit.step_sql import EMITTERS

    def nodes_of(plan):
        for step in plan.steps:
            yield from (step.rows, *step.rows.parts, *step.existence)

    seen = {rule: {type(n) for n in nodes_of(plan_report(_example(rule), catalog()))} for rule in EXAMPLE}
    assert set().union(*seen.values()) == set(PLAN_NODES) == set(EMITTERS)
    assert len(PLAN_NODES) == len(set(PLAN_NODES)) == len(set(EMITTERS.values()))  # one function per node
    assert PreGrouped in seen[eager_aggregation] and PartialCombine in seen[fan_out_merge]
    assert BranchJoin in seen[branches] and ExistenceFilter in seen[existence_tests]
