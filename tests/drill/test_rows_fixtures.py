"""`rb rows` on tiny hand-made datasets: which rows stand behind each cell, worked out by hand.

Topologies as in tests/engine/test_topologies.py (one-to-many, chasm), a null group, time
buckets in a zone with DST, ratio parts, and every output format; run in process through
click's CliRunner with `now` fixed.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from sqlglot import exp

from reportbuilder.cli import main
from tests.engine.fixture_data import NOW, write_tables


def rows_cmd(spec_text: str, data: Path, *args: str):
    spec = Path(data).parent / "spec.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    return CliRunner().invoke(main, ["rows", str(spec), "--data", str(data), "--now", NOW, *args],
                              catch_exceptions=False)


def rows_json(spec_text: str, data: Path, *args: str) -> list[dict]:
    result = rows_cmd(spec_text, data, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids(rows: list[dict], key: str = "id") -> list:
    return [r[key] for r in rows]


# =========================================================================================
# one_to_many: T1 no conversation, T2 one (chat), T3 three (chat, email, email)
# =========================================================================================
BY_CHANNEL = """source: tickets
dimensions: [{field: conversations.channel, as: channel}]
measures: [count() as tickets, count(conversations) as convs, count_distinct(conversations.id) as distinct_convs]
"""


@pytest.fixture(scope="module")
def one_to_many(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("one_to_many"),
        tickets=[{"id": i, "subject": s, "priority": p, "created_at": f"2025-06-0{i} 09:00:00"}
                 for i, s, p in ((1, "none", "high"), (2, "one", "low"), (3, "three", "high"))],
        conversations=[
            {"id": 1, "ticket_id": 2, "channel": "chat"},
            {"id": 2, "ticket_id": 3, "channel": "chat"},
            {"id": 3, "ticket_id": 3, "channel": "email"},
            {"id": 4, "ticket_id": 3, "channel": "email"},
        ],
    )


def test_one_to_many_lists_each_ticket_once(one_to_many):
    # email group: T3 joined twice (C3, C4) but one ticket; chat: T2 (C1) and T3 (C2).
    email = rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=email")
    assert ids(email) == [3]
    assert email[0]["subject"] == "three"
    assert list(email[0])[:2] == ["id", "subject"]  # the primary key first, then the columns
    assert ids(rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=chat")) == [2, 3]


def test_one_to_many_child_measure_lists_the_child_rows(one_to_many):
    # count(conversations) in the email group = C3, C4; count_distinct of their key: the same.
    for measure in ("convs", "distinct_convs"):
        rows = rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=email", "--measure", measure)
        assert ids(rows) == [3, 4]
        assert {r["ticket_id"] for r in rows} == {3}


def test_null_group_by_empty_value(one_to_many):
    # T1 has no conversation: channel null, tickets = 1, convs = 0 (no conversation row at all).
    assert ids(rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=")) == [1]
    assert rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=", "--measure", "convs") == []


def test_filters_and_extra_filters_apply(one_to_many):
    # --filter priority = 'high' keeps T1, T3: the chat group keeps only T3.
    rows = rows_json(BY_CHANNEL, one_to_many, "--cell", "channel=chat", "--filter", "priority = 'high'")
    assert ids(rows) == [3]


# =========================================================================================
# chasm: tickets with conversations and calls, two independent one-to-many branches
# =========================================================================================
#   ticket  priority  conversations  calls (direction)
#   T1      high      C1, C2         K1 in, K2 out, K3 in
#   T2      high      -              K4 out
#   T3      low       C3             -
# A plain join repeats C1, C2 three times each and K1..K3 twice each.
CHASM = """source: tickets
dimensions: [priority]
measures: [count(conversations) as convs, count(calls) as calls, count() as tickets,
           count_if(calls.direction = 'incoming') as tickets_with_incoming]
