"""The table of scalar functions (expr.scalars) is the one place that defines a scalar function.

The checker and the SQL compiler ask it and the reference evaluator keys its Python
meanings by the same names; adding an entry is enough for a new function to be checked,
compiled and run, which the last tests show by adding `sign` for the length of one test.
"""
from __future__ import annotations

import pytest

from reportbuilder.check import functions as fn
from reportbuilder.errors import SpecError
from reportbuilder.expr.aggregates import NUMERIC
from reportbuilder.expr.scalars import SCALARS, Scalar
from tests.engine.fixture_data import invoke, write_tables
from tests.oracle import reference
from tests.oracle.reference import evaluate
from tests.oracle.strategies import TABLES, catalog, check_text, run_sql


@pytest.mark.parametrize("entry", SCALARS.values(), ids=list(SCALARS))
def test_argument_roles_fit_the_arity(entry):
    low, high = entry.arity
    roles = entry.raw + entry.timestamps + tuple(i for i in (entry.calendar,) if i is not None)
    assert all(0 <= i < high for i in roles)
    assert entry.literal is None or 0 <= entry.literal.index < high
    assert not set(entry.raw) & set(entry.timestamps)
    assert (entry.constant is None) == (entry.sql is not None)  # a constant never reaches SQL
    assert entry.constant is None or entry.arity == (0, 0)


def test_scalars_and_aggregates_do_not_share_a_name():
    assert not set(SCALARS) & set(fn.AGGREGATES)


def test_the_reference_evaluator_gives_every_compiled_scalar_a_meaning():
    """Every function that reaches SQL, except the business-time ones (they read calendars)."""
    compiled = {name for name, s in SCALARS.items() if s.constant is None and s.calendar is None}
    assert set(reference.MEANINGS) == compiled


def test_internal_functions_are_not_callable_from_a_spec(tmp_path):
    data = write_tables(tmp_path, tickets=[])
    result = invoke("source: tickets\nmeasures: ['sum(seconds_between(created_at, created_at)) as x']\n", data)
    assert result.exit_code == 2 and "unknown function 'seconds_between'" in result.output


def _sign_type(types, args):
    return "integer" if types[0] in NUMERIC + ("null",) else None


def _sign_sql(compiler, args):
    from sqlglot import exp

    return exp.Sign(this=args[0])


SIGN = Scalar("sign", (1, 1), _sign_type, _sign_sql)


@pytest.fixture
def with_sign(monkeypatch):
    monkeypatch.setitem(SCALARS, "sign", SIGN)
    monkeypatch.setitem(reference.MEANINGS, "sign", (lambda r, a: (a[0] > 0) - (a[0] < 0), False))
    yield


SIGN_SPEC = ("source: tickets\ndimensions: ['sign(handle_time_seconds - 60) as direction']\n"
             "measures: ['count() as n']\n")


def _by_direction(rows):
    return sorted(rows, key=lambda r: (r["direction"] is None, r["direction"] or 0))


def test_one_entry_adds_a_scalar_function(tmp_path, with_sign):
    """sign(handle - 60): 100 -> 1; 50 and 30 -> -1; 60 -> 0; a null handle time -> null.
    The SQL path (DuckDB) and the reference evaluator both give those groups."""
    given = [{"id": i, "handle_time_seconds": h} for i, h in ((1, 100), (2, 50), (3, 60), (4, None), (5, 30))]
    data = {"tickets": [{c: row.get(c) for c, _ in TABLES["tickets"]} for row in given]}
    expected = [{"direction": -1, "n": 2}, {"direction": 0, "n": 1}, {"direction": 1, "n": 1},
                {"direction": None, "n": 1}]
    report = check_text(SIGN_SPEC)
    assert _by_direction(run_sql(report, data, tmp_path / "data")) == expected
    assert _by_direction(evaluate(report, data, catalog())) == expected


def test_the_new_scalar_is_checked_from_its_entry(tmp_path, with_sign):
    data = write_tables(tmp_path, tickets=[])
    wrong_type = invoke("source: tickets\ndimensions: ['sign(priority) as s']\nmeasures: ['count() as n']\n", data)
    assert wrong_type.exit_code == 2 and "sign() cannot take (text)" in wrong_type.output
    wrong_count = invoke("source: tickets\ndimensions: ['sign(1, 2) as s']\nmeasures: ['count() as n']\n", data)
    assert wrong_count.exit_code == 2 and "sign() takes 1 argument(s), got 2" in wrong_count.output
    with pytest.raises(SpecError) as typo:
        check_text("source: tickets\ndimensions: ['sgn(handle_time_seconds) as s']\nmeasures: ['count() as n']\n")
    found = typo.value.diagnostics[0]
    assert found.code == "unknown-function" and "sign" in found.suggestions
