"""The demo's NPS: a standing survey plus answers after some closed tickets, so that NPS can be
reported by a ticket's channel (the README tour's nps_by_channel shows a number on every row)."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
from click.testing import CliRunner

from reportbuilder.cli import main
from reportbuilder.demo.generate_demo import generate_demo

ANCHOR = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    generate_demo(folder, ANCHOR)
    return folder


def test_some_nps_answers_follow_a_closed_ticket_of_their_contact(demo):
    con = duckdb.connect()
    linked, standing, bad = con.execute(f"""
        SELECT count(*) FILTER (f.ticket_id IS NOT NULL), count(*) FILTER (f.ticket_id IS NULL),
               count(*) FILTER (f.ticket_id IS NOT NULL AND (t.closed_at IS NULL OR f.submitted_at < t.closed_at
                                OR f.contact_id IS DISTINCT FROM t.contact_id))
        FROM '{demo / "feedback_submissions.parquet"}' f
        LEFT JOIN '{demo / "tickets.parquet"}' t ON t.id = f.ticket_id
        WHERE f.survey_type = 'nps'""").fetchone()
    assert linked >= 100 and standing >= 300 and bad == 0


def test_the_readme_nps_by_channel_example_has_a_number_on_every_row(demo):
    result = CliRunner().invoke(main, ["run", "examples/nps_by_channel.yaml", "--data", str(demo), "--now",
                                       "2026-06-15T12:00:00", "--format", "json"])
    rows = json.loads(result.output)
    assert len(rows) >= 4 and all(r["nps"] is not None and -100 <= r["nps"] <= 100 for r in rows)