"""


@pytest.fixture(scope="module")
def chasm(tmp_path_factory):
    return write_tables(
        tmp_path_factory.mktemp("chasm"),
        tickets=[{"id": 1, "priority": "high"}, {"id": 2, "priority": "high"}, {"id": 3, "priority": "low"}],
        conversations=[{"id": 1, "ticket_id": 1}, {"id": 2, "ticket_id": 1}, {"id": 3, "ticket_id": 3}],
        calls=[{"id": 1, "ticket_id": 1, "direction": "incoming"}, {"id": 2, "ticket_id": 1, "direction": "outgoing"},
               {"id": 3, "ticket_id": 1, "direction": "incoming"}, {"id": 4, "ticket_id": 2, "direction": "outgoing"}],
    )


def test_chasm_each_branch_lists_its_own_rows_once(chasm):
    assert ids(rows_json(CHASM, chasm, "--cell", "priority=high")) == [1, 2]  # default: the first measure
    assert ids(rows_json(CHASM, chasm, "--cell", "priority=high", "--measure", "convs")) == [1, 2]
    assert ids(rows_json(CHASM, chasm, "--cell", "priority=high", "--measure", "calls")) == [1, 2, 3, 4]
    assert ids(rows_json(CHASM, chasm, "--cell", "priority=low", "--measure", "calls")) == []
    assert ids(rows_json(CHASM, chasm, "--cell", "priority=high", "--measure", "tickets")) == [1, 2]


def test_count_if_over_a_branch_lists_the_tickets_it_counts(chasm):
    # count_if(calls.direction = 'incoming') has the grain of calls: K1 and K3.
    rows = rows_json(CHASM, chasm, "--cell", "priority=high", "--measure", "tickets_with_incoming")
    assert ids(rows) == [1, 3]


def test_to_many_filter_keeps_rows_with_a_matching_branch_row(chasm):
    # only tickets with an outgoing call: T1 (K2), T2 (K4); T1's conversations C1, C2 stay.
    spec = CHASM + "filters: [\"calls.direction = 'outgoing'\"]\n"
    assert ids(rows_json(spec, chasm, "--cell", "priority=high", "--measure", "tickets")) == [1, 2]
    assert ids(rows_json(spec, chasm, "--cell", "priority=high", "--measure", "convs")) == [1, 2]
    # the filter applies to the joined call rows: only the outgoing calls are counted
    assert ids(rows_json(spec, chasm, "--cell", "priority=high", "--measure", "calls")) == [2, 4]


# =========================================================================================
# time buckets in Europe/Paris, fall-back day 2025-10-26 (02:00-03:00 happens twice)
# =========================================================================================
#   T1 2025-10-26 00:30Z = 02:30 CEST (first 2 am)    T2 01:30Z = 02:30 CET (second 2 am)
#   T3 2025-10-25 22:30Z = 2025-10-26 00:30 CEST      T4 2025-10-25 21:30Z = 23:30 CEST on the 25th
PARIS_HOURS = """source: tickets
timezone: Europe/Paris
date_range: {from: 2025-10-25, to: 2025-10-27}
dimensions: [{field: created_at, granularity: GRAIN, as: bucket}]
measures: [count() as n]
"""


@pytest.fixture(scope="module")
def paris(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("paris"), tickets=[
        {"id": 1, "created_at": "2025-10-26 00:30:00"}, {"id": 2, "created_at": "2025-10-26 01:30:00"},
        {"id": 3, "created_at": "2025-10-25 22:30:00"}, {"id": 4, "created_at": "2025-10-25 21:30:00"}])


def test_two_2am_hours_of_a_fall_back_day_are_two_cells(paris):
    spec = PARIS_HOURS.replace("GRAIN", "hour")
    assert ids(rows_json(spec, paris, "--cell", "bucket=2025-10-26T02:00:00+02:00")) == [1]
    assert ids(rows_json(spec, paris, "--cell", "bucket=2025-10-26T02:00:00+01:00")) == [2]
    # the same instant spelled in UTC is the same cell
    assert ids(rows_json(spec, paris, "--cell", "bucket=2025-10-26T01:00:00Z")) == [2]
    # a gap-filled hour is a cell with no rows
    assert rows_json(spec, paris, "--cell", "bucket=2025-10-26T05:00:00+01:00") == []
    # timestamps are shown in the report's zone
    assert rows_json(spec, paris, "--cell", "bucket=2025-10-26T00:00:00+02:00")[0]["created_at"] \
        == "2025-10-26T00:30:00+02:00"


def test_day_buckets_are_local_dates(paris):
    spec = PARIS_HOURS.replace("GRAIN", "day")
    assert ids(rows_json(spec, paris, "--cell", "bucket=2025-10-26")) == [1, 2, 3]
    assert ids(rows_json(spec, paris, "--cell", "bucket=2025-10-25")) == [4]


def test_range_option_restricts_the_rows(paris):
    spec = PARIS_HOURS.replace("GRAIN", "day")
    result = rows_cmd(spec, paris, "--cell", "bucket=2025-10-25", "--from", "2025-10-26", "--to", "2025-10-27")
    assert result.exit_code == 2 and "no row bucket=2025-10-25" in result.output


# =========================================================================================
# ratio parts: NPS over feedback (numerator promoters - detractors, denominator nps answers)
# =========================================================================================
#   F1 nps 10 (promoter)  F2 nps 9 (promoter)  F3 nps 7 (passive)  F4 nps 3 (detractor)  F5 csat 5
#   nps = 100 * (2 - 1) / 4 = 25; numerator rows F1 F2 F4, denominator rows F1..F4.
NPS = """source: feedback_submissions
measures: [nps, count() as answers]
"""


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    return write_tables(tmp_path_factory.mktemp("feedback"), feedback_submissions=[
        {"id": i, "survey_type": t, "score": s, "submitted_at": "2025-06-01 10:00:00"}
        for i, t, s in ((1, "nps", 10), (2, "nps", 9), (3, "nps", 7), (4, "nps", 3), (5, "csat", 5))])


def test_ratio_rows_carry_their_parts(feedback):
    rows = rows_json(NPS, feedback)  # no dimension: the one cell, no --cell
    assert [(r["id"], r["in_numerator"], r["in_denominator"]) for r in rows] == [
        (1, True, True), (2, True, True), (3, False, True), (4, True, True)]
    assert ids(rows_json(NPS, feedback, "--part", "numerator")) == [1, 2, 4]
    assert ids(rows_json(NPS, feedback, "--part", "denominator")) == [1, 2, 3, 4]
    assert ids(rows_json(NPS, feedback, "--measure", "answers")) == [1, 2, 3, 4, 5]


def test_parts_at_different_grains_need_part(one_to_many):
    spec = "source: tickets\nmeasures: [count(conversations) / count() as per_ticket]\n"
    result = rows_cmd(spec, one_to_many)
    assert result.exit_code == 2 and "--part" in result.output
    assert ids(rows_json(spec, one_to_many, "--part", "numerator")) == [1, 2, 3, 4]  # conversations
    assert ids(rows_json(spec, one_to_many, "--part", "denominator")) == [1, 2, 3]  # tickets


# =========================================================================================
# keyless and derived entities, other aggregates, paging, formats
# =========================================================================================
def test_keyless_entity_rows_are_listed_with_their_multiplicity(tmp_path):
    # two identical status changes are two rows (count() = 2), as the report counts them.
    data = write_tables(tmp_path, tickets=[{"id": 1}], ticket_status_changes=[
        (1, "open", "2025-06-01 10:00:00"), (1, "open", "2025-06-01 10:00:00"), (1, "closed", "2025-06-02 10:00:00")])
    spec = "source: ticket_status_changes\ndimensions: [status]\nmeasures: [count() as n]\n"
    assert rows_json(spec, data, "--cell", "status=open") == [
        {"ticket_id": 1, "status": "open", "changed_at": "2025-06-01T10:00:00+00:00"}] * 2


def test_derived_entity_grain(tmp_path):
    # ticket_status_periods of T1: new [06-01, 06-02), open [06-02, 06-03), closed: no period.
    data = write_tables(tmp_path, tickets=[{"id": 1, "status": "closed"}], ticket_status_changes=[
        (1, "new", "2025-06-01 00:00:00"), (1, "open", "2025-06-02 00:00:00"), (1, "closed", "2025-06-03 00:00:00")])
    spec = "source: tickets\nmeasures: [count(ticket_status_periods) as stays]\n"
    rows = rows_json(spec, data)
    assert [(r["status"], r["seconds"]) for r in rows] == [("new", 86400), ("open", 86400)]


def test_average_lists_the_rows_it_averages(one_to_many, tmp_path):
    data = write_tables(tmp_path, tickets=[{"id": 1, "handle_time_seconds": 10}, {"id": 2},
                                            {"id": 3, "handle_time_seconds": 30}])
    spec = "source: tickets\nmeasures: [avg(handle_time_seconds) as avg_handle]\n"
    assert ids(rows_json(spec, data)) == [1, 3]  # T2 has no value: not part of the average


def test_limit_and_offset_page_in_key_order(chasm):
    args = ("--cell", "priority=high", "--measure", "calls")
    assert ids(rows_json(CHASM, chasm, *args, "--limit", "2")) == [1, 2]
    assert ids(rows_json(CHASM, chasm, *args, "--limit", "2", "--offset", "2")) == [3, 4]


def test_every_data_format(chasm, tmp_path):
    args = ("--cell", "priority=high", "--measure", "calls")
    for fmt in ("table", "csv", "jsonl", "md", "html"):
        result = rows_cmd(CHASM, chasm, *args, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "incoming" in result.stdout and "outgoing" in result.stdout
    assert len(rows_cmd(CHASM, chasm, *args, "--format", "csv").stdout.splitlines()) == 5
    out = tmp_path / "calls.parquet"
    assert rows_cmd(CHASM, chasm, *args, "-o", str(out)).exit_code == 0
    assert duckdb.sql(f"SELECT id FROM '{out}' ORDER BY id").fetchall() == [(1,), (2,), (3,), (4,)]


# =========================================================================================
# errors: exit 2 with a clear message, never a traceback
# =========================================================================================
@pytest.mark.parametrize("args, message", [
    ((), "missing: channel=VALUE"),
    (("--cell", "chanel=chat"), "no dimension 'chanel'; did you mean 'channel'?"),
    (("--cell", "channel"), "expected NAME=VALUE"),
    (("--cell", "channel=chat", "--cell", "channel=email"), "given twice"),
    (("--cell", "channel=phone"), "the report has no row channel=phone"),
    (("--cell", "channel=chat", "--measure", "conv"), "no measure 'conv'; did you mean 'convs'?"),
    (("--cell", "channel=chat", "--part", "numerator"), "is not a ratio"),
    (("--cell", "channel=chat", "--format", "png"), "'png' is not one of"),
    (("--cell", "channel=chat", "-o", "chart.png"), "data formats"),
])
def test_usage_errors(one_to_many, args, message):
    result = rows_cmd(BY_CHANNEL, one_to_many, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_typed_values(paris):
    spec = PARIS_HOURS.replace("GRAIN", "day")
    result = rows_cmd(spec, paris, "--cell", "bucket=26/10/2025")
    assert result.exit_code == 2 and "expected a date YYYY-MM-DD" in result.output
    result = rows_cmd(PARIS_HOURS.replace("GRAIN", "hour"), paris, "--cell", "bucket=soon")
    assert result.exit_code == 2 and "expected an instant" in result.output


def test_cell_left_out_by_having_does_not_exist(one_to_many):
    spec = BY_CHANNEL + "having: [tickets > 1]\n"
    assert ids(rows_json(spec, one_to_many, "--cell", "channel=chat")) == [2, 3]
    result = rows_cmd(spec, one_to_many, "--cell", "channel=email")
    assert result.exit_code == 2 and "no row channel=email" in result.output


def test_cell_values_enter_sql_as_literals(one_to_many):
    # a quote in a cell value is a value, not SQL: no such group, no database error
    result = rows_cmd(BY_CHANNEL, one_to_many, "--cell", "channel=x' OR '1'='1")
    assert result.exit_code == 2 and "no row channel=x' OR '1'='1" in result.output


def test_integer_and_boolean_cells(paris, chasm, tmp_path):
    # hour of day 2 (local): T1 02:30 CEST and T2 02:30 CET
    spec = PARIS_HOURS.replace("GRAIN", "hour_of_day")
    assert ids(rows_json(spec, paris, "--cell", "bucket=2")) == [1, 2]
    data = write_tables(tmp_path, calls=[{"id": 1, "voicemail": True}, {"id": 2, "voicemail": False},
                                         {"id": 3}, {"id": 4, "voicemail": True}])
    spec = "source: calls\ndimensions: [voicemail]\nmeasures: [count() as n]\n"
    assert ids(rows_json(spec, data, "--cell", "voicemail=true")) == [1, 4]
    assert ids(rows_json(spec, data, "--cell", "voicemail=")) == [3]


def test_library_pages_and_counts(chasm):
    """What the web app calls: a page of rows and the total, cell values as JSON values."""
    from reportbuilder.compile import checked_plan
    from reportbuilder.drill import DrillRequest, drill_rows, plan_rows
    from reportbuilder.load.load_spec import load_spec_text
    from reportbuilder.workspace import open_workspace

    ws = open_workspace(None)
    report_plan = checked_plan(load_spec_text(CHASM, "spec.yaml"), ws.catalog)
    request = DrillRequest({"priority": "high"}, "calls")
    page = drill_rows(report_plan, ws.catalog, chasm, request, limit=1, offset=1, total=True)
    assert [r[0] for r in page.rows.rows] == [2] and page.total == 4 and page.value == 4
    _, query = plan_rows(report_plan, ws.catalog, DrillRequest({"priority": "x' OR 1=1 --"}))
    literals = [lit.this for lit in query.select.find_all(exp.Literal)]
    assert "x' OR 1=1 --" in literals  # the value is one string literal of the tree


def test_dimensions_only_lists_the_kept_source_rows(one_to_many):
    spec = "source: tickets\ndimensions: [priority]\n"
    assert ids(rows_json(spec, one_to_many, "--cell", "priority=high")) == [1, 3]
