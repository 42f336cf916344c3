"""The expression grammar as a language: a table of `source -> AST`, then node positions.

The table compares ASTs with positions stripped (every `pos` set to (1, 1)); positions
have their own tests below. `PARSE_CASES` is also the round-trip table of test_unparse.py.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from reportbuilder.expr import ast
from reportbuilder.expr.ast import Between, Binary, Call, Case, FieldRef, InList, IsNull, Literal, Unary
from reportbuilder.expr.parse_expr import parse_expression


def strip(node):
    """The node with every position reset to (1, 1), so that shapes compare alone."""
    if isinstance(node, tuple):  # the (node, alias) pair of aliased parsing
        return (strip(node[0]), node[1])
    moved = ast.map_children(node, strip)
    return replace(moved, pos=(1, 1))


def F(*path):
    return FieldRef(tuple(path))


def N(value):
    return Literal(value, "number")


def S(value):
    return Literal(value, "string")


def B(op, left, right):
    return Binary(op, left, right)


TRUE, FALSE, NULL = Literal(True, "boolean"), Literal(False, "boolean"), Literal(None, "null")
a, b, c, x, y = F("a"), F("b"), F("c"), F("x"), F("y")

PARSE_CASES = [
    # -- literals -------------------------------------------------------------------
    ("42", N(42)),
    ("0", N(0)),
    ("3.5", N(3.5)),
    (".5", N(0.5)),
    ("1e3", N(1000.0)),
    ("1.5E-3", N(0.0015)),
    ("2e+2", N(200.0)),
    ("-5", N(-5)),
    ("- 5", N(-5)),
    ("-2.5e3", N(-2500.0)),
    ("--5", N(5)),
    ("-(5)", N(-5)),
    ("'text'", S("text")),
    ("''", S("")),
    ("'it''s'", S("it's")),
    ("''''", S("'")),
    ("'a''''b'", S("a''b")),
    ("'x = (y) and z'", S("x = (y) and z")),
    ("'café ☕'", S("café ☕")),
    ("'two\nlines'", S("two\nlines")),
    ("true", TRUE),
    ("TRUE", TRUE),
    ("False", FALSE),
    ("null", NULL),
    ("NULL", NULL),
    ("interval '7 days'", Literal("7 days", "interval")),
    ("INTERVAL '2 hours 30 minutes'", Literal("2 hours 30 minutes", "interval")),
    ("interval 'it''s'", Literal("it's", "interval")),
    # -- names ----------------------------------------------------------------------
    ("status", F("status")),
    ("owner.team.name", F("owner", "team", "name")),
    ("conversation.ticket.owner.name", F("conversation", "ticket", "owner", "name")),
    ("Status", F("Status")),
    # identifiers that start with a keyword are names, not keywords
    ("android", F("android")),
    ("order_status", F("order_status")),
    ("notes", F("notes")),
    ("is_open", F("is_open")),
    ("interval_days", F("interval_days")),
    ("null_rate", F("null_rate")),
    ("true_count", F("true_count")),
    ("falsey", F("falsey")),
    ("case_id", F("case_id")),
    ("when_at", F("when_at")),
    ("then_x", F("then_x")),
    ("elsewhere", F("elsewhere")),
    ("end_at", F("end_at")),
    ("between_x", F("between_x")),
    ("likes", F("likes")),
    ("ilike_count", F("ilike_count")),
    ("inbox", F("inbox")),
    ("as_of", F("as_of")),
    ("android and notes", B("and", F("android"), F("notes"))),
    ("order_status or is_open", B("or", F("order_status"), F("is_open"))),
    ("not notes", Unary("not", F("notes"))),
    ("inbox in (1)", InList(F("inbox"), (N(1),))),
    ("is_open is not null", IsNull(F("is_open"), True)),
    ("likes like 'x'", B("like", F("likes"), S("x"))),
    ("owner.android_id = 1", B("=", F("owner", "android_id"), N(1))),
    # -- calls ----------------------------------------------------------------------
    ("count()", Call("count", ())),
    ("COUNT()", Call("count", ())),
    ("count(x)", Call("count", (x,))),
    ("percentile(x, 0.9)", Call("percentile", (x, N(0.9)))),
    ("coalesce(a, b, 1)", Call("coalesce", (a, b, N(1)))),
    ("if(a, 1, 2)", Call("if", (a, N(1), N(2)))),
    ("now()", Call("now", ())),
    ("f(g(h(1)), 2)", Call("f", (Call("g", (Call("h", (N(1),)),)), N(2)))),
    ("hours(avg(first_response_at - created_at))",
     Call("hours", (Call("avg", (B("-", F("first_response_at"), F("created_at")),)),))),
    ("count_if(score >= 9)", Call("count_if", (B(">=", F("score"), N(9)),))),
    ("date_trunc('week', created_at)", Call("date_trunc", (S("week"), F("created_at")))),
    ("sum_if(x, a and b)", Call("sum_if", (x, B("and", a, b)))),
    # -- arithmetic -----------------------------------------------------------------
    ("1 + 2 * 3", B("+", N(1), B("*", N(2), N(3)))),
    ("(1 + 2) * 3", B("*", B("+", N(1), N(2)), N(3))),
    ("a - b - c", B("-", B("-", a, b), c)),
    ("a - (b - c)", B("-", a, B("-", b, c))),
    ("a / b * c", B("*", B("/", a, b), c)),
    ("a % b", B("%", a, b)),
    ("a % b / c", B("/", B("%", a, b), c)),
    ("1 -2", B("-", N(1), N(2))),
    ("1 - -2", B("-", N(1), N(-2))),
    ("-x", Unary("-", x)),
    ("-x * y", B("*", Unary("-", x), y)),
    ("- (1 + 2)", Unary("-", B("+", N(1), N(2)))),
    ("- -x", Unary("-", Unary("-", x))),
    ("100.0 * count_if(score >= 9) / count()",
     B("/", B("*", N(100.0), Call("count_if", (B(">=", F("score"), N(9)),))), Call("count", ()))),
    # -- comparisons ----------------------------------------------------------------
    ("a = b", B("=", a, b)),
    ("a != b", B("!=", a, b)),
    ("a <> b", B("!=", a, b)),
    ("a < b", B("<", a, b)),
    ("a <= b", B("<=", a, b)),
    ("a > b", B(">", a, b)),
    ("a >= b", B(">=", a, b)),
    ("a + 1 > b * 2", B(">", B("+", a, N(1)), B("*", b, N(2)))),
    ("created_at >= '2025-01-01'", B(">=", F("created_at"), S("2025-01-01"))),
    ("created_at + interval '1 day' > now()",
     B(">", B("+", F("created_at"), Literal("1 day", "interval")), Call("now", ()))),
    # -- boolean operators ----------------------------------------------------------
    ("a or b and c", B("or", a, B("and", b, c))),
    ("a and b or c", B("or", B("and", a, b), c)),
    ("(a or b) and c", B("and", B("or", a, b), c)),
    ("a or b or c", B("or", B("or", a, b), c)),
    ("a and b and c", B("and", B("and", a, b), c)),
    ("not a = b", Unary("not", B("=", a, b))),
    ("not a and b", B("and", Unary("not", a), b)),
    ("not (a and b)", Unary("not", B("and", a, b))),
    ("not not a", Unary("not", Unary("not", a))),
    ("a = 1 and b = 2 or c = 3", B("or", B("and", B("=", a, N(1)), B("=", b, N(2))), B("=", c, N(3)))),
    ("A AND B Or C", B("or", B("and", F("A"), F("B")), F("C"))),
    ("NOT a", Unary("not", a)),
    ("(not a) = b", B("=", Unary("not", a), b)),
    # -- in, between, is null, like ---------------------------------------------------
    ("x in (1, 2, 3)", InList(x, (N(1), N(2), N(3)))),
    ("x in ('a')", InList(x, (S("a"),))),
    ("x not in ('a', 'b')", InList(x, (S("a"), S("b")), True)),
    ("x NOT IN (1)", InList(x, (N(1),), True)),
    ("x in (a + 1, f(y))", InList(x, (B("+", a, N(1)), Call("f", (y,))))),
    ("x + 1 in (2)", InList(B("+", x, N(1)), (N(2),))),
    ("x between 1 and 10", Between(x, N(1), N(10))),
    ("x Between 1 AND 10", Between(x, N(1), N(10))),
    ("x not between a - 1 and b + 1", Between(x, B("-", a, N(1)), B("+", b, N(1)), True)),
    ("x between 1 and 2 and y", B("and", Between(x, N(1), N(2)), y)),
    ("not x between 1 and 2", Unary("not", Between(x, N(1), N(2)))),
    ("x is null", IsNull(x)),
    ("x IS NULL", IsNull(x)),
    ("x is not null", IsNull(x, True)),
    ("x Is Not Null", IsNull(x, True)),
    ("x + 1 is null", IsNull(B("+", x, N(1)))),
    ("x is null or y is not null", B("or", IsNull(x), IsNull(y, True))),
    ("x like 'a%'", B("like", x, S("a%"))),
    ("x LIKE 'a%'", B("like", x, S("a%"))),
    ("lower(x) ilike '%b'", B("ilike", Call("lower", (x,)), S("%b"))),
    ("x ILIKE y", B("ilike", x, y)),
    ("x not like 'a%'", Unary("not", B("like", x, S("a%")))),
    ("x not ilike 'a%'", Unary("not", B("ilike", x, S("a%")))),
    ("x like 'a' and y", B("and", B("like", x, S("a")), y)),
    # -- case -----------------------------------------------------------------------
    ("case when a then 1 end", Case(((a, N(1)),), None)),
    ("case when a then 1 else 2 end", Case(((a, N(1)),), N(2))),
    ("CASE WHEN a THEN 1 ELSE 2 END", Case(((a, N(1)),), N(2))),
    ("case when a then 1 else null end", Case(((a, N(1)),), NULL)),
    ("case when x > 1 then 'big' when x > 0 then 'small' else 'none' end",
     Case(((B(">", x, N(1)), S("big")), (B(">", x, N(0)), S("small"))), S("none"))),
    ("case when a then case when b then 1 end else 2 end",
     Case(((a, Case(((b, N(1)),), None)),), N(2))),
    ("case when a then 1 end + 1", B("+", Case(((a, N(1)),), None), N(1))),
    ("sum(case when a then 1 else 0 end)", Call("sum", (Case(((a, N(1)),), N(0)),))),
]


@pytest.mark.parametrize("source, expected", PARSE_CASES, ids=[s for s, _ in PARSE_CASES])
def test_parse_table(source, expected):
    assert strip(parse_expression(source)) == expected


def test_number_kinds():
    assert type(parse_expression("42").value) is int
    assert type(parse_expression("-42").value) is int
    assert type(parse_expression("42.0").value) is float
    assert type(parse_expression("4e2").value) is float


ALIASED_CASES = [
    ("count() as tickets", (Call("count", ()), "tickets")),
    ("count() AS Tickets", (Call("count", ()), "Tickets")),
    ("x", (x, None)),
    ("count()", (Call("count", ()), None)),
    ("owner.team.name as team", (F("owner", "team", "name"), "team")),
    ("a + b as total", (B("+", a, b), "total")),
    ("a or b as flag", (B("or", a, b), "flag")),
    ("x in (1) as in_one", (InList(x, (N(1),)), "in_one")),
    ("case when a then 1 end as c", (Case(((a, N(1)),), None), "c")),
    ("as_of as asx", (F("as_of"), "asx")),
    ("hours(avg(first_response_at - created_at)) as avg_first_response_hours",
     (Call("hours", (Call("avg", (B("-", F("first_response_at"), F("created_at")),)),)),
      "avg_first_response_hours")),
]


@pytest.mark.parametrize("source, expected", ALIASED_CASES, ids=[s for s, _ in ALIASED_CASES])
def test_parse_aliased(source, expected):
    assert strip(parse_expression(source, aliased=True)) == expected


def test_alias_position_of_expression():
    node, name = parse_expression("  count() as n", aliased=True)
    assert node.pos == (1, 3) and name == "n"


# -- positions ----------------------------------------------------------------------------
def test_positions_of_binary_operands():
    node = parse_expression("a or b and c")
    assert node.pos == (1, 1)
    assert node.left.pos == (1, 1)
    assert node.right.pos == (1, 6)  # the `and` node starts at its left operand
    assert node.right.left.pos == (1, 6)
    assert node.right.right.pos == (1, 12)


def test_positions_skip_leading_space_and_parentheses():
    assert parse_expression("  a").pos == (1, 3)
    assert parse_expression("(  a  )").pos == (1, 4)
    node = parse_expression("(1 + 2) * 3")
    assert node.pos == (1, 1)
    assert node.left.pos == (1, 2)
    assert node.right.pos == (1, 11)


def test_positions_of_literals():
    assert parse_expression("a = true").right.pos == (1, 5)
    assert parse_expression("a = FALSE").right.pos == (1, 5)
    assert parse_expression("b = null").right.pos == (1, 5)
    assert parse_expression("x > interval '1 day'").right.pos == (1, 5)  # at the keyword
    assert parse_expression("y + -5").right.pos == (1, 5)  # at the minus sign
    assert parse_expression("y + 'it''s' + z").right.pos == (1, 15)  # after the escaped quote
    assert parse_expression("'it''s' = b").right.pos == (1, 11)


def test_positions_of_unary_and_calls():
    node = parse_expression("y + - x")
    assert node.right.pos == (1, 5)
    assert node.right.operand.pos == (1, 7)
    call = parse_expression("f(g(h(1)), 2)")
    assert call.pos == (1, 1)
    assert call.args[0].pos == (1, 3)
    assert call.args[0].args[0].pos == (1, 5)
    assert call.args[0].args[0].args[0].pos == (1, 7)
    assert call.args[1].pos == (1, 12)
    not_node = parse_expression("not not a")
    assert (not_node.pos, not_node.operand.pos, not_node.operand.operand.pos) == ((1, 1), (1, 5), (1, 9))


def test_positions_of_predicates():
    node = parse_expression("x not between 1 and 20")
    assert (node.pos, node.low.pos, node.high.pos) == ((1, 1), (1, 15), (1, 21))
    node = parse_expression("x in ('a', 'b')")
    assert [i.pos for i in node.items] == [(1, 7), (1, 12)]
    node = parse_expression("x not like 'a'")
    assert node.pos == (1, 1) and node.operand.pos == (1, 1) and node.operand.right.pos == (1, 12)
    assert parse_expression("owner.team.name = 'x'").right.pos == (1, 19)


def test_positions_multi_line():
    node = parse_expression("a\n  and b")
    assert node.right.pos == (2, 7)
    node = parse_expression("x in (1,\n 2)")
    assert [i.pos for i in node.items] == [(1, 7), (2, 2)]
    node = parse_expression("f(\n  a,\n  b)")
    assert [arg.pos for arg in node.args] == [(2, 3), (3, 3)]
    node = parse_expression("not\n a")
    assert node.operand.pos == (2, 2)
    node = parse_expression("x\n  not in (1)")
    assert node.items[0].pos == (2, 11)


def test_positions_multi_line_case():
    node = parse_expression("case\n when a\n then 1\n else 2\nend")
    assert node.pos == (1, 1)
    (cond, value), = node.whens
    assert cond.pos == (2, 7)
    assert value.pos == (3, 7)
    assert node.default.pos == (4, 7)


def test_positions_after_a_string_spanning_lines():
    node = parse_expression("a = 'x\ny' and b")
    assert node.right.pos == (2, 8)
