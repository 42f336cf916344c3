"""Negative cases of the expression grammar: a message fragment and the exact (line, column)."""
from __future__ import annotations

import contextlib

import pytest

from reportbuilder.expr.parse_expr import MAX_DEPTH, MAX_LENGTH, ExprSyntaxError, parse_expression


def syntax_error(text: str, aliased: bool = False) -> ExprSyntaxError:
    with pytest.raises(ExprSyntaxError) as info:
        parse_expression(text, aliased=aliased)
    return info.value


CASES = [
    # unbalanced parentheses
    ("a)", "unexpected ')'", 1, 2),
    ("((a)))", "unexpected ')'", 1, 6),
    ("f(a))", "unexpected ')'", 1, 5),
    ("x in (1, 2", "end of expression", None, None),
    # dangling or misplaced operators
    ("1 + * 2", "unexpected '*'", 1, 5),
    ("= b", "unexpected '='", 1, 1),
    ("a = b = c", "unexpected '='", 1, 7),
    ("f(a,)", "unexpected ')'", 1, 5),
    ("f(,a)", "unexpected ','", 1, 3),
    ("x in ()", "unexpected ')'", 1, 7),
    ("x between 1", "end of expression", None, None),
    ("x is", "end of expression", None, None),
    ("x is not", "end of expression", None, None),
    ("not", "end of expression", None, None),
    ("a b", "unexpected 'b'", 1, 3),
    ("x.y(1)", "unexpected '('", 1, 4),
    ("interval 5", "unexpected '5'", 1, 10),
    ("case when a then 1", "end of expression", None, None),
    ("case else 1 end", "unexpected 'else'", 1, 6),
    # unterminated strings
    ("'abc", "unexpected character \"'\"", 1, 1),
    ("a = 'abc", "unexpected character \"'\"", 1, 5),
    ("a = 'it''s", "unexpected character \"'\"", None, None),  # lexed as 'it' then 's
    # characters outside the language
    ("a ; b", "unexpected character ';'", 1, 3),
    ("a = 1;", "unexpected character ';'", 1, 6),
    ("$x", "unexpected character '$'", 1, 1),
    ("a $ b", "unexpected character '$'", 1, 3),
    ('a = "x"', "unexpected character '\"'", 1, 5),
    ("a == b", "unexpected '='", 1, 4),
    ("a || b", "unexpected character '|'", 1, 3),
    # SQL is not the language
    ("select * from x", "unexpected 'x'", 1, 15),
    ("x as y", "unexpected 'as'", 1, 3),
    # multi-line
    ("a\n  and ;", "unexpected character ';'", 2, 7),
    ("a\nb", "unexpected 'b'", 2, 1),
    ("f(\n  a,\n  ,b)", "unexpected ','", 3, 3),
    ("'x\ny' = $", "unexpected character '$'", 2, 6),
    # empty
    ("", "end of expression", 1, 1),
]


@pytest.mark.parametrize("text, fragment, line, column", CASES, ids=[c[0] for c in CASES])
def test_syntax_error(text, fragment, line, column):
    error = syntax_error(text)
    assert fragment in error.message
    if line is not None:
        assert (error.line, error.column) == (line, column)
    assert str(error) == error.message


@pytest.mark.parametrize("text", ["", " ", "   ", "\n", "\t\n  "])
def test_empty_expression(text):
    error = syntax_error(text)
    assert "end of expression" in error.message
    assert error.line >= 1 and error.column >= 1


def test_end_of_expression_line_is_the_last_line():
    assert syntax_error("a\n and \n  (b").line == 3
    assert syntax_error("\n\n  a +").line == 3


# "unexpected end of expression" points at the start of the last token (lark's $END borrows
# that token's position), not at the end of the text where the expression stops.
@pytest.mark.parametrize("text, line, column", [
    ("(a", 1, 3),
    ("((a)", 1, 5),
    ("a +", 1, 4),
    ("count(", 1, 7),
    ("x in (1, 2", 1, 11),
    ("a\n and \n  (b", 3, 5),
])
def test_end_of_expression_points_past_the_text(text, line, column):
    error = syntax_error(text)
    assert "end of expression" in error.message
    assert (error.line, error.column) == (line, column)


