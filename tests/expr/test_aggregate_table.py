"""The table of aggregates (expr.aggregates) is the one place that defines an aggregate.

The checker, planner, SQL builder, drill-down and insights ask it; adding an entry is
enough for a new aggregate to be checked, planned and run, which the last test shows by
adding `bool_or` for the length of one test.
"""
from __future__ import annotations

import pytest

from reportbuilder.check import functions as fn
from reportbuilder.check.resolved import Agg
from reportbuilder.expr.aggregates import AGGREGATES, SAME, Aggregate
from tests.engine.fixture_data import invoke, run_report, write_tables


@pytest.mark.parametrize("entry", AGGREGATES.values(), ids=list(AGGREGATES))
def test_argument_roles_fit_the_arity(entry):
    low, high = entry.arity
    roles = entry.conditions + tuple(i for i in (entry.selector, entry.fraction) if i is not None)
    assert all(0 <= i < high for i in roles)
    assert entry.selector is None or entry.selector in entry.conditions  # a selector is a condition
    assert (entry.parts is None) == (entry.combine is None)
    assert not entry.count_like or entry.result_type(["text"]) == "integer"


def test_count_with_no_argument_reads_its_grain_key():
    entry = AGGREGATES["count"]
    counted = Agg("count", (), ("owner",), "integer")
    assert entry.counts_rows(counted)
    assert [x.path for x in entry.inputs(counted)] == [("owner",)]


def test_a_percentile_reads_its_value_not_its_fraction():
    entry = AGGREGATES["percentile"]
    call = Agg("percentile", ("value", "fraction"), (), "number")
    assert entry.inputs(call) == ["value"]


def test_every_aggregate_is_a_known_function():
    assert set(AGGREGATES) <= set(fn.ALL_FUNCTIONS)


def _bool_or(agg, inputs):
    from sqlglot import exp

    return exp.LogicalOr(this=inputs[0])


BOOL_OR = Aggregate("bool_or", (1, 1), SAME, _bool_or, conditions=(0,))


@pytest.fixture
def with_bool_or(monkeypatch):
    monkeypatch.setitem(AGGREGATES, "bool_or", BOOL_OR)
    monkeypatch.setattr(fn, "ALL_FUNCTIONS", tuple(sorted(set(fn.ALL_FUNCTIONS) | {"bool_or"})))
    yield


def test_one_entry_adds_an_aggregate(tmp_path, with_bool_or):
    """bool_or(owner.active) per priority: high has an active owner; low's only owner is
    inactive (the ticket without an owner adds no value); its grain is the owner, so owner 2
    counts once although it holds two low tickets."""
    data = write_tables(
        tmp_path,
        owners=[(1, "Ann", "a@x", None, True), (2, "Bo", "b@x", None, False)],
        tickets=[{"id": i, "owner_id": o, "priority": p, "status": "open", "created_at": "2025-06-01T10:00:00"}
                 for i, o, p in ((1, 1, "high"), (2, 2, "high"), (3, 2, "low"), (4, 2, "low"), (5, None, "low"))])
    rows = run_report("source: tickets\ndimensions: [priority]\n"
                      "measures: ['bool_or(owner.active) as any_active', 'count() as n']\nsort: [priority]\n", data)
    assert rows == [{"priority": "high", "any_active": True, "n": 2},
                    {"priority": "low", "any_active": False, "n": 3}]


def test_the_new_aggregate_is_type_checked_from_its_entry(tmp_path, with_bool_or):
    data = write_tables(tmp_path, tickets=[])
    result = invoke("source: tickets\nmeasures: ['bool_or(priority) as x']\n", data)
    assert result.exit_code == 2 and "bool_or() needs a condition" in result.output
