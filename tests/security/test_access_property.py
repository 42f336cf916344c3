"""Property: for random specs (tests/oracle strategies) and random policies, a report run `--as`
a member on the full data equals the same report run on data where the rows the member may not
see were deleted beforehand (by Python, following each filter's links over all rows).

Bounded and fixed by default (derandomize, 40 examples); RB_PROPERTY_EXAMPLES raises the count.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from reportbuilder.access import read_policy, viewer_for
from reportbuilder.emit.build_sql import build_sql
from reportbuilder.plan.plan_report import plan_report
from reportbuilder.run.execute import run_query
from tests.oracle.strategies import (NOW, assert_rows_match, catalog, check_text, datasets, spec_yaml, specs,
                                     write_csv_dir)

EXAMPLES = int(os.environ.get("RB_PROPERTY_EXAMPLES", "40"))
EMAIL = "member@example.com"

# table -> [(filter, links followed from the row, column compared, user attribute)]
TEMPLATES = {
    "tickets": [("owner.email = user.email", [("owner_id", "owners")], "email", "email"),
                ("priority = user.level", [], "priority", "level"),
                ("owner.team.name = user.team", [("owner_id", "owners"), ("team_id", "teams")], "name", "team")],
    "conversations": [("ticket.owner.email = user.email", [("ticket_id", "tickets"), ("owner_id", "owners")],
                       "email", "email")],
    "messages": [("conversation.ticket.priority = user.level",
                  [("conversation_id", "conversations"), ("ticket_id", "tickets")], "priority", "level")],
    "calls": [("owner.team.name = user.team", [("owner_id", "owners"), ("team_id", "teams")], "name", "team")],
    "contacts": [("company.name = user.company", [("company_id", "companies")], "name", "company")],
    "companies": [("name = user.company", [], "name", "company")],
    "owners": [("team.name = user.team", [("team_id", "teams")], "name", "team")],
    "ticket_status_changes": [("ticket.owner.email = user.email", [("ticket_id", "tickets"), ("owner_id", "owners")],
                               "email", "email")],
}
ATTRIBUTE_SOURCES = {"email": ("owners", "email"), "level": ("tickets", "priority"), "team": ("teams", "name"),
                     "company": ("companies", "name")}


@st.composite
def policies(draw, data):
    """(rules: table -> template, attributes of the member): values from the data, or missing."""
    rules = {}
    for table in sorted(TEMPLATES):
        if draw(st.booleans()):
            rules[table] = draw(st.sampled_from(TEMPLATES[table]))
    attributes = {}
    for name, (table, column) in ATTRIBUTE_SOURCES.items():
        values = sorted({r[column] for r in data[table] if r[column] not in (None, "")}, key=repr)
        choice = draw(st.sampled_from(values + ["no such value", None]))
        if choice is not None:
            attributes[name] = choice
    email = attributes.pop("email", EMAIL)
    return rules, attributes, email if email != "no such value" else EMAIL


def with_emails(data):
    """The data with owners' e-mails made addresses (users are keyed by e-mail)."""
    owners = [{**o, "email": None if o["email"] in (None, "") else f"{o['email'].strip()}.{o['id']}@example.com"}
              for o in data["owners"]]
    return {**data, "owners": owners}


def _value(value):
    return None if value == "" else value


def deleted(data, rules, attributes, email):
    """The data with the rows each rule does not keep removed (links followed over all rows)."""
    index = {t: {r["id"]: r for r in rows} for t, rows in data.items() if rows and "id" in rows[0]}
    user = {**attributes, "email": email}
    out = {}
    for table, rows in data.items():
        if table not in rules:
            out[table] = rows
            continue
        _, links, column, attribute = rules[table]
        kept = []
        for row in rows:
            target = row
            for link, other in links:
                target = index.get(other, {}).get(target[link]) if target[link] is not None else None
                if target is None:
                    break
            value, wanted = _value(target[column]) if target else None, user.get(attribute)
            if value is not None and wanted is not None and value == wanted:
                kept.append(row)
        out[table] = kept
    return out


def workspace_text(rules, attributes, email) -> str:
    other = {name: "another value" for name in ATTRIBUTE_SOURCES if name != "email"}  # so a missing one is no typo
    doc = {"users": {email: {"role": "member", **attributes}, "other.member@example.com": {"role": "member", **other},
                     "admin@example.com": {"role": "admin"}},
           "access": {"member": {t: rule[0] for t, rule in rules.items()}}}
    if not rules:
        doc["access"] = {"member": {"tickets": "true"}}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_as_member_equals_predeleted_data(draws):
    data = with_emails(draws.draw(datasets(), label="data"))
    spec = draws.draw(specs(data), label="spec")
    rules, attributes, email = draws.draw(policies(data), label="policy")
    text = spec_yaml(spec)
    workspace = workspace_text(rules, attributes, email)
    note(f"spec:\n{text}\nworkspace:\n{workspace}\ndata: {data!r}")
    report = check_text(text)
    query = build_sql(plan_report(report, catalog()), catalog())
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "rb.yaml").write_text(workspace, encoding="utf-8")
        viewer = viewer_for(email, read_policy(root / "rb.yaml", catalog(), NOW), catalog(), NOW)
        full = write_csv_dir(data, root / "full")
        visible = write_csv_dir(deleted(data, rules, attributes, email), root / "visible")
        restricted = run_query(query, full, catalog(), report.timezone, restrict=viewer.restriction)
        expected = run_query(query, visible, catalog(), report.timezone)
    rows = lambda result: [dict(zip(result.names, row)) for row in result.rows]  # noqa: E731
    assert_rows_match(report, rows(expected), rows(restricted))