# Keywords are not reserved: where lark's contextual lexer expects no keyword it lexes one as a
# NAME, so `a and or b` blames `b`, and `x = end` or `not or` parse with a field named after a keyword.
@pytest.mark.parametrize("text, fragment, line, column", [
    ("a and or b", "unexpected 'or'", 1, 7),
    ("x = end", "unexpected 'end'", 1, 5),
    ("not or", "unexpected 'or'", 1, 5),
    ("x in (in)", "unexpected 'in'", 1, 7),
    ("as", "unexpected 'as'", 1, 1),
])
def test_keywords_are_reserved(text, fragment, line, column):
    error = syntax_error(text)
    assert fragment in error.message
    assert (error.line, error.column) == (line, column)


# -- aliased parsing --------------------------------------------------------------------
def test_aliased_errors_without_alias_are_reported():
    error = syntax_error("count() +", aliased=True)
    assert "end of expression" in error.message
    error = syntax_error("a ; b", aliased=True)
    assert (error.message, error.line, error.column) == ("unexpected character ';'", 1, 3)


# With aliased=True, a failure of the `EXPR as NAME` parse is thrown away and the error of the
# plain parse is reported instead: it blames the (legal) `as`, not the real problem after it.
def test_aliased_error_after_the_alias():
    error = syntax_error("a as b as c", aliased=True)
    assert (error.line, error.column) == (1, 8)


def test_aliased_missing_name():
    error = syntax_error("count() as", aliased=True)
    assert "end of expression" in error.message


# -- limits -------------------------------------------------------------------------------
def test_nesting_at_the_limit_is_accepted():
    text = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_expression(text).path == ("a",)
    text = "f(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_expression(text).name == "f"


def test_too_deep_parentheses():
    assert MAX_DEPTH == 64
    error = syntax_error("(" * 65 + "a" + ")" * 65)
    assert "nested deeper than 64" in error.message
    assert (error.line, error.column) == (1, 65)


def test_too_deep_calls():
    error = syntax_error("f(" * 65 + "a" + ")" * 65)
    assert "nested deeper than 64" in error.message
    assert (error.line, error.column) == (1, 130)


def test_too_deep_multi_line():
    error = syntax_error("(\n" * 65 + "a" + ")" * 65)
    assert "nested deeper" in error.message
    assert (error.line, error.column) == (65, 1)
    error = syntax_error("x = 1 and\n  " + "(" * 65 + "a" + ")" * 65)
    assert (error.line, error.column) == (2, 67)


# Nesting without parentheses (`not not ...`, `- - ...`) is not counted by the depth check;
# the recursive lark Transformer then overflows the Python stack.
@pytest.mark.parametrize("text", ["not " * 1000 + "a", "-" * 3000 + "x"],
                         ids=["not-chain", "minus-chain"])
def test_too_deep_without_parentheses(text):
    error = syntax_error(text)
    assert "nested deeper" in error.message


# A long flat chain (`a + a + ... `) is a left-deep tree: it may be refused, but cleanly.
@pytest.mark.parametrize("text", ["a" + " + a" * 3000, "a" + " or a" * 3000], ids=["plus-chain", "or-chain"])
def test_long_operator_chain_is_parsed_or_refused_cleanly(text):
    try:
        parse_expression(text)
    except ExprSyntaxError:
        pass


# The depth check counts every "(" of the text, also inside string literals.
def test_parentheses_inside_strings_do_not_count():
    text = "subject = '" + "(" * 70 + "'"
    try:
        node = parse_expression(text)
    except ExprSyntaxError as error:
        pytest.fail(f"refused: {error}")
    assert node.right.value == "(" * 70


# ExprSyntaxError is a frozen dataclass: `contextlib.contextmanager.__exit__` re-raises by
# assigning `exc.__traceback__`, which a frozen instance refuses with FrozenInstanceError.
def test_syntax_error_passes_through_a_generator_context_manager():
    @contextlib.contextmanager
    def nothing():
        yield

    with pytest.raises(ExprSyntaxError):
        with nothing():
            parse_expression("a +")


def test_over_long_input():
    assert MAX_LENGTH == 20_000
    error = syntax_error("a" * (MAX_LENGTH + 1))
    assert f"longer than {MAX_LENGTH}" in error.message
    assert (error.line, error.column) == (1, 1)
    error = syntax_error("x = '" + "y" * MAX_LENGTH + "'")
    assert "longer than" in error.message


def test_input_at_the_length_limit_is_accepted():
    assert parse_expression("a" * MAX_LENGTH).path == ("a" * MAX_LENGTH,)
