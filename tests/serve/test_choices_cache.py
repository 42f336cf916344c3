"""The filter value lists of the report and dashboard pages are kept between page loads, per user
and per data: a second load runs no query, a changed data file gives the new values at once, and
one user's lists are never shown to another."""
from __future__ import annotations

import hashlib
import re

import pytest
from starlette.testclient import TestClient

from reportbuilder.serve import choices, create_app
from tests.security.access_world import FIXTURE, MEMBER, WORKSPACE, read, write

NOW = "2025-06-30T12:00:00"
TOKENS = {"lead@example.com": "lead-token", MEMBER: "bob-token"}
LEAD = ["Alice Martin", "Bob Chen", "Carol Diaz", "Dave Evans"]  # owners of tickets


def owner_options(html: str) -> list[str]:
    select = re.search(r'<select name="owner"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no owner choice on the page"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = choices.filter_choices

    def counting(fields, run_spec):
        calls.append(sorted(fields))
        return real(fields, run_spec)
    monkeypatch.setattr(choices, "filter_choices", counting)
    return calls


@pytest.fixture
def world(tmp_path):
    tables = read(FIXTURE)
    data = write(tables, tmp_path / "data")
    ws = tmp_path / "ws"
    ws.mkdir()
    text = WORKSPACE
    for email, token in TOKENS.items():
        text = text.replace(f"{email}: {{role: ", f"{email}: {{token_sha256: {hashlib.sha256(token.encode()).hexdigest()}, role: ")
    (ws / "rb.yaml").write_text(text, encoding="utf-8")
    return tables, data, TestClient(create_app(ws / "rb.yaml", str(data)))


def page(client, token: str, name: str = "/report/tickets_by_channel") -> str:
    answer = client.get(name, params={"now": NOW}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.text


def test_second_load_runs_no_query_and_changed_data_is_never_stale(world, counted):
    tables, data, client = world
    first = owner_options(page(client, "lead-token"))
    assert first == ["Alice Martin", "Bob Chen", "Carol Diaz", "Dave Evans"]
    assert len(counted) == 1
    assert owner_options(page(client, "lead-token")) == first and len(counted) == 1  # kept
    page(client, "lead-token", "/dashboard/helpdesk_summary")  # other fields: their own entry
    assert len(counted) == 2
    columns, rows = tables["owners"]
    renamed = [{**row, "name": "Alicia Martin"} if row["name"] == "Alice Martin" else row for row in rows]
    write({"owners": (columns, renamed)}, data)  # same size class, rewritten in place
    assert owner_options(page(client, "lead-token")) == ["Alicia Martin", "Bob Chen", "Carol Diaz", "Dave Evans"]
    assert len(counted) == 3


def test_each_user_gets_the_lists_of_their_own_rows(world, counted):
    _, _, client = world
    assert owner_options(page(client, "lead-token")) == LEAD
    assert owner_options(page(client, "bob-token")) == ["Bob Chen"]  # bob sees his tickets only
    assert owner_options(page(client, "lead-token")) == LEAD
    assert len(counted) == 2


def test_fingerprint_sees_a_rewrite_that_keeps_size_and_mtime(tmp_path):
    import os

    table = tmp_path / "owners.csv"
    table.write_text("id,name\n1,Ann\n", encoding="utf-8")
    before = choices.data_fingerprint(tmp_path)
    stat = table.stat()
    table.write_text("id,name\n1,Bob\n", encoding="utf-8")
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert choices.data_fingerprint(tmp_path) != before  # the change time moved
    assert choices.data_fingerprint(tmp_path / "nowhere") is None  # not a local file: never cached
