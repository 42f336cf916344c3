"""Unparse round trip: parse(unparse(parse(s))) == parse(s), positions ignored.

On the parse table of test_parse.py, then on random ASTs from hypothesis strategies.
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbuilder.expr import ast
from reportbuilder.expr.ast import Between, Binary, Call, Case, FieldRef, InList, IsNull, Literal, Unary
from reportbuilder.expr.parse_expr import parse_expression
from reportbuilder.expr.unparse import unparse


def _load_parse_table():
    # loaded by path: test modules are not a package, and a plain import could pick another test_parse
    spec = importlib.util.spec_from_file_location("expr_parse_table", Path(__file__).with_name("test_parse.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PARSE_CASES


def strip(node):
    return replace(ast.map_children(node, strip), pos=(1, 1))


def round_trip(node):
    return strip(parse_expression(unparse(node)))


def _table_params():
    params = []
    for source, _ in _load_parse_table():
        params.append(pytest.param(source, id=source))
    return params


@pytest.mark.parametrize("source", _table_params())
def test_round_trip_table(source):
    parsed = strip(parse_expression(source))
    assert round_trip(parsed) == parsed


@pytest.mark.parametrize("source", [
    "count() as tickets",
    "owner.team.name AS team",
    "hours(avg(first_response_at - created_at)) as h",
])
def test_round_trip_aliased(source):
    node, name = parse_expression(source, aliased=True)
    again, again_name = parse_expression(f"{unparse(node)} as {name}", aliased=True)
    assert (strip(again), again_name) == (strip(node), name)


def test_unparse_examples():
    assert unparse(parse_expression("'it''s'")) == "'it''s'"
    assert unparse(parse_expression("interval 'it''s'")) == "interval 'it''s'"
    assert unparse(parse_expression("a <> b")) == "(a != b)"
    assert unparse(parse_expression("x NOT IN (1, 2)")) == "(x not in (1, 2))"
    assert unparse(parse_expression("x is not null")) == "(x is not null)"
    assert unparse(parse_expression("COUNT()")) == "count()"
    assert unparse(parse_expression("case when a then 1 end")) == "case when a then 1 end"
    assert unparse(parse_expression("-5")) == "-5"
    assert unparse(parse_expression("null")) == "null"


@pytest.mark.parametrize("source", [
    "(not a) = b",
    "(not a) + 1",
    "(not a) is null",
    "(not a) in (true)",
    "(not a) like 'x'",
    "(not a) between b and c",
    "x between (not a) and b",
    "x between a and (not b)",
])
def test_round_trip_not_as_operand(source):
    parsed = strip(parse_expression(source))
    assert round_trip(parsed) == parsed


# -- random ASTs --------------------------------------------------------------------------
KEYWORDS = {"or", "and", "not", "in", "between", "is", "null", "true", "false", "interval",
            "case", "when", "then", "else", "end", "as", "like", "ilike"}

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True).filter(lambda n: n.lower() not in KEYWORDS)
# names that begin with a keyword are the ones a careless lexer splits
keyword_prefixed = st.builds(lambda k, rest: k + rest, st.sampled_from(sorted(KEYWORDS)),
                             st.from_regex(r"[a-z0-9_]{1,4}", fullmatch=True))
identifiers = st.one_of(names, keyword_prefixed)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)

numbers = st.one_of(
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
).map(lambda v: Literal(v, "number"))
literals = st.one_of(
    numbers,
    texts.map(lambda t: Literal(t, "string")),
    texts.map(lambda t: Literal(t, "interval")),
    st.booleans().map(lambda v: Literal(v, "boolean")),
    st.just(Literal(None, "null")),
)
field_refs = st.lists(identifiers, min_size=1, max_size=3).map(lambda p: FieldRef(tuple(p)))
leaves = st.one_of(literals, field_refs)

BINARY_OPS = ("=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "and", "or", "like", "ilike")
ARITH_LIKE = {"=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "like", "ilike"}


def _negate(node):
    # the parser folds `-<number>` into a negative literal, so build that instead
    if isinstance(node, Literal) and node.kind == "number":
        return Literal(-node.value, "number")
    return Unary("-", node)


def _extend(children):
    small = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(Binary, st.sampled_from(BINARY_OPS), children, children),
        st.builds(lambda n: Unary("not", n), children),
        st.builds(_negate, children),
        st.builds(Call, identifiers.map(str.lower), st.lists(children, max_size=3).map(tuple)),
        st.builds(InList, children, small, st.booleans()),
        st.builds(Between, children, children, children, st.booleans()),
        st.builds(IsNull, children, st.booleans()),
        st.builds(Case, st.lists(st.tuples(children, children), min_size=1, max_size=3).map(tuple),
                  st.one_of(st.none(), children)),
    )


expressions = st.recursive(leaves, _extend, max_leaves=20)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(literals)
def test_round_trip_literals(node):
    again = parse_expression(unparse(node))
    assert strip(again) == node
    if node.kind == "number":
        assert type(again.value) is type(node.value)
        if isinstance(node.value, float):
            assert math.copysign(1, again.value) == math.copysign(1, node.value)


@FAST
@given(identifiers)
def test_round_trip_identifiers(name):
    assert parse_expression(name) == FieldRef((name,))
    assert strip(parse_expression(f"{name} = 1")) == Binary("=", FieldRef((name,)), Literal(1, "number"))


@FAST
@given(expressions)
def test_round_trip_random_expressions(node):
    assert round_trip(node) == node


@FAST
@given(expressions, identifiers)
def test_round_trip_random_aliased(node, alias):
    again, name = parse_expression(f"{unparse(node)} as {alias}", aliased=True)
    assert (strip(again), name) == (node, alias)
