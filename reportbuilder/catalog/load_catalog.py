"""Build the `Catalog` from the shipped YAML files and an optional workspace file.

Example:
    >>> cat = load_catalog()
    >>> cat.entity("tickets").relationship("owner").target
    'owners'
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import sqlglot
import yaml

from ..calendars.model import DEFAULT_BUSINESS_HOURS, BusinessHours
from ..calendars.policy import policy_document
from .model import DASHBOARD_FILTER_KEYS, Catalog, Column, Entity, NamedMeasure, Relationship
from .sql_trees import parse_duckdb

SHIPPED = ("helpdesk.yaml", "vocabulary.yaml")
WORKSPACE_KEYS = ("data", "timezone", "week_start", "now", "spark_master", "entities", "derived_fields",
                  "derived_entities", "measures", "calendars", "default_calendar", "sla_due_soon_minutes",
                  "sla_policy")
WORKSPACE_KEYS += ("users", "access")  # read by access/policy.py


class CatalogError(ValueError):
    """A catalog or workspace file is malformed."""


# libyaml's loader when PyYAML has it: the shipped catalog is read on every start, ten times faster
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_shipped(name: str) -> dict:
    path = resources.files("reportbuilder.catalog").joinpath(name)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}  # noqa: S506 - a safe loader


def _parse_sql(text: str, where: str):
    try:
        return parse_duckdb(text)
    except sqlglot.errors.ParseError as exc:
        raise CatalogError(f"{where}: invalid SQL: {exc}") from None


def _columns(spec: dict, units: dict, optional, where: str) -> list[Column]:
    unknown = set(optional) - set(spec or {})
    if unknown:
        raise CatalogError(f"{where}: `optional` names no column: {', '.join(sorted(unknown))}")
    return [Column(name=n, type=t, unit=units.get(n), optional=n in optional) for n, t in (spec or {}).items()]


def _entity(name: str, spec: dict, derived: bool) -> tuple[Entity, list[tuple]]:
    where = f"entity {name}"
    if not isinstance(spec, dict) or "columns" not in spec:
        raise CatalogError(f"{where}: needs `columns`")
    links = []
    rels = []
    for rel_name, link in (spec.get("links") or {}).items():
        rels.append(Relationship(rel_name, name, link["entity"], link["column"], to_many=False))
        links.append((name, link["entity"], link["column"]))
    sql = _parse_sql(spec["sql"], where) if derived else None
    entity = Entity(
        name=name,
        table=None if derived else spec.get("table", name),
        primary_key=spec.get("primary_key"),
        time_field=spec.get("time_field"),
        columns=tuple(_columns(spec["columns"], spec.get("units") or {}, spec.get("optional") or (), where)),
        relationships=tuple(rels),
        sql=sql,
        description=spec.get("description", ""),
        small=bool(spec.get("small", False)),
        dashboard_filters=_dashboard_filters(spec.get("dashboard_filters"), where),
    )
    return entity, links


def _dashboard_filters(spec, where: str) -> tuple[tuple[str, str], ...]:
    """(key, path) of an entity's `dashboard_filters`; the paths are checked with the reports."""
    if spec is None:
        return ()
    if not isinstance(spec, dict) or any(not isinstance(v, str) for v in spec.values()):
        raise CatalogError(f"{where}: dashboard_filters maps filter names to field paths")
    unknown = sorted(set(spec) - set(DASHBOARD_FILTER_KEYS))
    if unknown:
        raise CatalogError(f"{where}: unknown dashboard filters {unknown}; known: {list(DASHBOARD_FILTER_KEYS)}")
    return tuple((k, spec[k]) for k in DASHBOARD_FILTER_KEYS if k in spec)


def _derived_field(entity: str, name: str, spec: dict) -> Column:
    where = f"derived field {entity}.{name}"
    if ("expr" in spec) == ("sql" in spec):
        raise CatalogError(f"{where}: give exactly one of `expr` and `sql`")
    return Column(
        name=name,
        type=spec.get("type", "number"),
        unit=spec.get("unit"),
        description=spec.get("description", ""),
        expr=spec.get("expr"),
        sql=_parse_sql(spec["sql"], where) if "sql" in spec else None,
        default=spec.get("default"),
    )


def _merge(documents: list[dict]) -> tuple[dict, dict, dict]:
    """Collect entities (base and derived), derived fields and measures from all documents."""
    entities, fields, measures = {}, {}, {}
    for doc in documents:
        for name, spec in (doc.get("entities") or {}).items():
            entities[name] = (spec, False)
        for name, spec in (doc.get("derived_entities") or {}).items():
            entities[name] = (spec, True)
        for ent, specs in (doc.get("derived_fields") or {}).items():
            fields.setdefault(ent, {}).update(specs or {})
        measures.update(doc.get("measures") or {})
    return entities, fields, measures


def build_catalog(documents: list[dict], settings: dict | None = None,
                  business: BusinessHours = DEFAULT_BUSINESS_HOURS) -> Catalog:
    """Assemble a catalog from parsed YAML documents (later ones extend or override earlier)."""
    entity_specs, field_specs, measure_specs = _merge(documents)
    built: dict[str, Entity] = {}
    all_links = []
    for name, (spec, derived) in entity_specs.items():
        built[name], links = _entity(name, spec, derived)
        all_links += links
    for ent, specs in field_specs.items():
        if ent not in built:
            raise CatalogError(f"derived fields for unknown entity {ent!r}")
        extra = tuple(_derived_field(ent, n, s) for n, s in specs.items())
        built[ent] = replace(built[ent], columns=built[ent].columns + extra)
    for source, target, column in all_links:
        if target not in built:
            raise CatalogError(f"entity {source}: link to unknown entity {target!r}")
        reverse = Relationship(source, target, source, column, to_many=True)
        built[target] = replace(built[target], relationships=built[target].relationships + (reverse,))
    measures = tuple(
        NamedMeasure(n, s["entity"], s["expr"], s.get("unit"), s.get("description", ""))
        for n, s in measure_specs.items()
    )
    settings = settings or {}
    return Catalog(
        entities=tuple(built[n] for n in sorted(built)),
        measures=measures,
        week_start=settings.get("week_start", "monday"),
        timezone=settings.get("timezone", "UTC"),
        data_path=settings.get("data"),
        business=business,
    )


@lru_cache(maxsize=1)
def _shipped_documents() -> tuple[dict, ...]:
    return tuple(_read_shipped(n) for n in SHIPPED)


def load_catalog(workspace: dict | None = None, business: BusinessHours = DEFAULT_BUSINESS_HOURS) -> Catalog:
    """The shipped catalog, extended by a parsed workspace document and its business hours."""
    shipped = _shipped_documents()
    turns = next((d["derived_entities"]["response_turns"] for d in shipped
                  if "response_turns" in (d.get("derived_entities") or {})), None)
    documents = list(shipped) + [policy_document(business, turns)]
    if workspace:
        documents.append(workspace)
    return build_catalog(documents, workspace, business)


def read_workspace(path: Path) -> dict:
    """Parse a workspace file; relative `data` paths are taken from the file's folder."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict):
        raise CatalogError(f"{path}: a workspace file is a mapping")
    unknown = sorted(set(doc) - set(WORKSPACE_KEYS))
    if unknown:
        raise CatalogError(f"{path}: unknown workspace keys {unknown}; known: {list(WORKSPACE_KEYS)}")
    if doc.get("data") is not None:
        doc["data"] = str((path.parent / str(doc["data"])).resolve())
    return doc
