"""The planner's rules as passes (plan.rules): each one switched off, and all on, the answers
stay those of the reference evaluator (tests/oracle/reference.py), on random specs and on one
spec per rule that the rule rewrites; and the invariants (plan.validate_plan) are enforced.

A longer run, as for the oracle: RB_PROPERTY_EXAMPLES=500 .venv/bin/python -m pytest tests/plan -q
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, note, reject, settings
from hypothesis import strategies as st

from reportbuilder.plan.plan_report import naive_plan, plan_report
from reportbuilder.plan.query_plan import Branch
from reportbuilder.plan.rules import RULES, branches, eager_aggregation, existence_tests, fan_out_merge
from reportbuilder.plan.validate_plan import InvalidPlan, validate
from tests.oracle.reference import evaluate
from tests.oracle.strategies import assert_rows_match, catalog, check_text, datasets, run_sql, spec_yaml, specs

EXAMPLES = max(int(os.environ.get("RB_PROPERTY_EXAMPLES", "60")) // 10, 6)  # per switch: 5 switches, 2 tests
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
}

SWITCHES = {"all on": RULES, **{"without " + r.__name__: tuple(x for x in RULES if x is not r) for r in RULES}}


def _fired(rule, plan) -> bool:
    """Whether `plan` shows the rewrite of `rule`."""
    flag = {existence_tests: lambda s: s.semi_joins, branches: lambda s: s.branches,
            fan_out_merge: lambda s: s.partials, eager_aggregation: lambda s: s.pre_aggregated}[rule]
    return any(flag(s) for s in plan.steps)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_each_rule_rewrites_its_example_and_only_it_does(rule):
    report = check_text(EXAMPLE[rule])
    on = plan_report(report, catalog())
    off = plan_report(report, catalog(), SWITCHES["without " + rule.__name__])
    assert _fired(rule, on) and not _fired(rule, off)
    assert not _fired(rule, naive_plan(report, catalog()))


def test_rules_off_is_the_naive_plan():
    report = check_text(EXAMPLE[existence_tests])
    naive = plan_report(report, catalog(), ())
    step, = naive.steps
    # the filter's branch joined, so each ticket is made distinct again
    assert step.distinct and ("conversations", "messages") in step.nodes and not step.semi_joins
    step, = plan_report(report, catalog()).steps
    assert not step.distinct and step.nodes == ((),)


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
    text = draws.draw(st.sampled_from(list(EXAMPLE.values())), label="spec")
    note(f"spec:\n{text}")
    note(f"data: {data!r}")
    _check(check_text(text), data, SWITCHES[switch])


def test_pre_aggregated_with_branches_is_refused():
    plan = plan_report(check_text(EXAMPLE[branches]), catalog())
    root = plan.steps[0]
    assert root.branches
    broken = replace(plan, steps=(replace(root, pre_aggregated=True),) + plan.steps[1:])
    with pytest.raises(InvalidPlan, match="pre-aggregated"):
        validate(broken)


def test_a_slot_no_step_produces_is_refused():
    plan = plan_report(check_text(EXAMPLE[branches]), catalog())
    root = plan.steps[0]
    dropped = replace(root, branches=root.branches[1:])
    with pytest.raises(InvalidPlan, match="does not produce"):
        validate(replace(plan, steps=(dropped,) + plan.steps[1:]))


def test_a_branch_over_a_joined_child_is_refused():
    plan = plan_report(check_text(EXAMPLE[fan_out_merge]), catalog())
    host = plan.steps[0]
    assert host.partials
    moved = replace(host, distinct=False, partials=(), branches=(Branch(("conversations",), host.partials),))
    with pytest.raises(InvalidPlan, match="branches on a step other than"):
        validate(replace(plan, steps=(moved,) + plan.steps[1:]))
