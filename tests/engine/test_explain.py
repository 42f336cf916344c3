"""`rb explain`: the plan in plain words, and join coverage counted on the data."""
from click.testing import CliRunner

from reportbuilder.cli import main

from .fixture_data import run_report, write_tables

SPEC = """
source: tickets
dimensions: [owner.name]
measures:
  - count() as tickets
  - count(conversations) as conversations
filters:
  - priority != 'low'
having:
  - tickets > 0
"""


def _explain(tmp_path, *args):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    result = CliRunner().invoke(main, ["explain", str(spec), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plan_in_plain_words(tmp_path):
    text = _explain(tmp_path)
    assert "owner -> owners [many-to-one, outer join]" in text
    assert "conversations -> conversations [one-to-many, outer join]" in text
    assert "agg_tickets: grain tickets" in text
    assert "planner rules applied: branches\n" in text
    assert "per tickets row, conversations pre-aggregated by its link (one row each):" in text
    assert "agg_conversations_0 = count(conversations)" in text
    assert "(priority != 'low')" in text
    assert "(tickets > 0)" in text
    assert "join coverage" not in text  # only with data


def test_rewrites_are_named(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("source: tickets\ndimensions: [owner.name]\nmeasures: [count() as n]\n"
                    "filters: [\"conversations.channel = 'chat'\"]\n")
    text = CliRunner().invoke(main, ["explain", str(spec)], catch_exceptions=False).stdout
    assert "computed in parts over tickets rows grouped by their own dimensions and links before the joins [PreGrouped]" in text
    assert "kept when some conversations row passes (conversations.channel = 'chat') (tested, not joined)" in text
    assert "planner rules applied: existence_tests, eager_aggregation\n" in text


def test_join_coverage_on_the_data(tmp_path):
    # tickets: 1 -> owner 1, 2 -> owner 99 (orphan), 3 -> no owner; owners: id 1 twice (duplicate key)
    # conversations: ticket 1 has two, ticket 2 none, ticket 3 none; conversation 12 -> ticket 42 (orphan)
    data = write_tables(
        tmp_path / "data",
        tickets=[{"id": 1, "owner_id": 1}, {"id": 2, "owner_id": 99}, {"id": 3}],
        owners=[{"id": 1, "name": "Ann"}, {"id": 1, "name": "Ann again"}],
        conversations=[{"id": 10, "ticket_id": 1}, {"id": 11, "ticket_id": 1}, {"id": 12, "ticket_id": 42}],
    )
    text = _explain(tmp_path, "--data", str(data))
    assert "owner: 2 of 3 tickets rows have no owner; 1 orphan link(s); 1 duplicated owners key(s)" in text
    assert ("conversations: 2 of 3 tickets rows have no conversations row; 1 orphan link(s); "
            "0 duplicated conversations key(s)") in text


LOOK_ALIKES = """
source: tickets
measures:
  - sum_if(handle_time_seconds, conversations.channel = 'chat') as once_per_ticket
  - sum(if(conversations.channel = 'chat', handle_time_seconds, 0)) as once_per_chat
"""


def test_each_aggregate_says_its_grain(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(LOOK_ALIKES)
    text = CliRunner().invoke(main, ["explain", str(spec)], catch_exceptions=False).stdout
    assert ("sum_if(handle_time_seconds, (conversations.channel = 'chat'))  [grain tickets: each tickets row "
            "once, when the condition holds on at least one of its conversations rows (not once per matching "
            "row)]") in text
    assert "handle_time_seconds, 0))  [grain conversations: each conversations row once" in text


def test_look_alike_conditional_sums_on_hand_made_data(tmp_path):
    # T1 handle 100: chats C1, C2 and email C3; T2 handle 50: email C4; T3 handle 7: no conversation
    # sum_if: T1 once (it has a chat) = 100; sum(if(...)): per conversation C1 100 + C2 100 = 200
    # avg_if: over T1 only = 100.0
    data = write_tables(
        tmp_path / "data",
        tickets=[{"id": 1, "handle_time_seconds": 100}, {"id": 2, "handle_time_seconds": 50},
                 {"id": 3, "handle_time_seconds": 7}],
        conversations=[{"id": 1, "ticket_id": 1, "channel": "chat"}, {"id": 2, "ticket_id": 1, "channel": "chat"},
                       {"id": 3, "ticket_id": 1, "channel": "email"}, {"id": 4, "ticket_id": 2, "channel": "email"}],
    )
    rows = run_report(LOOK_ALIKES + "  - avg_if(handle_time_seconds, conversations.channel = 'chat') as avg\n", data)
    assert rows == [{"once_per_ticket": 100, "once_per_chat": 200, "avg": 100.0}]


def test_what_catalog_sql_may_skip_is_shown(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("source: tickets\nmeasures: [sum(agent_reply_count) as replies]\n"
                    "filters: [\"priority = 'high'\", \"owner.active\"]\n"
                    "date_range: {from: '2025-01-01', to: '2025-02-01'}\n")
    text = CliRunner().invoke(main, ["explain", str(spec)], catch_exceptions=False).stdout
    assert "planner rules applied: key_restriction\n" in text
    assert ("catalog SQL may skip:\n  lookups of tickets computed only for the keys of tickets rows passing "
            "(priority = 'high'), the date range (IS_REPORT_KEY, IF_REPORT_KEYS)\n") in text
    spec.write_text("source: ticket_status_periods\nmeasures: [count() as n]\ntimezone: Europe/Paris\n"
                    "date_range: {from: '2025-01-01', to: '2025-02-01'}\n")
    text = CliRunner().invoke(main, ["explain", str(spec)], catch_exceptions=False).stdout
    assert "planner rules applied: range_start_pushdown\n" in text
    assert ("  ticket_status_periods rows before the date range's start skipped in its SQL: "
            "RANGE_START() = 2024-12-31 23:00:00 UTC\n") in text
    spec.write_text("source: tickets\nmeasures: [count() as n]\n")
    assert "catalog SQL may skip" not in CliRunner().invoke(main, ["explain", str(spec)]).stdout


def test_a_range_without_bounds_reads_all_time(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("source: tickets\nmeasures: [count() as n]\ndate_range: {field: created_at, preset: all_time}\n")
    text = CliRunner().invoke(main, ["explain", str(spec)], catch_exceptions=False).stdout
    assert "date range on created_at: all time\n" in text
    text = CliRunner().invoke(main, ["explain", str(spec), "--from", "2026-01-01"], catch_exceptions=False).stdout
    assert "date range on created_at: [2026-01-01 00:00:00, no end) UTC\n" in text
