"""Relationship paths through the catalog: explicit paths and the entity shorthand.

Example:
    >>> from reportbuilder.catalog.load_catalog import load_catalog
    >>> shortest_paths(load_catalog(), "tickets", "companies")
    [('company',)]
"""
from __future__ import annotations

from .model import Catalog, Relationship

MAX_HOPS = 6


def shortest_paths(catalog: Catalog, start: str, target: str) -> list[tuple[str, ...]]:
    """All shortest relationship paths from `start` to `target` (breadth-first, ties by name).

    Paths never visit an entity twice. `[()]` when start is the target.
    """
    if start == target:
        return [()]
    frontier = [((), start)]
    for _ in range(MAX_HOPS):
        found, nxt = [], []
        for path, entity in frontier:
            visited = _entities_on(catalog, start, path)
            for rel in sorted(catalog.entity(entity).relationships, key=lambda r: r.name):
                if rel.target in visited:
                    continue
                step = (path + (rel.name,), rel.target)
                (found if rel.target == target else nxt).append(step)
        if found:
            return [p for p, _ in found]
        frontier = nxt
    return []


def _entities_on(catalog: Catalog, start: str, path: tuple[str, ...]) -> set[str]:
    seen, entity = {start}, start
    for name in path:
        entity = catalog.entity(entity).relationship(name).target
        seen.add(entity)
    return seen


def relationships_of(catalog: Catalog, start: str, path: tuple[str, ...]) -> list[Relationship]:
    """The relationship objects along a path of names from `start`."""
    rels, entity = [], start
    for name in path:
        rel = catalog.entity(entity).relationship(name)
        rels.append(rel)
        entity = rel.target
    return rels


def entity_at(catalog: Catalog, start: str, path: tuple[str, ...]) -> str:
    entity = start
    for name in path:
        entity = catalog.entity(entity).relationship(name).target
    return entity


def is_functional(catalog: Catalog, start: str, origin: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """True when each row of node `origin` determines at most one row of node `other`.

    Walking the join tree from `origin` up to the common prefix must only leave
    one-to-many steps backwards, and walking down to `other` only many-to-one steps.
    """
    common = 0
    while common < min(len(origin), len(other)) and origin[common] == other[common]:
        common += 1
    up = relationships_of(catalog, start, origin)[common:]
    down = relationships_of(catalog, start, other)[common:]
    return all(r.to_many for r in up) and not any(r.to_many for r in down)
