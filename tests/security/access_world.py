"""A small world for the access tests: the vocabulary fixture, a workspace with an admin and two
members, and the same data with every row the member may not see deleted by hand (in Python,
independently of the engine), so that `--as` answers can be compared with plain answers on it."""
from __future__ import annotations

import csv
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vocabulary"
MEMBER = "bob@example.com"  # owns tickets 3, 6, 8, 11; team Tier 2
OTHER = "alice@example.com"  # another agent, whose rows bob must never see
HIDDEN_CONTACT_FIELDS = ("email", "phone")

WORKSPACE = f"""\
users:
  lead@example.com: {{role: admin}}
  {MEMBER}: {{role: member, team: Tier 2}}
  {OTHER}: {{role: member, team: Tier 1}}
access:
  member:
    tickets: owner.email = user.email
    ticket_status_changes: ticket.owner.email = user.email
    conversations: ticket.owner.email = user.email
    messages: conversation.ticket.owner.email = user.email
    feedback_submissions: ticket.owner.email = user.email
    calls: {{rows: owner.team.name = user.team}}
    contacts: {{hide: [email, phone]}}
"""


def read(directory: Path) -> dict[str, tuple[list[str], list[dict]]]:
    tables = {}
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            tables[path.stem] = (list(reader.fieldnames), list(reader))
    return tables


def write(tables, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, (columns, rows) in tables.items():
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
    return directory


def deleted_for_member(tables, email: str = MEMBER):
    """The data as the member should see it: other rows deleted, hidden contact fields emptied."""
    rows = {name: r for name, (_, r) in tables.items()}
    owners = {o["id"]: o for o in rows["owners"]}
    teams = {t["id"]: t["name"] for t in rows["teams"]}
    team = next(o["team_id"] for o in rows["owners"] if o["email"] == email)
    owns = lambda owner_id: owner_id in owners and owners[owner_id]["email"] == email  # noqa: E731
    tickets = {t["id"] for t in rows["tickets"] if owns(t["owner_id"])}  # over all rows
    conversations = {c["id"] for c in rows["conversations"] if c["ticket_id"] in tickets}
    keep = {
        "tickets": lambda r: r["id"] in tickets,
        "ticket_status_changes": lambda r: r["ticket_id"] in tickets,
        "conversations": lambda r: r["id"] in conversations,
        "messages": lambda r: r["conversation_id"] in conversations,
        "feedback_submissions": lambda r: r["ticket_id"] in tickets,
        "calls": lambda r: r["owner_id"] in owners and owners[r["owner_id"]]["team_id"] != ""
        and teams.get(owners[r["owner_id"]]["team_id"]) == teams[team],
    }
    out = {}
    for name, (columns, table) in tables.items():
        kept = [dict(r) for r in table if keep.get(name, lambda r: True)(r)]
        if name == "contacts":
            for r in kept:
                r.update({f: "" for f in HIDDEN_CONTACT_FIELDS})
        out[name] = (columns, kept)
    return out
