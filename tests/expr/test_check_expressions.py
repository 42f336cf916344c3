"""Expressions through the real checker: small specs, diagnostic codes and spans in the YAML file.

Spans are 1-based and point at the offending token inside the expression string. The expected
position is found by `where()` in the spec text itself, independently of the engine.
"""
from __future__ import annotations

import pytest

from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.check.check_spec import check_spec
from reportbuilder.errors import SpecError
from reportbuilder.load.load_spec import load_spec_text


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def check(text, catalog):
    return check_spec(load_spec_text(text, "s.yaml"), catalog)


def problems(text, catalog):
    with pytest.raises(SpecError) as info:
        check(text, catalog)
    return info.value.diagnostics


def where(text, token, line_has=None):
    """(line, column) of the first `token` in the spec text (on the first line containing `line_has`)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if token in line and (line_has is None or line_has in line):
            return number, line.index(token) + 1
    raise AssertionError(f"{token!r} not in the spec")


def span(diagnostic):
    return diagnostic.span.line, diagnostic.span.column


def measure_spec(expr):
    return f"source: tickets\nmeasures:\n  - {expr}\n"


def filter_spec(expr):
    return f"source: tickets\nmeasures:\n  - count() as n\nfilters:\n  - {expr}\n"


def one_problem(text, catalog, code, token, line_has=None):
    diagnostics = problems(text, catalog)
    assert [d.code for d in diagnostics] == [code], diagnostics
    assert span(diagnostics[0]) == where(text, token, line_has)
    assert diagnostics[0].span.file == "s.yaml"
    return diagnostics[0]


# -- the column is the token's column in the file --------------------------------------
def test_unknown_field_column_inside_a_measure(catalog):
    text = "source: tickets\nmeasures:\n  - avg(handel_time_seconds) as x\n"
    diagnostic = one_problem(text, catalog, "unknown-field", "handel_time_seconds")
    assert span(diagnostic) == (3, 9)
    assert diagnostic.suggestions[0] == "handle_time_seconds"


def test_unknown_field_with_suggestion_in_a_filter(catalog):
    text = filter_spec("priorty = 'high'")
    diagnostic = one_problem(text, catalog, "unknown-field", "priorty")
    assert span(diagnostic) == (5, 5)
    assert diagnostic.suggestions == ("priority",)


def test_unknown_relationship_in_a_path_points_at_the_segment(catalog):
    text = filter_spec("owner.tem.name = 'Tier 2'")
    diagnostic = one_problem(text, catalog, "unknown-field", "tem.")
    assert span(diagnostic) == (5, 11)
    assert diagnostic.suggestions == ("team",)


def test_unknown_function_suggests_count(catalog):
    text = measure_spec("cout() as n")
    diagnostic = one_problem(text, catalog, "unknown-function", "cout")
    assert span(diagnostic) == (3, 5)
    assert diagnostic.suggestions[0] == "count"


def test_unknown_function_inside_an_expression(catalog):
    text = filter_spec("lowr(subject) = 'x'")
    diagnostic = one_problem(text, catalog, "unknown-function", "lowr")
    assert "lower" in diagnostic.suggestions


# -- aggregates ---------------------------------------------------------------------------
def test_sum_of_text(catalog):
    diagnostic = one_problem(measure_spec("sum(subject) as x"), catalog, "type-mismatch", "subject")
    assert span(diagnostic) == (3, 9)


def test_avg_of_timestamp(catalog):
    one_problem(measure_spec("avg(created_at) as x"), catalog, "type-mismatch", "created_at")


def test_aggregate_inside_a_filter(catalog):
    text = filter_spec("priority = 'urgent' and count() > 5")
    one_problem(text, catalog, "aggregate-not-allowed", "count() > 5")


def test_aggregate_inside_a_dimension(catalog):
    text = "source: tickets\ndimensions:\n  - max(priority) as p\nmeasures:\n  - count() as n\n"
    one_problem(text, catalog, "aggregate-not-allowed", "max(")


def test_aggregate_inside_having(catalog):
    text = "source: tickets\nmeasures:\n  - count() as n\nhaving:\n  - n > 1 and count() > 1\n"
    one_problem(text, catalog, "aggregate-not-allowed", "count() > 1")


def test_nested_aggregate(catalog):
    one_problem(measure_spec("sum(count()) as n"), catalog, "nested-aggregate", "count()")
    one_problem(measure_spec("avg(1 + max(handle_time_seconds)) as n"), catalog, "nested-aggregate", "max")


def test_non_aggregate_measure(catalog):
    diagnostic = one_problem(measure_spec("priority"), catalog, "field-outside-aggregate", "priority")
    assert span(diagnostic) == (3, 5)


def test_field_outside_aggregate_next_to_an_aggregate(catalog):
    one_problem(measure_spec("count() + handle_time_seconds as x"), catalog, "field-outside-aggregate",
                "handle_time_seconds")


def test_percentile_fraction_out_of_range(catalog):
    text = measure_spec("percentile(handle_time_seconds, 1.5) as p90")
    diagnostic = one_problem(text, catalog, "bad-percentile", "1.5")
    assert span(diagnostic) == (3, 37)
    one_problem(measure_spec("percentile(handle_time_seconds, -0.5) as p"), catalog, "bad-percentile", "-0.5")


def test_percentile_fraction_not_a_literal(catalog):
    text = measure_spec("percentile(handle_time_seconds, reopen_count) as p")
    one_problem(text, catalog, "bad-percentile", "reopen_count")


def test_percentile_bounds_are_valid(catalog):
    for fraction in ("0", "1", "0.9", "0.5"):
        report = check(measure_spec(f"percentile(handle_time_seconds, {fraction}) as p"), catalog)
        assert report.columns == ("p",)


def test_count_if_needs_a_condition(catalog):
    one_problem(measure_spec("count_if(priority) as x"), catalog, "type-mismatch", "priority")


def test_mixed_grain(catalog):
    text = measure_spec("sum(conversations.id + feedback_submissions.score) as x")
    one_problem(text, catalog, "mixed-grain", "sum")


# -- types --------------------------------------------------------------------------------
def test_comparing_text_with_a_number(catalog):
    one_problem(filter_spec("subject = 5"), catalog, "type-mismatch", "subject")


def test_in_list_item_of_the_wrong_type(catalog):
    one_problem(filter_spec("priority in ('low', 2)"), catalog, "type-mismatch", "2)")


def test_like_on_a_number(catalog):
    one_problem(filter_spec("handle_time_seconds like '1%'"), catalog, "type-mismatch", "handle_time_seconds")


def test_not_of_text(catalog):
    one_problem(filter_spec("not priority"), catalog, "type-mismatch", "priority")


def test_filter_that_is_not_a_condition(catalog):
    one_problem(filter_spec("priority"), catalog, "type-mismatch", "priority", line_has="- ")


def test_entity_used_as_a_value(catalog):
    one_problem(filter_spec("owner = 1"), catalog, "entity-not-value", "owner")


def test_bad_interval(catalog):
    text = filter_spec("created_at > now() - interval '3 fortnights'")
    diagnostic = one_problem(text, catalog, "bad-interval", "interval")
    assert span(diagnostic) == (5, 26)


def test_bad_timestamp_literal(catalog):
    text = filter_spec("created_at >= '2025-13-45'")
    diagnostic = one_problem(text, catalog, "bad-timestamp", "'2025-13-45'")
    assert span(diagnostic) == (5, 19)


def test_bad_timestamp_in_between_and_in(catalog):
    one_problem(filter_spec("created_at between '2025-01-01' and '2025-02-30'"), catalog, "bad-timestamp",
                "'2025-02-30'")
    one_problem(filter_spec("created_at in ('2025-01-01', 'soon')"), catalog, "bad-timestamp", "'soon'")


def test_syntax_error_through_the_checker(catalog):
    text = filter_spec("priority = = 'x'")
    diagnostic = one_problem(text, catalog, "expr-syntax", "= 'x'")
    assert span(diagnostic) == (5, 16)


def test_unbalanced_parenthesis_through_the_checker(catalog):
    diagnostics = problems(filter_spec("(priority = 'x'"), catalog)
    assert [d.code for d in diagnostics] == ["expr-syntax"]
    assert diagnostics[0].span.line == 5


# -- the scalar's style ---------------------------------------------------------------------
def test_double_quoted_scalar_shifts_the_column(catalog):
    text = filter_spec('"priorty = \'high\'"')
    assert span(one_problem(text, catalog, "unknown-field", "priorty")) == (5, 6)


def test_single_quoted_scalar_shifts_the_column(catalog):
    text = filter_spec("'handle_time_seconds = 1 and bogus = 2'")
    assert span(one_problem(text, catalog, "unknown-field", "bogus")) == (5, 34)


def test_flow_sequence(catalog):
    text = "source: tickets\nmeasures: [count() as n, sum(subject) as x]\n"
    assert span(one_problem(text, catalog, "type-mismatch", "subject")) == (2, 30)


def test_measure_mapping_expr(catalog):
    text = "source: tickets\nmeasures:\n  - name: x\n    expr: sum(subject)\n"
    assert span(one_problem(text, catalog, "type-mismatch", "subject")) == (4, 15)


def test_filter_inside_an_any_group(catalog):
    text = ("source: tickets\nmeasures:\n  - count() as n\nfilters:\n  - any:\n"
            "      - priority = 'urgent'\n      - owner.team.nme = 'Tier 2'\n")
    one_problem(text, catalog, "unknown-field", "nme")


# YAML un-escapes `''` in single-quoted scalars, so every escaped quote before the bad token
# shifts the column left by one: the locator assumes the expression text is the file text.
def test_single_quoted_scalar_with_escaped_quotes(catalog):
    text = filter_spec("'priority = ''high'' and bogus = 1'")
    one_problem(text, catalog, "unknown-field", "bogus")


# A multi-line scalar is folded (plain, `>`) or starts on the line after its indicator (`|`);
# the locator maps expression line N to the scalar's line + N - 1 and ignores the indent.
@pytest.mark.parametrize("style", ["plain", "folded", "literal"])
def test_multi_line_scalar(catalog, style):
    body = {
        "plain": "  - priority = 'x' and\n    bogus > 1\n",
        "folded": "  - >-\n    priority = 'x' and\n    bogus > 1\n",
        "literal": "  - |\n    priority = 'x' and\n    bogus > 1\n",
    }[style]
    text = "source: tickets\nmeasures:\n  - count() as n\nfilters:\n" + body
    one_problem(text, catalog, "unknown-field", "bogus")


# -- several problems at once ------------------------------------------------------------
def test_all_problems_are_reported_at_once(catalog):
    text = ("source: tickets\n"
            "measures:\n"
            "  - sum(subject) as a\n"
            "  - cout() as b\n"
            "  - percentile(handle_time_seconds, 2) as c\n"
            "filters:\n"
            "  - priorty = 'high'\n"
            "  - count() > 1\n"
            "  - created_at > now() - interval '3 fortnights'\n")
    diagnostics = problems(text, catalog)
    assert [(d.code, span(d)) for d in diagnostics] == [
        ("type-mismatch", where(text, "subject")),
        ("unknown-function", where(text, "cout")),
        ("bad-percentile", where(text, "2) as c")),
        ("unknown-field", where(text, "priorty")),
        ("aggregate-not-allowed", where(text, "count() > 1")),
        ("bad-interval", where(text, "interval")),
    ]


# -- join paths ---------------------------------------------------------------------------
def test_messages_shorthand_from_tickets_is_ambiguous(catalog):
    diagnostic = one_problem(measure_spec("count(messages) as m"), catalog, "ambiguous-join-path", "messages")
    assert span(diagnostic) == (3, 11)
    assert "conversations.messages" in diagnostic.message
    assert "owner.messages" in diagnostic.message


def test_messages_shorthand_in_a_filter_is_ambiguous(catalog):
    one_problem(filter_spec("messages.sent_at > '2025-01-01'"), catalog, "ambiguous-join-path", "messages")


def test_explicit_message_paths_are_valid(catalog):
    text = measure_spec("count(conversations.messages) as via_conversations\n  - count(owner.messages) as via_owner")
    assert check(text, catalog).columns == ("via_conversations", "via_owner")


# -- valid expressions ----------------------------------------------------------------------
def test_timestamp_minus_timestamp_is_a_number(catalog):
    report = check(measure_spec("avg(closed_at - created_at) as seconds_to_close"), catalog)
    assert report.columns == ("seconds_to_close",)
    assert report.measures[0].type == "number"
    check(filter_spec("closed_at - created_at > 3600"), catalog)


def test_timestamp_plus_interval_compared_with_now(catalog):
    report = check(filter_spec("created_at + interval '1 day' > now()"), catalog)
    assert len(report.filters) == 1


def test_hours_of_average_response_time(catalog):
    report = check(measure_spec("hours(avg(first_response_at - created_at)) as avg_first_response_hours"),
                   catalog)
    assert report.columns == ("avg_first_response_hours",)
    assert report.measures[0].type == "number"


def test_count_of_a_to_many_relationship(catalog):
    report = check(measure_spec("count(conversations) as conversations"), catalog)
    assert report.columns == ("conversations",)
    assert report.measures[0].type == "integer"
    assert report.measures[0].count_like


def test_every_operator_in_filters(catalog):
    text = ("source: tickets\nmeasures:\n  - count() as n\nfilters:\n"
            "  - channel in ('email', 'chat')\n"
            "  - priority not in ('low')\n"
            "  - handle_time_seconds between 0 and 3600\n"
            "  - handle_time_seconds not between 10 and 20\n"
            "  - lower(subject) like '%refund%'\n"
            "  - subject ilike '%REFUND%'\n"
            "  - subject not like 'x%'\n"
            "  - closed_at is not null\n"
            "  - first_response_at is null or first_response_at >= '2025-01-01 08:30:00'\n"
            "  - created_at >= '2025-01-01' and created_at < '2026-01-01T00:00:00Z'\n"
            "  - case when priority = 'urgent' then true else false end\n"
            "  - not (status = 'closed') or reopen_count > 0\n"
            "  - created_at > today() - interval '2 weeks 3 days'\n"
            "  - companies.name != 'Acme'\n"
            "  - owner.team.name <> 'Tier 2'\n"
            "  - -handle_time_seconds < 0 and handle_time_seconds % 2 = 0\n")
    report = check(text, catalog)
    assert len(report.filters) == 16


def test_output_column_names(catalog):
    text = ("source: tickets\n"
            "dimensions:\n"
            "  - priority\n"
            "  - field: created_at\n"
            "    granularity: week\n"
            "    as: week\n"
            "  - owner.team.name as team\n"
            "measures:\n"
            "  - count() as tickets\n"
            "  - name: avg_first_response_hours\n"
            "    expr: hours(avg(first_response_at - created_at))\n"
            "  - nps\n"
            "  - 100.0 * count_if(priority = 'urgent') / count() as urgent_pct\n"
            "  - percentile(handle_time_seconds, 0.9) as p90\n"
            "having:\n"
            "  - tickets >= 5\n")
    report = check(text, catalog)
    assert report.columns == ("priority", "week", "team", "tickets", "avg_first_response_hours", "nps",
                              "urgent_pct", "p90")
    assert [m.type for m in report.measures][:2] == ["integer", "number"]


def test_dimension_path_without_alias_is_named_by_its_path(catalog):
    text = "source: tickets\ndimensions: [owner.team.name, contact.company.name]\nmeasures: [count() as n]\n"
    assert check(text, catalog).columns == ("owner.team.name", "contact.company.name", "n")


# A named measure in a filter is refused as an unknown field whose only suggestion is itself
# ("unknown field 'nps' on tickets; did you mean 'nps'?"): measure names are offered in row mode.
def test_measure_name_in_a_filter_does_not_suggest_itself(catalog):
    diagnostics = problems(filter_spec("nps > 5"), catalog)
    assert [d.code for d in diagnostics] in (["unknown-field"], ["aggregate-not-allowed"])
    assert "nps" not in diagnostics[0].suggestions
