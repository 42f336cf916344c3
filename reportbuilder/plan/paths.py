"""Walking checked expressions: their nodes (aggregate arguments included) and join-tree paths."""
from __future__ import annotations

from ..catalog.model import Catalog
from ..catalog.join_graph import is_functional
from ..check.resolved import Agg, EntityRef, Field
from ..expr import ast


def walk(node):
    """The node and all its descendants, depth first, into aggregates' arguments too."""
    yield node
    kids = node.args if isinstance(node, Agg) else ast.children(node)
    for child in kids:
        yield from walk(child)


def node_paths(expr):
    """The join-tree path of every field and entity reference in `expr`."""
    for node in walk(expr):
        if isinstance(node, (Field, EntityRef)):
            yield node.path


def closed(paths) -> set:
    """The paths with all their prefixes (a join tree is closed under parents)."""
    out = {()}
    for path in paths:
        for i in range(len(path) + 1):
            out.add(tuple(path[:i]))
    return out


def by_depth(paths) -> tuple:
    """The paths in join-tree order: parents before children, then by name."""
    return tuple(sorted(paths, key=lambda p: (len(p), p)))


def repeats_grain(catalog: Catalog, source: str, grain: tuple, nodes) -> bool:
    """True when joining `nodes` can repeat a row of `grain` (some node is not a function of it)."""
    return not all(is_functional(catalog, source, grain, other) for other in nodes)
