"""The generated standalone parser (expr/expression_parser.py) matches grammar/expression.lark.

Two checks: the grammar digest stamped into the module is the digest of the grammar now
(edit the grammar without regenerating and this fails), and on every expression of the
parse and syntax-error tables the generated parser gives the same tree, positions
included, or the same error as lark building the grammar from scratch in strict mode.
Regenerate with `python -m reportbuilder.expr.build_parser`.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("lark")  # a development dependency: the run path never imports it

from reportbuilder.expr import build_parser  # noqa: E402
from reportbuilder.expr import expression_parser  # noqa: E402
from reportbuilder.generated import stamped_digest  # noqa: E402



def _sibling(name: str):
    """A test module next to this one, loaded by path (test folders are not packages)."""
    spec = importlib.util.spec_from_file_location(f"expr_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REGENERATE = "grammar/expression.lark changed: run `python -m reportbuilder.expr.build_parser`"


def test_generated_parser_is_stamped_with_the_current_grammar():
    source = build_parser.TARGET.read_text(encoding="utf-8")
    assert stamped_digest(source, build_parser.STAMP) == build_parser.grammar_digest(build_parser.grammar_text()), REGENERATE


def test_digest_changes_with_the_grammar():
    text = build_parser.grammar_text()
    assert build_parser.grammar_digest(text) != build_parser.grammar_digest(text + "\n// edited\n")


def _shape(node):
    """A tree (either lark's or the standalone one) as plain tuples with positions."""
    if hasattr(node, "data"):
        meta = node.meta
        where = (getattr(meta, "line", None), getattr(meta, "column", None),
                 getattr(meta, "end_line", None), getattr(meta, "end_column", None))
        return (str(node.data), where, tuple(_shape(c) for c in node.children))
    if node is None:  # maybe_placeholders
        return None
    return (node.type, str(node), node.line, node.column)


def _outcome(parser, text: str, start: str):
    try:
        return _shape(parser.parse(text, start=start))
    except Exception as exc:  # noqa: BLE001 - the error's kind and place are what is compared
        return (type(exc).__name__, getattr(exc, "line", None), getattr(exc, "column", None))


_TABLE, _ERRORS = _sibling("test_parse"), _sibling("test_syntax_errors")
TEXTS = ([(s, "start") for s, _ in _TABLE.PARSE_CASES] + [(s, "aliased") for s, _ in _TABLE.ALIASED_CASES]
         + [(c[0], start) for c in _ERRORS.CASES for start in ("start", "aliased")])


@pytest.fixture(scope="module")
def parsers():
    return build_parser.build_lark(), expression_parser.Lark_StandAlone()


@pytest.mark.parametrize("text, start", TEXTS, ids=[f"{start}:{text}" for text, start in TEXTS])
def test_generated_parser_agrees_with_lark(parsers, text, start):
    fresh, generated = parsers
    assert _outcome(generated, text, start) == _outcome(fresh, text, start), REGENERATE


def test_comparison_sees_a_different_grammar(parsers):
    """The agreement test can fail: a grammar with another operator precedence parses differently."""
    text = build_parser.grammar_text().replace("?sum: sum ADD_OP product", "?sum: product ADD_OP sum")
    assert text != build_parser.grammar_text()
    other = build_parser.build_lark(text)
    _, generated = parsers
    assert _outcome(other, "a - b - c", "start") != _outcome(generated, "a - b - c", "start")
