"""Hostile suite: a member tries to see another agent's rows and hidden fields.

Every report is run twice: `--as` the member on the full data, and without `--as` on a copy
of the data from which the rows the member may not see were deleted by hand (access_world).
The two answers must be equal, whatever shape the spec takes: the source, every path to the
restricted tables, entity shorthand, derived entities, compare, fill_gaps, having, filters
that probe hidden values, built-in reports and dashboards, rb explain's coverage. Errors must
not reveal hidden values or the list of users.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportbuilder.access import viewer_for
from reportbuilder.cli import main
from reportbuilder.dashboard import load_dashboard, run_dashboard
from reportbuilder.workspace import builtin_names, open_workspace

from .access_world import FIXTURE, MEMBER, OTHER, WORKSPACE, deleted_for_member, read, write

NOW = "2025-06-30T12:00:00"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("access")
    (root / "rb.yaml").write_text(WORKSPACE, encoding="utf-8")
    tables = read(FIXTURE)
    full = write(tables, root / "full")
    visible = write(deleted_for_member(tables), root / "visible")
    return root, full, visible


def rb(*args, env=None):
    result = CliRunner().invoke(main, [str(a) for a in args], env=env or {"RB_USER": ""}, catch_exceptions=False)
    return result.exit_code, result.output


def spec_file(root: Path, text: str, name: str = "spec") -> Path:
    path = root / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_json(world, spec, *extra, as_user=None, data=None):
    root, full, _ = world
    args = ["run", spec, "--workspace", root / "rb.yaml", "--data", data or full, "--now", NOW, "--format", "json"]
    if as_user:
        args += ["--as", as_user]
    code, out = rb(*args, *extra)
    assert code == 0, out
    return json.loads(out)


def assert_as_member_equals_deleted(world, spec, *extra):
    _, _, visible = world
    restricted = run_json(world, spec, *extra, as_user=MEMBER)
    assert restricted == run_json(world, spec, *extra, data=visible)
    return restricted


SPECS = {
    "source": "source: tickets\ndimensions: [status]\nmeasures: [count() as n, sum(handle_time_seconds) as t]\n",
    "to_one_path_from_child": "source: conversations\ndimensions: [ticket.priority, ticket.owner.name]\n"
                              "measures: [count() as n]\n",
    "to_many_paths": "source: companies\ndimensions: [name]\nmeasures: [count(tickets) as t, "
                     "count(tickets.conversations.messages) as m, sum(tickets.handle_time_seconds) as h, "
                     "count(tickets.calls) as c]\n",
    "owner_source": "source: owners\ndimensions: [email]\nmeasures: [count(tickets) as t, "
                    "avg(tickets.time_to_first_response) as frt, count(conversations) as c]\n",
    "entity_shorthand": "source: contacts\ndimensions: [name]\nmeasures: [count(tickets) as t, "
                        "count(messages) as m, count(feedback_submissions) as f]\n",
    "status_periods": "source: ticket_status_periods\ndimensions: [status]\n"
                      "measures: [count() as n, sum(seconds) as s]\n",
    "response_turns": "source: response_turns\nmeasures: [count() as n, avg(reply_seconds) as s]\n",
    "compare_fill_gaps": "source: tickets\ndimensions: [{field: created_at, granularity: day}]\n"
                         "measures: [count() as n]\ndate_range: {from: 2025-06-01, to: 2025-06-15}\n"
                         "compare: previous_period\nfill_gaps: true\n",
    "having": "source: owners\ndimensions: [name]\nmeasures: [count(tickets) as n]\nhaving: [n >= 0]\n",
    "probe_other_agent": f"source: tickets\nmeasures: [count() as n]\nfilters: [\"owner.email = '{OTHER}'\"]\n",
    "probe_hidden_ids": "source: tickets\nmeasures: [count() as n, max(id) as top]\n"
                        "filters: [\"id in (1, 2, 7, 12)\"]\n",
    "messages_by_owner": "source: messages\ndimensions: [conversation.ticket.owner.email]\n"
                         "measures: [count() as n]\n",
    "calls_any_path": "source: calls\ndimensions: [owner.team.name, ticket.status]\nmeasures: [count() as n]\n",
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_member_numbers_are_those_of_the_deleted_data(world, name):
    root = world[0]
    assert_as_member_equals_deleted(world, spec_file(root, SPECS[name], name))


def test_member_sees_fewer_rows_than_admin(world):
    spec = spec_file(world[0], SPECS["source"], "fewer")
    count = lambda rows: sum(r["n"] for r in rows)  # noqa: E731
    assert count(run_json(world, spec, as_user=MEMBER)) == 3  # bob owns tickets 3, 6 and 8
    assert count(run_json(world, spec, as_user="lead@example.com")) == 12
    assert run_json(world, spec, as_user="lead@example.com") == run_json(world, spec)


def test_probing_another_agent_finds_nothing(world):
    rows = run_json(world, spec_file(world[0], SPECS["probe_other_agent"], "probe"), as_user=MEMBER)
    assert rows == [{"n": 0}]


def test_command_line_filters_cannot_widen(world):
    spec = spec_file(world[0], SPECS["source"], "cli_filter")
    assert_as_member_equals_deleted(world, spec, "--filter", "owner.email != 'x' or owner_id is null")


@pytest.mark.parametrize("name", [n for n in builtin_names() if n != "sla_progress"])
def test_builtin_reports_as_member(world, name):
    root, full, _ = world
    code, out = rb("run", name, "--workspace", root / "rb.yaml", "--data", full, "--now", NOW, "--as", MEMBER)
    if code == 2:  # a report that reads a field hidden from members is refused, not run without it
        assert "contacts.email is hidden from your role" in out or "contacts.phone is hidden" in out, out
        return
    assert_as_member_equals_deleted(world, name)


@pytest.mark.parametrize("board", builtin_names("dashboards"))
def test_dashboard_as_member_equals_deleted_data(world, board):
    root, full, visible = world
    ws = open_workspace(root / "rb.yaml")
    now = datetime(2025, 6, 30, 12)
    viewer = viewer_for(MEMBER, ws.access, ws.catalog, now)
    panels = lambda data, who: [(p.error, p.result and p.result.rows)  # noqa: E731
                                for p in run_dashboard(load_dashboard(board), ws, data, now, viewer=who).panels]
    restricted = panels(full, viewer)
    assert restricted == panels(visible, None)
    assert any(rows for _, rows in restricted)


def test_explain_coverage_counts_visible_rows_only(world):
    root, full, visible = world
    spec = spec_file(root, SPECS["to_many_paths"], "explain")
    common = ["explain", spec, "--workspace", root / "rb.yaml", "--now", NOW]
    code, restricted = rb(*common, "--data", full, "--as", MEMBER)
    assert code == 0, restricted
    code, deleted = rb(*common, "--data", visible)
    assert restricted.replace(str(full), "") == deleted.replace(str(visible), "")


def test_rb_sql_shows_the_restricted_views(world):
    root = world[0]
    code, out = rb("sql", spec_file(root, SPECS["owner_source"], "sql"), "--workspace", root / "rb.yaml",
                   "--as", MEMBER)
    assert code == 0, out
    assert "CREATE VIEW tickets AS" in out and "__all_tickets" in out and f"'{MEMBER}'" in out
    assert "CREATE VIEW owners" not in out  # owners are not restricted


def test_rb_user_environment_is_the_same_as_as(world):
    root, full, _ = world
    spec = spec_file(root, SPECS["source"], "env")
    args = ["run", spec, "--workspace", root / "rb.yaml", "--data", full, "--now", NOW, "--format", "json"]
    assert rb(*args, env={"RB_USER": MEMBER}) == rb(*args, "--as", MEMBER)


# -- hidden fields --------------------------------------------------------------------------
CONTACT_EMAILS = re.compile(r"[a-z]+@acme\.example|@globex|\+1 555 1\d{3}")


@pytest.mark.parametrize("text,line", [
    ("source: contacts\ndimensions: [email]\nmeasures: [count() as n]\n", 2),
    ("source: tickets\ndimensions: [contact.phone]\nmeasures: [count() as n]\n", 2),
    ("source: tickets\nmeasures: [count_distinct(contact.email) as n]\n", 2),
    ("source: tickets\nmeasures: [count() as n]\nfilters: [\"contact.email like '%acme%'\"]\n", 3),
    ("source: companies\nmeasures: [count() as n]\nfilters: [\"contacts.email = 'ana@acme.example'\"]\n", 3),
    ("source: contacts\nmeasures: [count_if(phone is null) as n]\n", 2),
])
def test_hidden_fields_are_refused_with_a_position(world, text, line):
    root, full, _ = world
    spec = spec_file(root, text, "hidden")
    code, out = rb("run", spec, "--workspace", root / "rb.yaml", "--data", full, "--as", MEMBER)
    assert code == 2
    assert re.search(rf"hidden\.yaml:{line}:\d+: error: contacts\.(email|phone) is hidden from your role", out)
    assert not CONTACT_EMAILS.search(out.splitlines()[0]) and "Traceback" not in out  # then the spec's own line
    code, out = rb("run", spec, "--workspace", root / "rb.yaml", "--data", full, "--as", "lead@example.com")
    assert code == 0, out  # the admin may read them


def test_hidden_field_in_a_command_line_filter_is_refused(world):
    root, full, _ = world
    spec = spec_file(root, SPECS["source"], "hidden_cli")
    code, out = rb("run", spec, "--workspace", root / "rb.yaml", "--data", full, "--as", MEMBER,
                   "--filter", "contact.email = 'ana@acme.example'")
    assert code == 2 and "hidden from your role" in out


# -- refusals -----------------------------------------------------------------------------------
def test_unknown_user_is_refused_without_listing_users(world):
    root, full, _ = world
    code, out = rb("run", "tickets_by_channel", "--workspace", root / "rb.yaml", "--data", full,
                   "--as", "bob@example.org")
    assert code == 2 and "is not a user of this workspace" in out
    assert "@example.com" not in out and "member" not in out


def test_as_without_users_is_refused(tmp_path):
    code, out = rb("run", "tickets_by_channel", "--data", FIXTURE, "--as", MEMBER)
    assert code == 2 and "lists `users:`" in out


def test_spark_refuses_a_restricted_user(world):
    root, full, _ = world
    code, out = rb("run", "tickets_by_channel", "--workspace", root / "rb.yaml", "--data", full,
                   "--as", MEMBER, "--engine", "spark")
    assert code == 2 and "does not apply row-level access" in out


# -- workspace mistakes: positioned errors naming the workspace file ------------------------------
BAD_WORKSPACES = {
    "unknown_field": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    tickets: owner.mail = user.email\n",
                      5, "unknown field 'mail'"),
    "attribute_of_another_type": ("users:\n  a@x.com: {role: member, level: 3}\naccess:\n  member:\n"
                                  "    tickets: priority = user.level\n", 5, "cannot compare text with"),
    "role_without_users": ("users:\n  a@x.com: {role: admin}\naccess:\n  member:\n    tickets: status = 'new'\n",
                           4, "role 'member' has no users"),
    "unknown_entity": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    tikets: status = 'new'\n",
                       5, "did you mean 'tickets'"),
    "unknown_attribute": ("users:\n  a@x.com: {role: member, team: A}\naccess:\n  member:\n"
                          "    calls: owner.team.name = user.teem\n", 5, "did you mean 'user.team'"),
    "to_many_path": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n"
                     "    companies: tickets.owner.email = user.email\n", 5, "many-to-one paths only"),
    "not_a_condition": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    tickets: owner.email\n",
                        5, "is a condition"),
    "hide_unknown": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    contacts: {hide: [emial]}\n",
                     5, "did you mean 'email'"),
    "hide_link": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    tickets: {hide: [owner_id]}\n",
                  5, "is a key or link"),
    "derived_entity_rows": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n"
                            "    response_turns: ticket_id = 1\n", 5, "restrict the rows of those"),
    "user_without_role": ("users:\n  a@x.com: {team: A}\n", 2, "needs `role: NAME`"),
    "not_an_email": ("users:\n  ana: {role: admin}\n", 2, "not an e-mail address"),
    "bad_token": ("users:\n  a@x.com: {role: admin, token_sha256: abc}\n", 2, "64 hex digits"),
    "syntax": ("users:\n  a@x.com: {role: member}\naccess:\n  member:\n    tickets: owner.email = = 1\n",
               5, "invalid expression"),
}


@pytest.mark.parametrize("name", sorted(BAD_WORKSPACES))
def test_workspace_mistakes_are_positioned(tmp_path, name):
    text, line, words = BAD_WORKSPACES[name]
    workspace = tmp_path / "rb.yaml"
    workspace.write_text(text, encoding="utf-8")
    code, out = rb("validate", "tickets_by_channel", "--workspace", workspace)
    assert code == 2, out
    assert re.search(rf"rb\.yaml:{line}:\d+: error: .*{re.escape(words)}", out), out
    assert "Traceback" not in out


def test_filter_on_a_catalog_sql_field_reads_all_rows(tmp_path):
    """A filter on a derived field computed by catalog SQL (a lookup over messages and
    conversations) keeps the same tickets as that filter without --as."""
    condition = "agent_reply_count >= 1 and owner.team.name = 'Tier 2'"
    workspace = tmp_path / "rb.yaml"
    workspace.write_text(f"users:\n  {MEMBER}: {{role: member}}\naccess:\n  member:\n    tickets: {condition}\n")
    spec = spec_file(tmp_path, "source: tickets\ndimensions: [status]\nmeasures: [count() as n]\n")
    common = ["run", spec, "--workspace", workspace, "--data", FIXTURE, "--format", "json", "--now", NOW]
    restricted, plain = rb(*common, "--as", MEMBER), rb(*common, "--filter", condition)
    assert restricted == plain and restricted[0] == 0 and json.loads(restricted[1])


def _rows_json(world, spec, *extra, as_user=None, data=None):
    root, full, _ = world
    args = ["rows", spec, "--workspace", root / "rb.yaml", "--data", data or full, "--now", NOW,
            "--format", "json", *extra]
    code, out = rb(*args, *(["--as", as_user] if as_user else []))
    return code, out


@pytest.mark.parametrize("cell", ["status=open", "status=closed", "status=new", "status=pending"])
def test_rb_rows_lists_only_visible_rows(world, cell):
    """Drill-down as a member equals drill-down on the deleted data; a group only others have is no cell."""
    spec = spec_file(world[0], SPECS["source"], "drill")
    restricted = _rows_json(world, spec, "--cell", cell, as_user=MEMBER)
    deleted = _rows_json(world, spec, "--cell", cell, data=world[2])
    assert restricted == deleted
    if restricted[0] == 0:
        assert {row["owner_id"] for row in json.loads(restricted[1])} <= {2}  # bob's id in access_world


def test_rb_rows_crafted_cell_cannot_reach_hidden_rows(world):
    spec = spec_file(world[0], "source: tickets\ndimensions: [owner.email]\nmeasures: [count() as n]\n", "drill_owner")
    code, out = _rows_json(world, spec, "--cell", f"email={OTHER}", as_user=MEMBER)
    assert code == 2
    assert OTHER not in out.replace(f"email={OTHER}", "")  # only the user's own words come back


def test_rb_insights_as_member_equals_deleted_data(world):
    root, full, visible = world
    spec = spec_file(root, "source: tickets\ndimensions: [{field: created_at, granularity: day}]\n"
                           "measures: [count() as n]\ndate_range: {from: 2025-06-01, to: 2025-06-30}\n", "ins")
    args = ["insights", spec, "--workspace", root / "rb.yaml", "--now", NOW, "--format", "json"]
    assert rb(*args, "--data", full, "--as", MEMBER) == rb(*args, "--data", visible)
