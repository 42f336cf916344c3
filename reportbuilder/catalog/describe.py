"""Every field a spec can name, with its type and one-line description: `rb fields [ENTITY]`.

Rows come from the catalog the report runs with (so a workspace's own derived fields and
measures are listed too): each entity's stored columns (described by `column_notes.yaml`,
the contract's notes), its derived fields, the relationships a path can follow, and the
named measures of the entity.

Example:
    >>> from reportbuilder.catalog.load_catalog import load_catalog
    >>> rows = field_rows(load_catalog(), "calls")
    >>> [r for r in rows if r[1] == "queue_seconds"][0][:4]
    ('calls', 'queue_seconds', 'column', 'integer (seconds)')
"""
from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources

import yaml

from .model import Catalog

KINDS = ("column", "derived field", "relationship", "measure")
HEADER = ("entity", "field", "kind", "type", "description")


@lru_cache(maxsize=1)
def column_notes() -> dict[str, dict[str, str]]:
    """table (or derived entity) -> column -> its one-line description."""
    text = resources.files("reportbuilder.catalog").joinpath("column_notes.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def field_rows(catalog: Catalog, entity: str | None = None) -> list[tuple[str, str, str, str, str]]:
    """(entity, field, kind, type, description) for every field of `entity` (None: of all entities);
    a ValueError with a did-you-mean for an entity the catalog does not have."""
    names = [e.name for e in catalog.entities]
    if entity is not None and entity not in names:
        close = difflib.get_close_matches(entity, names, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else f"; entities: {', '.join(names)}"
        raise ValueError(f"unknown entity '{entity}'{hint}")
    rows = []
    for ent in catalog.entities:
        if entity is not None and ent.name != entity:
            continue
        notes = column_notes().get(ent.table or ent.name, {})
        for column in ent.columns:
            kind = "derived field" if column.derived or ent.table is None else "column"
            description = column.description or notes.get(column.name, "")
            rows.append((ent.name, column.name, kind, _type(column.type, column.unit), description))
        for rel in ent.relationships:
            many = "one-to-many" if rel.to_many else "many-to-one"
            rows.append((ent.name, rel.name, "relationship", f"-> {rel.target}",
                         f"{many} link (via {rel.column}): a path such as {rel.name}.<field>"))
        for measure in catalog.measures:
            if measure.entity == ent.name:
                rows.append((ent.name, measure.name, "measure", _type("number", measure.unit), measure.description))
    return rows


def _type(kind: str, unit: str | None) -> str:
    return f"{kind} ({unit})" if unit else kind


def columns_markdown(catalog: Catalog) -> str:
    """The stored columns of every data table as markdown tables: the "Columns" section of
    docs/data-model.md (tests/cli/test_fields.py keeps the page equal to it)."""
    out = []
    for ent in catalog.entities:
        if not ent.table:
            continue
        out += [f"### {ent.name}", "", "| column | type | description |", "|---|---|---|"]
        out += [f"| {name} | {kind} | {text.replace('|', '/')} |"
                for _, name, what, kind, text in field_rows(catalog, ent.name) if what == "column"]
        out.append("")
    return "\n".join(out)
