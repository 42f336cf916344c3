"""Parse expression text into the AST of `ast.py` with the lark grammar in grammar/.

The parser is `expression_parser.py`, generated from the grammar by `build_parser.py`
(prebuilt tables: no grammar analysis at start-up, no lark needed at run time).

Example:
    >>> parse_expression("count()")
    Call(name='count', args=(), pos=(1, 1))
    >>> parse_expression("count() as tickets", aliased=True)  # a measure or dimension: (expr, name)
    (Call(name='count', args=(), pos=(1, 1)), 'tickets')
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import ast
from .expression_parser import (Lark, Lark_StandAlone, Token, Transformer, UnexpectedCharacters, UnexpectedEOF,
                                UnexpectedInput, UnexpectedToken, VisitError, v_args)

MAX_LENGTH = 20_000
MAX_DEPTH = 64


@dataclass
class ExprSyntaxError(Exception):
    message: str
    line: int
    column: int

    def __str__(self):
        return self.message


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark_StandAlone()


def _pos(meta) -> ast.Pos:
    return (meta.line, meta.column)


def _tok_pos(tok: Token) -> ast.Pos:
    return (tok.line, tok.column)


@v_args(meta=True)
class _ToAst(Transformer):
    def start(self, meta, items):
        return items[0]

    def aliased(self, meta, items):
        return items[0], str(items[1])

    def or_(self, meta, items):
        return ast.Binary("or", items[0], items[1], _pos(meta))

    def and_(self, meta, items):
        return ast.Binary("and", items[0], items[1], _pos(meta))

    def not_(self, meta, items):
        return ast.Unary("not", items[0], _pos(meta))

    def compare(self, meta, items):
        op = "!=" if str(items[1]) == "<>" else str(items[1])
        return ast.Binary(op, items[0], items[2], _pos(meta))

    def arith(self, meta, items):
        return ast.Binary(str(items[1]), items[0], items[2], _pos(meta))

    def like(self, meta, items):
        return ast.Binary(str(items[1]).lower(), items[0], items[2], _pos(meta))

    def not_like(self, meta, items):
        return ast.Unary("not", self.like(meta, items), _pos(meta))

    def in_(self, meta, items):
        return ast.InList(items[0], items[1], False, _pos(meta))

    def not_in(self, meta, items):
        return ast.InList(items[0], items[1], True, _pos(meta))

    def between(self, meta, items):
        return ast.Between(items[0], items[1], items[2], False, _pos(meta))

    def not_between(self, meta, items):
        return ast.Between(items[0], items[1], items[2], True, _pos(meta))

    def is_null(self, meta, items):
        return ast.IsNull(items[0], False, _pos(meta))

    def is_not_null(self, meta, items):
        return ast.IsNull(items[0], True, _pos(meta))

    def negate(self, meta, items):
        operand = items[0]
        if isinstance(operand, ast.Literal) and operand.kind == "number":
            return ast.Literal(-operand.value, "number", _pos(meta))
        return ast.Unary("-", operand, _pos(meta))

    def number(self, meta, items):
        text = str(items[0])
        value = float(text) if any(c in text for c in ".eE") else int(text)
        return ast.Literal(value, "number", _tok_pos(items[0]))

    def string(self, meta, items):
        return ast.Literal(str(items[0])[1:-1].replace("''", "'"), "string", _tok_pos(items[0]))

    def true(self, meta, items):
        return ast.Literal(True, "boolean", _pos(meta))

    def false(self, meta, items):
        return ast.Literal(False, "boolean", _pos(meta))

    def null(self, meta, items):
        return ast.Literal(None, "null", _pos(meta))

    def interval(self, meta, items):
        return ast.Literal(str(items[0])[1:-1].replace("''", "'"), "interval", _pos(meta))

    def call(self, meta, items):
        name, args = items
        return ast.Call(str(name).lower(), tuple(args or ()), _tok_pos(name))

    def path(self, meta, items):
        return ast.FieldRef(tuple(str(t) for t in items), _tok_pos(items[0]))

    def args(self, meta, items):
        return tuple(items)

    def case(self, meta, items):
        *whens, default = items
        return ast.Case(tuple(whens), default, _pos(meta))

    def when(self, meta, items):
        return (items[0], items[1])


def _describe(exc: UnexpectedInput, text: str) -> str:
    if _at_end(exc):
        return "unexpected end of expression"
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {text[exc.pos_in_stream]!r}"
    return f"unexpected {str(exc.token)!r}"


def _check_depth(text: str) -> None:
    """Refuse deep parenthesis nesting early (string literals do not count)."""
    depth, in_string = 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            in_string = not in_string
        if in_string:
            continue
        depth += ch == "("
        depth -= ch == ")"
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, i) + 1
            raise ExprSyntaxError(f"expression nested deeper than {MAX_DEPTH} levels", line,
                                  i - text.rfind("\n", 0, i))


def _tree_depth(node) -> int:
    """Depth of the AST, computed without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.children(current))
    return deepest


def _build(text: str, start: str):
    try:
        return _ToAst().transform(_parser().parse(text, start=start))
    except (RecursionError, VisitError) as exc:
        if isinstance(exc, VisitError) and not isinstance(exc.orig_exc, RecursionError):
            raise
        raise ExprSyntaxError(f"expression too deep: nested deeper than {MAX_DEPTH} levels (split it up)", 1, 1) from None


def parse_expression(text: str, aliased: bool = False):
    """Parse `text`; with `aliased`, also accept a trailing `as NAME` and return (node, name|None)."""
    if len(text) > MAX_LENGTH:
        raise ExprSyntaxError(f"expression longer than {MAX_LENGTH} characters", 1, 1)
    _check_depth(text)
    try:
        if aliased:
            try:
                node, name = _build(text, "aliased")
                return _checked_depth(node), name
            except UnexpectedInput as with_alias:
                try:
                    node = _checked_depth(_build(text, "start"))
                except UnexpectedInput as without:
                    # report the attempt that read further: the author's intent
                    further = max((with_alias, without), key=lambda e: (_at_end(e), _position(e)))
                    raise _syntax_error(further, text) from None
                return node, None
        node = _checked_depth(_build(text, "start"))
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    return (node, None) if aliased else node


def _at_end(exc: UnexpectedInput) -> bool:
    return isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END")


def _syntax_error(exc: UnexpectedInput, text: str) -> ExprSyntaxError:
    """A positioned error; one at the end of the text points just past its last character."""
    if _at_end(exc):
        line = text.count("\n") + 1
        return ExprSyntaxError(_describe(exc, text), line, len(text) - (text.rfind("\n") + 1) + 1)
    return ExprSyntaxError(_describe(exc, text), exc.line if exc.line > 0 else 1,
                           exc.column if exc.column > 0 else len(text) + 1)


def _position(exc: UnexpectedInput) -> tuple[int, int]:
    return (exc.line, exc.column) if exc.line > 0 else (10**9, 10**9)


def _checked_depth(node):
    if _tree_depth(node) > MAX_DEPTH + 1:  # a leaf inside MAX_DEPTH parentheses is fine
        raise ExprSyntaxError(f"expression too deep: nested deeper than {MAX_DEPTH} levels (split it up)", 1, 1)
    return node
