"""Messages for the mistakes a new user makes: a measure in `filters:`, an unquoted word
compared with text, YAML indentation; each positioned, each said once."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.errors import Diagnostic, Span
from reportbuilder.render.diagnostics import format_diagnostics


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def validate(text: str) -> str:
    Path("s.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "s.yaml"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


def test_a_measure_of_the_spec_in_filters_says_use_having():
    out = validate("""\
        source: tickets
        measures:
          - count() as n
        filters:
          - n > 3
        """)
    assert out.startswith("s.yaml:5:5: error: 'n' is a measure of this report")
    assert "use having" in out


def test_a_catalog_measure_in_filters_says_use_having():
    out = validate("""\
        source: tickets
        measures: [count() as n]
        filters: [fcr_rate > 3]
        """)
    assert out.startswith("s.yaml:3:11: error: 'fcr_rate' is a measure") and "having" in out


@pytest.mark.parametrize("condition", ["priority = high", "subject like foo",
                                       "priority != high and channel = 'email'"])
def test_an_unquoted_word_compared_with_text_suggests_quotes(condition):
    out = validate(f"source: tickets\nmeasures: [count() as n]\nfilters:\n  - {condition}\n")
    word = "foo" if "foo" in condition else "high"
    line = out.splitlines()[0]
    assert line == f"s.yaml:4:{5 + condition.index(word)}: error: unknown field '{word}' on tickets; did you mean '{word}' (quoted text)?"


@pytest.mark.parametrize("condition, hint", [("priority in (high, low)", "('high', 'low')"),
                                             ("priority in ('high', low)", "('high', 'low')")])
def test_unquoted_words_in_a_list_suggest_the_quoted_list(condition, hint):
    out = validate(f"source: tickets\nmeasures: [count() as n]\nfilters:\n  - {condition}\n")
    word = "high" if "high," in condition else "low"  # the first unknown word
    assert out.splitlines()[0] == (f"s.yaml:4:{5 + condition.index(word + ')' if word == 'low' else word)}: error: "
                                   f"unknown field '{word}' on tickets; did you mean {hint} (quoted text)?")


def test_a_list_of_numbers_with_an_unknown_word_gets_no_quote_hint():
    out = validate("source: tickets\nmeasures: [count() as n]\nfilters:\n  - reopen_count in (1, hgh)\n")
    assert "quoted text" not in out and "unknown field 'hgh'" in out


def test_an_unknown_field_compared_with_a_number_gets_no_quote_hint():
    out = validate("source: tickets\nmeasures: [count() as n]\nfilters:\n  - reopen_count > hgh\n")
    assert "quoted text" not in out and "unknown field 'hgh'" in out


def test_a_badly_indented_key_gets_a_positioned_plain_message():
    out = validate("source: tickets\nmeasures:\n  - count() as n\n filters:\n  - priority = 'high'\n")
    first = out.splitlines()[0]
    assert first == ("s.yaml:4:2: error: invalid YAML: this line is indented differently from the lines "
                     "above it (indent each level by the same number of spaces)")
    assert "<block" not in out and "expected" not in out


def test_an_unclosed_bracket_points_at_the_bracket():
    out = validate("source: tickets\nmeasures: [count() as n\n")
    assert out.splitlines()[0] == "s.yaml:2:11: error: invalid YAML: this '[' is never closed"


def test_a_colon_in_a_value_is_explained():
    out = validate("source: tickets\ntitle: Tickets: all\nmeasures: [count() as n]\n")
    assert out.splitlines()[0].startswith("s.yaml:2:15: error: invalid YAML: unexpected ':'")


def test_one_problem_is_reported_once():
    problem = Diagnostic("unknown-field", "unknown field 'x' on tickets", Span("s.yaml", 3, 5))
    other = Diagnostic("unknown-field", "unknown field 'y' on tickets", Span("s.yaml", 4, 5))
    assert format_diagnostics([problem, other, problem], {}).splitlines() == [
        "s.yaml:3:5: error: unknown field 'x' on tickets", "s.yaml:4:5: error: unknown field 'y' on tickets"]
