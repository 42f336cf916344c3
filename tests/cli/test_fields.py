"""`rb fields [ENTITY]`: every name a spec can use, with type and description; docs/data-model.md
lists the same columns; and no doc points at a file that is not in the repository."""
from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from reportbuilder.catalog.describe import columns_markdown, field_rows
from reportbuilder.catalog.load_catalog import load_catalog
from reportbuilder.cli import main

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: a path of the repository written as code (`docs/x.md`); NAME-like capitals are placeholders
CODE_PATH = re.compile(r"`((?:shared|docs|reportbuilder|specs|tests|examples|benchmarks|scripts|grammar)/[a-z0-9_./-]+)`")


def _fields(*args):
    result = CliRunner().invoke(main, ["fields", *args])
    return result


def test_every_entity_column_derived_field_and_measure_is_listed_with_a_description():
    catalog = load_catalog()
    rows = json.loads(_fields("--format", "json").output)
    listed = {(r["entity"], r["field"]): r for r in rows}
    for entity in catalog.entities:
        for column in entity.columns:
            assert (entity.name, column.name) in listed
        for rel in entity.relationships:
            assert listed[(entity.name, rel.name)]["kind"] == "relationship"
    for measure in catalog.measures:
        assert listed[(measure.entity, measure.name)]["kind"] == "measure"
    assert all(r["description"] and r["type"] for r in rows)
    assert listed[("tickets", "time_to_first_response")]["kind"] == "derived field"
    assert listed[("tickets", "status")] == {"entity": "tickets", "field": "status", "kind": "column",
                                             "type": "text",
                                             "description": "new, waiting_on_us, waiting_on_contact, closed"}
    assert listed[("feedback_submissions", "nps")]["type"] == "number (percent)"


def test_one_entity_and_an_unknown_one():
    rows = json.loads(_fields("calls", "--format", "json").output)
    assert {r["entity"] for r in rows} == {"calls"}
    assert [r["field"] for r in rows][:3] == ["id", "contact_id", "owner_id"]
    result = _fields("ticket")
    assert result.exit_code == 2 and "unknown entity 'ticket'; did you mean tickets" in result.output


def test_the_table_shows_types_and_descriptions():
    result = _fields("shifts")
    assert result.exit_code == 0 and "Fields of shifts" in result.output
    assert "ended_at" in result.output and "-> owners" in result.output


def test_a_workspace_measure_is_listed(tmp_path):
    (tmp_path / "rb.yaml").write_text("measures:\n  open_tickets:\n    entity: tickets\n    description: tickets "
                                      "not closed\n    expr: count_if(status <> 'closed')\n")
    rows = json.loads(_fields("tickets", "--format", "json", "--workspace", str(tmp_path / "rb.yaml")).output)
    assert {"entity": "tickets", "field": "open_tickets", "kind": "measure", "type": "number",
            "description": "tickets not closed"} in rows


def test_data_model_doc_lists_the_columns():
    page = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert columns_markdown(load_catalog()) in page  # regenerate the "Columns" section when this fails
    assert "| queue_seconds | integer (seconds) | extension:" in page
    assert len([r for r in field_rows(load_catalog()) if r[2] == "column"]) > 80


def test_docs_point_only_at_files_in_the_repository():
    pages = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:  # paths written as code are read from the repository's root
        broken += [f"{page.relative_to(ROOT)} -> `{target}`" for target in CODE_PATH.findall(page.read_text("utf-8"))
                   if not (ROOT / target.split("#")[0].rstrip(".")).exists()]
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a web address or an anchor in the same page
            path = (page.parent / target.split("#")[0]).resolve()
            if not path.exists() or ROOT not in path.parents:
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
