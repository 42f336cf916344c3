"""What the builder shows of the catalog: the entities a report can start from, and from a chosen
primary source the secondary sources reachable through relationships (the join graph `rb explain`
walks), each with its fields, derived fields and named measures, typed and described.

Fields the viewer's role hides (`access: ... hide:`) are left out, as the checker refuses them.
"""
from __future__ import annotations

from ..catalog.model import Catalog, Entity

MAX_DEPTH = 2  # paths of one or two steps: owner, owner.team, conversations.messages, ...


def _fields(entity: Entity, hidden: frozenset) -> list[dict]:
    return [{"name": c.name, "type": c.type, "unit": c.unit, "description": c.description, "derived": c.derived}
            for c in entity.columns if (entity.name, c.name) not in hidden]


def _measures(catalog: Catalog, entity: str) -> list[dict]:
    return [{"name": m.name, "expr": m.expr, "unit": m.unit, "description": m.description}
            for m in catalog.measures if m.entity == entity]


def reachable(catalog: Catalog, source: str, depth: int = MAX_DEPTH) -> list[tuple[tuple[str, ...], str, bool]]:
    """(path, entity, through a one-to-many step) from `source`, breadth-first, never revisiting an
    entity on the same path; `source` itself first with the empty path."""
    out = [((), source, False)]
    frontier = [((), source, False, (source,))]
    for _ in range(depth):
        nxt = []
        for path, name, many, seen in frontier:
            for rel in sorted(catalog.entity(name).relationships, key=lambda r: r.name):
                if rel.target in seen:
                    continue
                step = (path + (rel.name,), rel.target, many or rel.to_many, seen + (rel.target,))
                nxt.append(step)
                out.append(step[:3])
        frontier = nxt
    return out


def catalog_json(catalog: Catalog, source: str | None, hidden: frozenset = frozenset()) -> dict:
    """{entities: [...], source, sources: [{path, entity, kind, fields, measures}]} for the builder."""
    entities = [{"name": e.name, "description": e.description, "time_field": e.time_field}
                for e in catalog.entities]
    if source is None or catalog.entity(source) is None:
        return {"entities": entities, "source": None, "sources": []}
    sources = []
    for path, name, many in reachable(catalog, source):
        entity = catalog.entity(name)
        kind = "primary" if not path else "one-to-many" if many else "many-to-one"
        sources.append({"path": ".".join(path), "entity": name, "kind": kind, "description": entity.description,
                        "time_field": entity.time_field, "fields": _fields(entity, hidden),
                        "measures": _measures(catalog, name) if not path else []})
    return {"entities": entities, "source": source, "sources": sources}
